from django.core.management.base import BaseCommand

from demo import seeding as demo


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo users (their authenticator secret is public)."

    def handle(self, *args, **options):
        self.stdout.write(demo.demo_code())
