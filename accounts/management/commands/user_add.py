import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from accounts.services import user_create
from orgs.models import Organisation, Team


class Command(BaseCommand):
    help = "Create a staff account (the operator's path; recorded in the audit trail as a system action)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--organisation", required=True, type=int, help="organisation id")
        parser.add_argument("--team", type=int, help="team id")
        parser.add_argument("--full-name", default="")

    def handle(self, username, role, organisation, team=None, full_name="", **options):
        org = Organisation.objects.filter(pk=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with id {organisation}.")
        team_obj = Team.objects.filter(pk=team, organisation=org).first() if team else None
        if team and team_obj is None:
            raise CommandError(f"No team {team} in {org}.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.")
        try:
            user = user_create(actor=None, username=username, password=password, role=role, organisation=org,
                               team=team_obj, full_name=full_name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} ({user.get_role_display()}, {org})."))
