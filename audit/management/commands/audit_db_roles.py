from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.roles import apply_grants, grant_statements


class Command(BaseCommand):
    help = ("Give the app and sequencer database roles exactly their rights on the audit trail "
            "(run as the owner role, after migrate; idempotent). See audit/roles.py.")

    def add_arguments(self, parser):
        parser.add_argument("--app", required=True, help="The role of web, worker and beat (SELECT, INSERT).")
        parser.add_argument("--sequencer", required=True, help="The role of audit_sequencer (fills in the chain).")
        parser.add_argument("--print", action="store_true", help="Print the statements instead of running them.")

    def handle(self, *args, app, sequencer, **options):
        if options["print"]:
            for statement in grant_statements(app=app, sequencer=sequencer):
                self.stdout.write(statement + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL matter: the embedded SQLite has none.")
        apply_grants(app=app, sequencer=sequencer)
        self.stdout.write(f"Audit trail: {app} may read and append, {sequencer} may chain.")
