from django.core.management.base import BaseCommand, CommandError

from evidence.verification import verify_operation
from operations.models import Operation


class Command(BaseCommand):
    help = ("Recompute the SHA-256 of every evidence file and page capture of an operation and report any "
            "difference from what was recorded.")

    def add_arguments(self, parser):
        parser.add_argument("code", help="the operation's code")

    def handle(self, *args, code, **options):
        operation = Operation.objects.filter(code=code).first()
        if operation is None:
            raise CommandError(f"No operation {code!r}.")
        result = verify_operation(operation)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.intact:
            raise CommandError(result.summary())
        self.stdout.write(result.summary())
