"""Writes to areas, organisations and teams. `actor=None` is the set-up path (migrations, demo loader)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from .models import Area, Organisation, Team


def _require_admin(actor) -> None:
    if actor is not None and not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators manage areas and organisations."))


@transaction.atomic
def area_create(*, actor, code: str, name: str, level: str, parent: Area | None = None, work_model: str = "") -> Area:
    _require_admin(actor)
    area = Area(code=code, name=name, level=level, parent=parent, work_model=work_model)
    area.full_clean(exclude=["path"])
    area.save()
    audit_record(actor=actor, action="area.created", target=area)
    return area


@transaction.atomic
def organisation_create(*, actor, name: str, kind: str, area: Area, parent: Organisation | None = None,
                        populations: list[str] | None = None, phone: str = "", address: str = "") -> Organisation:
    _require_admin(actor)
    org = Organisation(name=name, kind=kind, area=area, parent=parent, populations=populations or [], phone=phone,
                       address=address)
    org.full_clean()
    org.save()
    audit_record(actor=actor, action="organisation.created", target=org)
    return org


@transaction.atomic
def team_create(*, actor, organisation: Organisation, name: str) -> Team:
    _require_admin(actor)
    team = Team.objects.create(organisation=organisation, name=name)
    audit_record(actor=actor, action="team.created", target=team)
    return team
