from django.core.management.base import BaseCommand

from demo import seeding as demo


class Command(BaseCommand):
    help = "Create the demo operation and one demo user of every role (idempotent)."

    def handle(self, *args, **options):
        logins = demo.seed()
        self.stdout.write(f"Demo operation {demo.OPERATION_CODE} is ready. Logins (password: {demo.DEMO_PASSWORD}):")
        for username, role in logins.items():
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(
            f"Two-factor code: every demo user's authenticator secret is {demo.DEMO_TOTP_SECRET} (add it to any\n"
            f"TOTP app). The code right now is {demo.demo_code()}; `python manage.py demo_code` prints the current one."
        )
