"""`manage.py compile_statistics OPERATION_CODE [--json] [--save]`: the figures of one operation."""

import json

from django.core.management.base import BaseCommand, CommandError

from operations.models import Operation
from reports.services import snapshot_compile
from reports.statistics import FIGURES, compile_figures, headline_keys, press_line


class Command(BaseCommand):
    help = "Compile the figures of an operation and print them (press style, or all of them as JSON)."

    def add_arguments(self, parser):
        parser.add_argument("operation_code")
        parser.add_argument("--json", action="store_true", help="Print every figure as JSON.")
        parser.add_argument("--save", action="store_true", help="Also store them as the operation's newest snapshot.")

    def handle(self, *args, operation_code, **options):
        operation = Operation.objects.filter(code=operation_code).first()
        if operation is None:
            raise CommandError(f"No operation with the code {operation_code!r}.")
        if options["save"]:
            figures = snapshot_compile(operation=operation).figures
        else:
            figures = compile_figures(operation)
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
            return
        totals = figures["totals"]
        self.stdout.write(f"{operation.code} — {operation.name}")
        self.stdout.write("Headline:")
        for key in headline_keys(operation):
            self.stdout.write(f"  {press_line(key, totals[key])}")
        self.stdout.write("All figures:")
        for key in FIGURES:
            self.stdout.write(f"  {press_line(key, totals[key])}")
