from django.core.management.base import BaseCommand

from duties.services import duties_tick


class Command(BaseCommand):
    help = ("The periodic job: escalate overdue duties past their grace period, remind, and open the duties time "
            "alone brings (monthly hours, office returns). Safe to run any number of times.")

    def handle(self, *args, **options):
        result = duties_tick()
        self.stdout.write(" ".join(f"{key}: {value}" for key, value in result.items()))
