from django.core.management.base import BaseCommand

from retention.services import erase_expired, retention_days


class Command(BaseCommand):
    help = (
        "Erase the personal data of closed operations whose retention period (RETENTION_DAYS) ran out; "
        "their figures stay. With --dry-run, only list what would be erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; list what would be erased.")

    def handle(self, *args, dry_run=False, **options):
        days = retention_days()
        if days <= 0:
            self.stdout.write("Retention is off (RETENTION_DAYS is 0): nothing is erased.")
            return
        erasures = erase_expired(dry_run=dry_run)
        verb = "would be erased" if dry_run else "erased"
        for erasure in erasures:
            counts = ", ".join(f"{label}: {n}" for label, n in erasure.counts.items())
            self.stdout.write(f"{erasure.operation.code}: {verb}: {counts}")
        ended = "(dry run: nothing was changed)" if dry_run else ""
        self.stdout.write(
            f"{len(erasures)} operation(s) {verb} after a retention period of {days} days. {ended}".strip()
        )
