from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from duties.services import duties_tick


class Command(BaseCommand):
    help = ("The periodic job: escalate overdue duties past their grace period, remind, and open the duties time "
            "alone brings (monthly hours, office returns); then archive audit events past their retention period. "
            "Safe to run any number of times.")

    def handle(self, *args, **options):
        from audit.archive import ArchiveError, archive

        result = duties_tick()
        # After the duties' work is committed, so a problem with the archive never holds up an escalation.
        try:
            result["archived"] = sum(anchor.count for anchor in archive())
        except (ImproperlyConfigured, ArchiveError) as error:
            self.stdout.write(" ".join(f"{key}: {value}" for key, value in result.items()))
            raise CommandError(f"audit archiving: {error}") from error
        self.stdout.write(" ".join(f"{key}: {value}" for key, value in result.items()))
