"""The eight roles of DOMAIN §1, the access matrix (role × relation → actions) and what each role may see: the
single tables every selector and rule reads."""

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


class Relation(models.TextChoices):
    """How a person's file stands to the user looking at it — the columns of the access matrix."""

    OWN = "own", _("own")  # I am responsible for them, own one of their cases, or am assigned to them
    TEAM = "team", _("my team's")  # someone on my team is
    OFFICE = "office", _("my office's")  # my organisation keeps them, serves them or holds one of their cases
    OTHER_OFFICE = "other_office", _("another office's, in my area")  # they live in my organisation's area
    OTHER_DISTRICT = "other_district", _("outside my area")


class Action(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")
    APPROVE = "approve", _("approve")
    EXPORT = "export", _("export")


READ, WRITE, APPROVE, EXPORT = Action.READ, Action.WRITE, Action.APPROVE, Action.EXPORT
R = frozenset({READ})
RW = frozenset({READ, WRITE})
RWE = frozenset({READ, WRITE, EXPORT})
RWAE = frozenset({READ, WRITE, APPROVE, EXPORT})
RAE = frozenset({READ, APPROVE, EXPORT})
RE = frozenset({READ, EXPORT})
NOTHING = frozenset()

# THE access matrix: role × relation → actions. Selectors build their filters from it, the permission rules ask
# it, and a test walks every page and API route through it (accounts/tests/test_access_matrix.py).
# Approving is further limited to the approving role of the district's model (casework.selectors.approvers_for)
# and to the agency the law names (supervision.services); no one ever reaches beyond this table.
ACCESS: dict[str, dict[Relation, frozenset]] = {
    # The 司法所 keeps the legal file of everyone living in its streets, whoever serves them.
    Role.JUDICIAL_OFFICER: {Relation.OWN: RWAE, Relation.TEAM: RWAE, Relation.OFFICE: RWAE,
                            Relation.OTHER_OFFICE: RWAE, Relation.OTHER_DISTRICT: NOTHING},
    Role.SOCIAL_WORKER: {Relation.OWN: RWE, Relation.TEAM: RWE, Relation.OFFICE: NOTHING,
                         Relation.OTHER_OFFICE: NOTHING, Relation.OTHER_DISTRICT: NOTHING},
    Role.SUPERVISOR: {Relation.OWN: RWAE, Relation.TEAM: RWAE, Relation.OFFICE: RWAE,
                      Relation.OTHER_OFFICE: NOTHING, Relation.OTHER_DISTRICT: NOTHING},
    # In the Hangzhou model community workers own youth cases, so they keep files (but see no offence details).
    Role.COMMUNITY_WORKER: {Relation.OWN: RWE, Relation.TEAM: RWE, Relation.OFFICE: RWE,
                            Relation.OTHER_OFFICE: NOTHING, Relation.OTHER_DISTRICT: NOTHING},
    Role.VOLUNTEER: {Relation.OWN: R, Relation.TEAM: NOTHING, Relation.OFFICE: NOTHING,
                     Relation.OTHER_OFFICE: NOTHING, Relation.OTHER_DISTRICT: NOTHING},
    Role.EXTERNAL: {Relation.OWN: R, Relation.TEAM: NOTHING, Relation.OFFICE: NOTHING,
                    Relation.OTHER_OFFICE: NOTHING, Relation.OTHER_DISTRICT: NOTHING},
    # Leaders oversee the district: they read (giving a reason), approve what the law gives the county, export.
    Role.BUREAU_LEADER: {Relation.OWN: RAE, Relation.TEAM: RAE, Relation.OFFICE: RAE,
                         Relation.OTHER_OFFICE: RAE, Relation.OTHER_DISTRICT: NOTHING},
    # Administrators run the system for the area: they read (giving a reason) and export, never edit files.
    Role.ADMINISTRATOR: {Relation.OWN: RE, Relation.TEAM: RE, Relation.OFFICE: RE,
                         Relation.OTHER_OFFICE: RE, Relation.OTHER_DISTRICT: NOTHING},
}

# Juveniles' files are seen only by their case team (own, team) and the head of an organisation that reaches them
# (Community Corrections Law arts. 52–58: a juvenile's identity kept confidential, the file shown only to those
# entitled; LAW.md L18).
JUVENILE_RELATIONS = frozenset({Relation.OWN, Relation.TEAM})


# Helpers assigned to a person (volunteers, external professionals: the 'own' column) keep the records of their
# task on the case — contacts, appointments, referrals and their follow-ups — without editing the file (Hangzhou
# model, DOMAIN §1). The routes that take such records say so (`task`), and the walking test knows this row.
TASK_RECORD_RELATIONS = frozenset({Relation.OWN})


def allowed(role: str, relation: Relation, action: Action) -> bool:
    return action in ACCESS.get(role, {}).get(relation, NOTHING)


def relations_for(role: str, action: Action) -> list[Relation]:
    """The relations in which the role may take the action, in the matrix's column order."""
    return [r for r in Relation if allowed(role, r, action)]


class IdVisibility(Enum):
    FULL = "full"
    MASKED = "masked"  # the region (first 6) only: see people.idnumbers.masked
    NONE = "none"


@dataclass(frozen=True)
class RolePolicy:
    role: str
    id_number: IdVisibility
    sees_offence: bool
    reason_to_open_file: bool  # leaders and administrators state why before a file opens (DOMAIN §1, PIPL 28)
    reads_person_audit: bool = True  # staff read the trail of a person they can see
    reads_all_audit: bool = False
    manages_orgs: bool = False

    @property
    def edits_people(self) -> bool:
        return bool(relations_for(self.role, WRITE))

    @property
    def exports(self) -> bool:
        return bool(relations_for(self.role, EXPORT))


ROLE_POLICIES: dict[str, RolePolicy] = {
    Role.JUDICIAL_OFFICER: RolePolicy(Role.JUDICIAL_OFFICER, IdVisibility.FULL, True, False),
    Role.SOCIAL_WORKER: RolePolicy(Role.SOCIAL_WORKER, IdVisibility.FULL, True, False),
    Role.SUPERVISOR: RolePolicy(Role.SUPERVISOR, IdVisibility.MASKED, True, False),
    Role.VOLUNTEER: RolePolicy(Role.VOLUNTEER, IdVisibility.NONE, False, False, reads_person_audit=False),
    Role.COMMUNITY_WORKER: RolePolicy(Role.COMMUNITY_WORKER, IdVisibility.MASKED, False, False),
    Role.BUREAU_LEADER: RolePolicy(Role.BUREAU_LEADER, IdVisibility.MASKED, True, True),
    Role.EXTERNAL: RolePolicy(Role.EXTERNAL, IdVisibility.NONE, False, False, reads_person_audit=False),
    Role.ADMINISTRATOR: RolePolicy(Role.ADMINISTRATOR, IdVisibility.MASKED, False, True, reads_all_audit=True,
                                   manages_orgs=True),
}


def policy_for(role: str) -> RolePolicy:
    return ROLE_POLICIES[role]
