from django.core.management.base import BaseCommand

from duties.defaults import load_library_years
from duties.models import CalendarException, CalendarYear


class Command(BaseCommand):
    help = ("Load the official holiday schedule of every year the installed chinese-calendar release knows and the "
            "calendar lacks (after upgrading the package). Years already entered are left as they are.")

    def handle(self, *args, **options):
        before = set(CalendarYear.objects.values_list("year", flat=True))
        load_library_years(CalendarYear, CalendarException)
        added = sorted(set(CalendarYear.objects.values_list("year", flat=True)) - before)
        self.stdout.write(f"years added: {', '.join(map(str, added)) or 'none'}")
