from django.core.management.base import BaseCommand

from audit.checkpoints import new_key_pair


class Command(BaseCommand):
    help = "Print a new Ed25519 key pair for signing audit checkpoints, as lines for the .env file."
    requires_system_checks = []

    def handle(self, *args, **options):
        private, public = new_key_pair()
        self.stdout.write(f"AUDIT_CHECKPOINT_KEY={private}")
        self.stdout.write(f"AUDIT_CHECKPOINT_VERIFY_KEYS={public}")
        self.stderr.write(
            "Give AUDIT_CHECKPOINT_KEY to the sequencer only, and keep a copy offline; every process that\n"
            "verifies the trail needs only AUDIT_CHECKPOINT_VERIFY_KEYS. When you change keys, keep the old\n"
            "public key in AUDIT_CHECKPOINT_VERIFY_KEYS (comma-separated, newest first): old checkpoints stay\n"
            "signed with it."
        )
