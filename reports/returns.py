"""Statistical returns (统计报表): what the records say for an area, a period, a population and a model.

Every figure is one aggregate query over the records themselves, grouped by the next level of areas (a district's
streets, a city's districts), so a return always equals the lists it summarises. No personal data leaves here."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Substr, TruncDate
from django.utils.translation import gettext_lazy as _

from orgs.models import Area
from people.models import CorrectionCategory
from supervision.models import Level

MONTH, HALF, YEAR = "month", "half", "year"

COLUMNS = [
    ("received", _("received")),
    ("ended", _("ended")),
    ("current", _("current at the end")),
    *[(f"cat_{value}", label) for value, label in CorrectionCategory.choices],
    *[(f"level_{value}", label) for value, label in Level.choices],
    ("contacts", _("contacts")),
    ("home_visits", _("home visits")),
    ("conferences", _("case conferences")),
    ("referrals", _("referrals")),
    ("incidents", _("critical incidents")),
    ("sanctions", _("sanctions")),
    ("reoffending", _("new offences during correction")),
]
CORRECTION_ONLY = {"cat_control", "cat_probation", "cat_parole", "cat_medical", "level_strict", "level_normal",
                   "level_lenient", "sanctions", "reoffending"}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1

    @property
    def start(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        if self.kind == HALF:
            return dt.date(self.year, 1 if self.number == 1 else 7, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == MONTH:
            following = dt.date(self.year + (self.number == 12), self.number % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        if self.kind == HALF:
            return dt.date(self.year, 6, 30) if self.number == 1 else dt.date(self.year, 12, 31)
        return dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == HALF:
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年度"

    @classmethod
    def parse(cls, kind: str, year, number) -> "Period":
        """From user input; ValueError with a plain message when it is not a period."""
        year, number = int(year), int(number or 1)
        limits = {MONTH: 12, HALF: 2, YEAR: 1}
        if kind not in limits or not 1 <= number <= limits[kind] or not 2000 <= year <= 2100:
            raise ValueError("not a period")
        return cls(kind, year, number)


@dataclass
class Row:
    area: Area | None
    values: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.area.name if self.area else "合计"


@dataclass
class Return:
    area: Area
    period: Period
    population: str
    model: str
    columns: list
    rows: list[Row]
    total: Row


def _grouped(queryset, path: str, width: int, key: str = "pk") -> dict[str, int]:
    """Counts per child area: the first `width` characters of the person's area path name the child."""
    rows = (queryset.annotate(child=Substr(path, 1, width)).values("child")
            .annotate(n=Count(key, distinct=True)).values_list("child", "n"))
    return dict(rows)


def statistical_return(*, area: Area, period: Period, population: str = "", model: str = "") -> Return:
    from casework.models import Contact
    from conferences.models import Conference
    from incidents.models import Incident
    from people.models import Enrolment
    from referrals.models import Referral
    from supervision.models import LevelChange, Sanction

    children = list(Area.objects.filter(parent=area).order_by("code")) or [area]
    width = len(children[0].path)
    start, end = period.start, period.end
    scope = Q(path__startswith=area.path)
    if model:
        districts = Area.objects.filter(level="district", work_model=model).values_list("path", flat=True)
        model_q = Q()
        for district_path in districts:
            model_q |= Q(path__startswith=district_path)
        scope &= model_q if districts else Q(pk__in=[])
    areas_in_scope = Area.objects.filter(scope).values("pk")

    def persons(prefix: str = "person__") -> Q:
        return Q(**{f"{prefix}area__in": areas_in_scope})

    enrolments = Enrolment.objects.filter(persons())
    if population:
        enrolments = enrolments.filter(population=population)
    path = "person__area__path"
    current = enrolments.filter(start_date__lte=end).filter(Q(status="active") | Q(end_date__gt=end))
    figures = {
        "received": _grouped(enrolments.filter(start_date__gte=start, start_date__lte=end), path, width),
        "ended": _grouped(enrolments.filter(status="ended", end_date__gte=start, end_date__lte=end), path, width),
        "current": _grouped(current, path, width),
    }
    corrections = current.filter(population="correction")
    for category in CorrectionCategory.values:
        figures[f"cat_{category}"] = _grouped(corrections.filter(correction_category=category), path, width)
    level_at_end = Subquery(LevelChange.objects.filter(enrolment=OuterRef("pk"), since__lte=end)
                            .order_by("-since", "-id").values("level")[:1])
    with_level = corrections.annotate(level_at_end=level_at_end)
    for level in ("strict", "normal", "lenient"):
        figures[f"level_{level}"] = _grouped(with_level.filter(level_at_end=level), path, width)

    case_scope = Q(case__person__area__in=areas_in_scope) & (Q(case__population=population) if population else Q())
    contacts = Contact.objects.filter(case_scope, started_at__date__gte=start, started_at__date__lte=end)
    figures["contacts"] = _grouped(contacts, "case__person__area__path", width)
    figures["home_visits"] = _grouped(contacts.filter(mode="home_visit"), "case__person__area__path", width)
    figures["referrals"] = _grouped(Referral.objects.filter(case_scope, sent_on__gte=start, sent_on__lte=end),
                                    "case__person__area__path", width)
    of_population = Exists(Enrolment.objects.filter(person=OuterRef("person"), population=population)) \
        if population else Q()
    figures["conferences"] = _grouped(Conference.objects.filter(persons(), of_population, status="held",
                                                                held_on__gte=start, held_on__lte=end), path, width)
    incidents = Incident.objects.filter(persons(), of_population, occurred_at__date__gte=start,
                                        occurred_at__date__lte=end)
    figures["incidents"] = _grouped(incidents, path, width)
    if population in ("", "correction"):
        figures["sanctions"] = _grouped(Sanction.objects.filter(persons("enrolment__person__"), on__gte=start,
                                                                on__lte=end), "enrolment__person__area__path", width)
        under_correction = Exists(Enrolment.objects.filter(
            person=OuterRef("person"), population="correction", start_date__lte=OuterRef("day"))
            .filter(Q(status="active") | Q(end_date__gte=OuterRef("day"))))
        figures["reoffending"] = _grouped(incidents.annotate(day=TruncDate("occurred_at"))
                                          .filter(under_correction, kind="new_offence"), path, width)
    columns = [(k, label) for k, label in COLUMNS if population in ("", "correction") or k not in CORRECTION_ONLY]
    rows = [Row(child, {key: figures.get(key, {}).get(child.path, 0) for key, _l in columns}) for child in children]
    total = Row(None, {key: sum(row.values[key] for row in rows) for key, _l in columns})
    return Return(area=area, period=period, population=population, model=model, columns=columns, rows=rows,
                  total=total)


def as_sheet(result: Return):
    """(title, header, rows) for tongxing.excel.write_workbook."""
    header = [str(_("area"))] + [str(label) for _k, label in result.columns]
    keys = [k for k, _l in result.columns]
    rows = [[row.name] + [row.values[k] for k in keys] for row in [*result.rows, result.total]]
    return (result.period.label, header, rows)


