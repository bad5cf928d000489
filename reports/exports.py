"""Excel exports of the lists a user can see, with only the columns their role may see. Rows stream from the
database in chunks into a write-only workbook; every export is in the audit trail with its filters and size."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, IdVisibility
from audit.services import audit_record
from tongxing.excel import write_workbook


MAX_IDS_AUDITED = 5000
ID_LIKE = __import__("re").compile(r"\d{6,}")


def _safe_query(query: str) -> str:
    """A search typed as an ID number (or part of one) is not copied into the audit trail."""
    return ID_LIKE.sub("***", query)


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

    people = (person_search(user=user, query=query, population=population, action=Action.EXPORT)
              .select_related("area", "owner")
              .prefetch_related(None)  # the search's own prefetches: joined here instead, or not shown
              .prefetch_related(Prefetch("enrolments", queryset=Enrolment.objects.filter(status="active")))
              .order_by("pk"))
    columns = _people_columns(user)
    ids = list(people.values_list("pk", flat=True)[:MAX_IDS_AUDITED + 1])
    count = people.count()
    rows = ([getter(p) for _h, getter in columns] for p in people.iterator(chunk_size=2000))
    # Who exported whose file: the ids (for a list of ordinary size) and the filters, never an ID number typed.
    audit_record(actor=user, action="export.people", changes={
        "rows": count, "query": _safe_query(query), "population": population,
        "columns": [str(h) for h, _g in columns], "people": ids if len(ids) <= MAX_IDS_AUDITED else "filters"})
    return write_workbook([(str(_("People")), [str(h) for h, _g in columns], rows)])


def export_cases(*, user, stage: str = "", mine: bool = False):
    from casework.selectors import cases_visible_to
    from people.selectors import people_visible_to

    exportable = people_visible_to(user=user, include_inactive=True, action=Action.EXPORT).values("pk")
    cases = (cases_visible_to(user=user).filter(person__in=exportable)
             .select_related("person", "owner", "organisation").order_by("pk"))
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


def export_volunteers(*, user, query: str = ""):
    """The volunteer registry (no phone numbers: the minimum a list needs)."""
    from volunteers.selectors import volunteers_visible_to

    volunteers = volunteers_visible_to(user=user, query=query)
    header = [_("full name"), _("skills"), _("availability"), _("serves in"), _("organisation"), _("training hours"),
              _("open tasks"), _("active")]
    rows = ([v.name, v.skills, v.availability, v.area.name, v.organisation.name, float(v.training_hours),
             v.open_tasks, "是" if v.is_active else "否"] for v in volunteers.iterator(chunk_size=2000))
    audit_record(actor=user, action="export.volunteers", changes={"rows": volunteers.count(), "query": query})
    return write_workbook([(str(_("Volunteers")), [str(h) for h in header], rows)])


def export_resources(*, user, query: str = ""):
    from referrals.selectors import resources_visible_to

    resources = resources_visible_to(user=user, query=query)
    header = [_("name"), _("kind"), _("services offered"), _("contact person"), _("phone"), _("address"),
              _("areas served")]
    rows = ([r.name, r.get_kind_display(), r.services, r.contact_name, r.phone, r.address,
             "、".join(a.name for a in r.areas.all())] for r in resources)
    audit_record(actor=user, action="export.resources", changes={"rows": resources.count(), "query": query})
    return write_workbook([(str(_("Resources")), [str(h) for h in header], rows)])


# Exports stay on the primary: which files a user may export must not be read from a replica that lags a transfer or
# a withdrawn assignment.
def export_list(name: str, *, user, params) -> object:
    """Any exportable list, filtered as on its page and by the access matrix's export column; None for an unknown
    list."""
    if not user.policy.exports:
        raise PermissionDenied(_("Your role does not export lists."))
    if name == "people":
        return export_people(user=user, query=params.get("q", ""), population=params.get("population", ""))
    if name == "cases":
        return export_cases(user=user, stage=params.get("stage", ""), mine=bool(params.get("mine")))
    if name == "volunteers":
        return export_volunteers(user=user, query=params.get("q", ""))
    if name == "resources":
        return export_resources(user=user, query=params.get("q", ""))
    return None
