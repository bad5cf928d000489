"""Statistical returns (统计报表): what the records say for an area, a period, a population and a model.

Every figure is an aggregate over the records themselves (a few figures to each pass over a table), grouped by the
next level of areas (a district's streets, a city's districts, the nation's provinces), so a return always equals the
lists it summarises. No personal data leaves here."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Area
from people.models import CorrectionCategory
from supervision.models import Level
from tongxing.dbrouters import reading_reports

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


def _counts(queryset, area_field: str, **figures: Q) -> dict[str, dict[int, int]]:
    """Several counts in one pass over the table, per street (area id): {figure: {area id: n}}.

    Grouping by the area's id, not its path, keeps the join to the areas out of queries over millions of rows; the
    streets are folded into the return's rows afterwards."""
    rows = queryset.values(area_field).annotate(**{name: Count("pk", filter=q) for name, q in figures.items()})
    result: dict[str, dict[int, int]] = {name: {} for name in figures}
    for row in rows:
        for name in figures:
            result[name][row[area_field]] = row[name]
    return result


def _day_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local days from start to end as an instant range, so an index on the time column can be used."""
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, zone),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone))


@reading_reports()
def statistical_return(*, area: Area | None, period: Period, population: str = "", model: str = "") -> Return:
    """The return for an area, or for the whole installation (area None: the national return, a row per province)."""
    from casework.models import Contact
    from conferences.models import Conference
    from incidents.models import Incident
    from people.models import Enrolment
    from referrals.models import Referral
    from supervision.models import LevelChange, Sanction

    children = list(Area.objects.filter(parent=area).order_by("code")) or ([area] if area else [])
    width = len(children[0].path) if children else 0
    start, end = period.start, period.end
    scope = Q(path__startswith=area.path) if area else Q()
    if model:
        districts = Area.objects.filter(level="district", work_model=model).values_list("path", flat=True)
        model_q = Q()
        for district_path in districts:
            model_q |= Q(path__startswith=district_path)
        scope &= model_q if districts else Q(pk__in=[])
    areas_in_scope = Area.objects.filter(scope).values("pk")
    everywhere = area is None and not model

    def persons(prefix: str = "person__") -> Q:
        return Q() if everywhere else Q(**{f"{prefix}area__in": areas_in_scope})

    enrolments = Enrolment.objects.filter(persons())
    if population:
        enrolments = enrolments.filter(population=population)
    current = Q(start_date__lte=end) & (Q(status="active") | Q(end_date__gt=end))
    correction = current & Q(population="correction")
    figures = _counts(
        enrolments, "person__area_id",
        received=Q(start_date__gte=start, start_date__lte=end),
        ended=Q(status="ended", end_date__gte=start, end_date__lte=end),
        current=current,
        **{f"cat_{category}": correction & Q(correction_category=category) for category in CorrectionCategory.values})
    level_at_end = Subquery(LevelChange.objects.filter(enrolment=OuterRef("pk"), since__lte=end)
                            .order_by("-since", "-id").values("level")[:1])
    figures |= _counts(enrolments.filter(correction).annotate(level_at_end=level_at_end), "person__area_id",
                       **{f"level_{level}": Q(level_at_end=level) for level in ("strict", "normal", "lenient")})

    first, after = _day_range(start, end)
    case_scope = persons("case__person__") & (Q(case__population=population) if population else Q())
    figures |= _counts(Contact.objects.filter(case_scope, started_at__gte=first, started_at__lt=after),
                       "case__person__area_id", contacts=Q(), home_visits=Q(mode="home_visit"))
    figures |= _counts(Referral.objects.filter(case_scope, sent_on__gte=start, sent_on__lte=end),
                       "case__person__area_id", referrals=Q())
    of_population = Exists(Enrolment.objects.filter(person=OuterRef("person"), population=population)) \
        if population else Q()
    figures |= _counts(Conference.objects.filter(persons(), of_population, held_on__gte=start, held_on__lte=end),
                       "person__area_id", conferences=Q(status="held"))
    incidents = Incident.objects.filter(persons(), of_population, occurred_at__gte=first, occurred_at__lt=after)
    figures |= _counts(incidents, "person__area_id", incidents=Q())
    if population in ("", "correction"):
        figures |= _counts(Sanction.objects.filter(persons("enrolment__person__"), on__gte=start, on__lte=end),
                           "enrolment__person__area_id", sanctions=Q())
        under_correction = Exists(Enrolment.objects.filter(
            person=OuterRef("person"), population="correction", start_date__lte=OuterRef("day"))
            .filter(Q(status="active") | Q(end_date__gte=OuterRef("day"))))
        figures |= _counts(incidents.annotate(day=TruncDate("occurred_at")).filter(under_correction,
                                                                                    kind="new_offence"),
                           "person__area_id", reoffending=Q())
    # Fold the streets into the return's rows: the first `width` characters of a street's path name its row.
    child_of = {pk: path[:width] for pk, path in Area.objects.filter(scope).values_list("pk", "path")
                if len(path) >= width}
    for name, by_area in figures.items():
        folded: dict[str, int] = {}
        for area_id, n in by_area.items():
            key = child_of.get(area_id)
            if key is not None:
                folded[key] = folded.get(key, 0) + n
        figures[name] = folded
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


