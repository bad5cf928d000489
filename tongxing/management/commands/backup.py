from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from tongxing.backups import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database to a file (readable by this account only)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the file to write (default: var/backups/<time>.backup)")

    def handle(self, *args, path=None, **options):
        if path is None:
            folder = Path("var/backups")
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / f"tongxing-{timezone.localtime():%Y%m%d-%H%M%S}.backup"
        written = backup(Path(path))
        self.stdout.write(f"backup written: {written}")
