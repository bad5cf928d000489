from django.core.management.base import BaseCommand, CommandError

from demo.synthetic import BENCH_PASSWORD, generate


class Command(BaseCommand):
    help = ("Fill an empty PostgreSQL database with a synthetic national data set for benchmarks and load tests "
            "(made-up people only): by default 1,000,000 people, 10 contacts and 3 duties each.")

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=1_000_000)
        parser.add_argument("--contacts-per-person", type=float, default=10)
        parser.add_argument("--duties-per-person", type=float, default=3)
        parser.add_argument("--seed", type=int, default=2026, help="The same seed and size give the same data set.")
        parser.add_argument("--jobs", type=int, default=0, help="Writer processes (default: one per core).")

    def handle(self, *args, people, contacts_per_person, duties_per_person, seed, jobs, **options):
        if people < 1:
            raise CommandError("--people must be at least 1.")
        try:
            totals = generate(people=people, seed=seed, contacts_per_person=contacts_per_person,
                              duties_per_person=duties_per_person, jobs=jobs or None, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            "Loaded " + ", ".join(f"{k} {v:,}" for k, v in totals.items() if k != "seconds")
            + f" in {totals['seconds']} s."))
        self.stdout.write(f"Every generated account's password is {BENCH_PASSWORD!r} (synthetic data only).")
