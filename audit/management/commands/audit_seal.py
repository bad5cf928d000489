from django.core.management.base import BaseCommand

from audit.chain import seal


class Command(BaseCommand):
    help = "Seal new audit events into the tamper-evident chain (run every minute or so; safe to run at any time)."

    def handle(self, *args, **options):
        self.stdout.write(f"sealed: {seal()}")
