from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from audit.archive import ArchiveError, archive, cutoff, pending, retention_days
from audit.chain import seal


class Command(BaseCommand):
    help = ("Move sealed audit events older than AUDIT_RETENTION_DAYS (at least 183) to compressed archive files in "
            "AUDIT_ARCHIVE_DIR, then remove them from the table. All or nothing per file; safe to run any number of "
            "times (duties_tick runs it daily).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would be archived; write nothing")

    def handle(self, *args, dry_run=False, **options):
        try:
            days = retention_days()
            if dry_run:
                first, last = pending()
                self.stdout.write(f"retention: {days} days; would archive events before {cutoff():%Y-%m-%d}: "
                                  + (f"seq {first}–{last} ({last - first + 1} events)" if first else "none"))
                return
            seal()  # old events still waiting to be sealed join the chain first
            anchors = archive()
        except (ImproperlyConfigured, ArchiveError) as error:
            raise CommandError(str(error)) from error
        for anchor in anchors:
            self.stdout.write(f"archived: {anchor.file_name} seq {anchor.first_seq}–{anchor.seq} ({anchor.count} "
                              f"events) sha256 {anchor.file_sha256}")
        self.stdout.write(f"archived files: {len(anchors)}, events: {sum(a.count for a in anchors)}")
