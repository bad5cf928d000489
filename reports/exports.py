"""Excel exports of the lists a user can see, with only the columns their role may see. Rows stream from the
database in chunks into a write-only workbook; every export is in the audit trail with its filters and size."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import IdVisibility
from audit.services import audit_record
from tongxing.excel import write_workbook


def _people_columns(user) -> list:
    from people.selectors import id_number_for

    policy = user.policy
    columns = [
        (_("full name"), lambda p: p.full_name),
        (_("pseudonym"), lambda p: p.pseudonym),
        (_("sex"), lambda p: p.get_sex_display()),
        (_("age"), lambda p: p.age),
        (_("street / town of residence"), lambda p: p.area.name),
        (_("populations"), lambda p: "、".join(e.get_population_display() for e in p.enrolments.all())),
        (_("responsible worker"), lambda p: p.owner.display_name if p.owner_id else ""),
    ]
    if policy.id_number != IdVisibility.NONE:
        columns.insert(3, (_("ID number"), lambda p: id_number_for(user=user, person=p) or ""))
    if policy.id_number == IdVisibility.FULL:
        columns.insert(4, (_("phone"), lambda p: p.phone))
        columns.append((_("residence address"), lambda p: p.residence_address))
    if policy.sees_offence:
        columns.append((_("offence"), lambda p: "、".join(e.offence for e in p.enrolments.all() if e.offence)))
    return columns


def export_people(*, user, query: str = "", population: str = ""):
    """The people list as the user searched it."""
    from people.models import Enrolment
    from people.selectors import person_search

    people = (person_search(user=user, query=query, population=population)
              .select_related("area", "owner")
              .prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.filter(status="active")))
              .order_by("pk"))
    columns = _people_columns(user)
    count = people.count()
    rows = ([getter(p) for _h, getter in columns] for p in people.iterator(chunk_size=2000))
    audit_record(actor=user, action="export.people", changes={"rows": count, "query": query,
                                                             "population": population,
                                                             "columns": [str(h) for h, _g in columns]})
    return write_workbook([(str(_("People")), [str(h) for h, _g in columns], rows)])


def export_cases(*, user, stage: str = "", mine: bool = False):
    from casework.selectors import cases_visible_to

    cases = cases_visible_to(user=user).select_related("person", "owner", "organisation").order_by("pk")
    if mine:
        cases = cases.filter(owner=user)
    if stage:
        cases = cases.filter(stage=stage)
    header = [_("name"), _("pseudonym"), _("population"), _("stage"), _("in this stage since"), _("case worker"),
              _("organisation")]
    rows = ([c.person.full_name, c.person.pseudonym, c.get_population_display(), c.get_stage_display(),
             timezone.localtime(c.stage_since).date(), c.owner.display_name, c.organisation.name]
            for c in cases.iterator(chunk_size=2000))
    audit_record(actor=user, action="export.cases", changes={"rows": cases.count(), "stage": stage, "mine": mine})
    return write_workbook([(str(_("Cases")), [str(h) for h in header], rows)])


EXPORTS = {"people": export_people, "cases": export_cases}
