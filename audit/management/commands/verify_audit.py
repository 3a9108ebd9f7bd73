from django.core.management.base import BaseCommand, CommandError

from audit.trail import verify_trail


class Command(BaseCommand):
    help = ("Check the audit trail: no event altered, removed or re-chained (the hash chain, against the "
            "signed checkpoints), and every event chained and anchored in time.")

    def add_arguments(self, parser):
        parser.add_argument("--checkpoints", metavar="FILE",
                            help="Check against this copy of the checkpoints (say, the lines gathered from the "
                                 "log) instead of AUDIT_CHECKPOINT_FILE.")

    def handle(self, *args, **options):
        result = verify_trail(checkpoint_file=options["checkpoints"])
        if result.derived_key:
            self.stderr.write("Note: checkpoints are signed with a stand-in key derived from SECRET_KEY "
                              "(AUDIT_CHECKPOINT_KEY is not set): fine for a demo, no evidence.")
        if result.problems:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"Audit trail is NOT intact: {len(result.problems)} problem(s) found.")
        anchor = (f"anchored at event {result.anchor.seq} by the checkpoint of {result.anchor.at.isoformat()}"
                  if result.anchor else "no checkpoint yet")
        self.stdout.write(f"Audit trail intact: {result.events} events checked, {anchor} "
                          f"({result.checkpoints_read} checkpoints in {result.checkpoint_file}); "
                          f"{result.unsequenced} recent events waiting to be chained.")
