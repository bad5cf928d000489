from django.core.management.base import BaseCommand, CommandError

from audit.chain import verify


class Command(BaseCommand):
    help = "Recompute the audit chain; exit with an error naming the first broken link."

    def handle(self, *args, **options):
        intact, summary = verify()
        if not intact:
            raise CommandError(summary)
        self.stdout.write(summary)
