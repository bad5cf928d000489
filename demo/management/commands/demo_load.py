from django.core.management.base import BaseCommand

from demo.builder import DEMO_PASSWORD, demo_loaded, demo_logins, load_demo


class Command(BaseCommand):
    help = "Load the synthetic demo data once (three districts, one per organising model) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args, quiet=False, **options):
        if demo_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            load_demo()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if not quiet:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for username, role, organisation in demo_logins():
                self.stdout.write(f"  {username:<18} {role:<10} {organisation}")
