from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongxing.backups import restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup. Stop the web and worker processes first."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="confirm that the current content is replaced")

    def handle(self, *args, path, yes=False, **options):
        if not Path(path).is_file():
            raise CommandError(f"No backup at {path}.")
        if not yes:
            raise CommandError("This replaces everything in the database; add --yes to confirm.")
        restore(Path(path))
        self.stdout.write(f"restored from {path}")
