from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.trail import verify_chain


class Command(BaseCommand):
    help = "Check that no audit event was altered or removed (the hash chain is intact)."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Audit trail is NOT intact: {len(problems)} problem(s) found.")
        self.stdout.write(f"Audit trail intact: {AuditEvent.objects.count()} events checked.")
