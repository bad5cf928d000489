"""The eight roles of DOMAIN §1 and what each may see: the single table every selector and rule reads."""

from dataclasses import dataclass
from enum import Enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    JUDICIAL_OFFICER = "judicial_officer", _("judicial officer")
    SOCIAL_WORKER = "social_worker", _("social worker")
    SUPERVISOR = "supervisor", _("supervisor")
    VOLUNTEER = "volunteer", _("volunteer")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    BUREAU_LEADER = "bureau_leader", _("bureau leader")
    EXTERNAL = "external", _("external professional")
    ADMINISTRATOR = "administrator", _("administrator")


class Scope(Enum):
    """Whose files a role reaches. Every scope also includes people the user is explicitly assigned to."""

    ASSIGNED = "assigned"  # only people assigned to me
    OWN_AND_TEAM = "own_and_team"  # people I own or my team owns
    ORGANISATION = "organisation"  # people my organisation keeps or serves
    OFFICE_AREA = "office_area"  # ...and everyone living in my office's area
    AREA = "area"  # everyone in my organisation's area (a bureau: its district)


class IdVisibility(Enum):
    FULL = "full"
    MASKED = "masked"  # first 6 and last 4 characters
    NONE = "none"


@dataclass(frozen=True)
class RolePolicy:
    person_scope: Scope
    id_number: IdVisibility
    sees_offence: bool
    edits_people: bool
    reason_to_open_file: bool  # leaders and administrators state why before a file opens (DOMAIN §1, PIPL 28)
    reads_person_audit: bool = True  # staff read the trail of a person they can see
    reads_all_audit: bool = False
    manages_orgs: bool = False


ROLE_POLICIES: dict[str, RolePolicy] = {
    Role.JUDICIAL_OFFICER: RolePolicy(Scope.OFFICE_AREA, IdVisibility.FULL, True, True, False),
    Role.SOCIAL_WORKER: RolePolicy(Scope.OWN_AND_TEAM, IdVisibility.FULL, True, True, False),
    Role.SUPERVISOR: RolePolicy(Scope.ORGANISATION, IdVisibility.MASKED, True, True, False),
    Role.VOLUNTEER: RolePolicy(Scope.ASSIGNED, IdVisibility.NONE, False, False, False, reads_person_audit=False),
    # In the Hangzhou model community workers own youth cases, so they keep files but see no offence details.
    Role.COMMUNITY_WORKER: RolePolicy(Scope.ORGANISATION, IdVisibility.MASKED, False, True, False),
    Role.BUREAU_LEADER: RolePolicy(Scope.AREA, IdVisibility.MASKED, True, False, True),
    Role.EXTERNAL: RolePolicy(Scope.ASSIGNED, IdVisibility.NONE, False, False, False, reads_person_audit=False),
    Role.ADMINISTRATOR: RolePolicy(Scope.AREA, IdVisibility.MASKED, False, False, True, reads_all_audit=True,
                                   manages_orgs=True),
}


def policy_for(role: str) -> RolePolicy:
    return ROLE_POLICIES[role]
