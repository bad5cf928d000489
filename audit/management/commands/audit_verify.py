from django.core.management.base import BaseCommand, CommandError

from audit.archive import archive_files, verify_archive
from audit.chain import verify


class Command(BaseCommand):
    help = ("Recompute the audit chain in the table (from the last archive's anchor); with --archive FILE or "
            "--all-archives also each archive file. Exit with an error naming the first broken link.")

    def add_arguments(self, parser):
        parser.add_argument("--archive", action="append", default=[], metavar="FILE",
                            help="also verify this archive file (may be given more than once)")
        parser.add_argument("--all-archives", action="store_true",
                            help="also verify every catalogued archive file in AUDIT_ARCHIVE_DIR")

    def handle(self, *args, archive=(), all_archives=False, **options):
        problems = []
        intact, summary = verify()
        (self.stdout.write if intact else problems.append)(summary)
        files = [*archive, *(archive_files() if all_archives else [])]
        for path in files:
            intact, summary = verify_archive(path)
            (self.stdout.write if intact else problems.append)(summary)
        if problems:
            raise CommandError("\n".join(problems))
