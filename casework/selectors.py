"""Reads of cases that depend on who looks, plus the derived facts the case page and the services share."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Action, Relation, relations_for
from orgs.models import ServiceRule
from orgs.selectors import service_rule_for
from people.models import Assignment
from people.selectors import any_of_ids, people_visible_to
from tongxing.compiled import Compiled

from .models import (
    Agreement, Appointment, AppointmentStatus, Approval, ApprovalStatus, Case, Contact, FamilyFocusDecision, Met, Mode,
    PlanReview, PlanStatus, PlanVersion, PracticeRule, StepDone, Transfer, TransferStatus,
)


def practice_rule(district, key: str) -> PracticeRule:
    """The district's own value if it set one, else the default row (both carry their source)."""
    district_id = getattr(district, "pk", None)
    rows = {r.area_id: r for r in PracticeRule.objects.filter(Q(area__isnull=True) | Q(area_id=district_id), key=key)}
    if not rows:
        raise LookupError(f"Practice rule {key!r} is missing: run the migrations.")
    return rows.get(district_id) or rows[None]


def case_scope_filter(user, *, case_id: int | None = None) -> Q:
    """Whose cases a user reaches: the access matrix's read relations, but by the case's own owner and
    organisation, so a worker who owns one of a person's cases does not see the person's other cases.

    Each relation is a set of case ids from an indexed lookup, joined by UNION (see people.selectors.scope_filter).
    With `case_id`, each lookup is narrowed to that one case (checks on it); the answer for it is the same."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.role:
        return Q(pk__in=[])
    one = {"pk": case_id} if case_id is not None else {}

    def cases(**where):
        return Case.objects.filter(**where, **one).order_by().values("pk")

    by_relation = {
        Relation.OWN: [cases(owner=user),
                       cases(person_id__in=Assignment.objects.filter(user=user).order_by().values("person_id"))],
        Relation.TEAM: [cases(owner__team_id=user.team_id)] if user.team_id else [],
        Relation.OFFICE: [cases(organisation_id=user.organisation_id)] if user.organisation_id else [],
        Relation.OTHER_OFFICE: [cases(person__area__path__startswith=user.area_path)] if user.area_path else [],
    }
    # The 'other district' column reaches no case: a case is reached through its owner, team, office or area.
    return any_of_ids([branch for relation in relations_for(user.role, Action.READ)
                       for branch in by_relation.get(relation, [])])


_CASE_RELATED = ("person__area__parent__parent__parent", "owner", "organisation", "protocol")
# What a list of cases shows: the person's name, the worker, the office. Not the area chain: with its four joins
# beside the two scopes PostgreSQL passed its limit for ordering joins (join_collapse_limit, 8) and, for a page
# ordered by date, joined every case in the country before keeping a supervisor's few (3 s at 1 M; now 5 ms,
# most of it planning).
_LISTED_CASE_RELATED = ("person", "owner", "organisation")


def cases_visible_to(*, user) -> QuerySet[Case]:
    """Cases within the user's case scope whose person's file the user may also open."""
    visible = people_visible_to(user=user, include_inactive=True).order_by().values("pk")
    return Case.objects.filter(case_scope_filter(user), person_id__in=visible).select_related(*_LISTED_CASE_RELATED)


def case_get_visible(*, user, pk: int) -> Case:
    """The case, or 404 as for a case out of reach: what `cases_visible_to` answers for this one case, from its key,
    the case scope narrowed to it and its person's file asked once (`people.rules.reaches`, which remembers the
    answer for the page's later checks) — instead of both whole scopes compiled and planned on every case page."""
    from people.rules import reaches

    case = Case.objects.select_related(*_CASE_RELATED).filter(pk=pk).first()
    if case is None or not reaches(user, case.person, Action.READ) \
            or not Case.objects.filter(case_scope_filter(user, case_id=pk)).exists():
        raise Http404(Case._meta.object_name)
    return case


def case_district(case: Case):
    return case.person.area.district()


def approver_role_for(case: Case) -> str:
    rule = service_rule_for(district=case_district(case), population=case.population)
    return rule.approver_role if rule else "supervisor"


def approvers_in(*, organisation, role: str) -> QuerySet[User]:
    """Holders of the approving role in the organisation, or else in the nearest organisation above it (a 司法所
    without its own supervisor is approved for by its bureau)."""
    org = organisation
    while org is not None:
        users = User.objects.filter(organisation_id=org.pk, role=role, is_active=True)
        if users.exists():
            return users
        org = org.parent
    return User.objects.none()


def approvers_for(case: Case) -> QuerySet[User]:
    """Who may approve for this case: the approving role of the district's model, in the case's organisation (or
    the nearest above it) — and only those the access matrix lets approve this person's file, so a request never
    waits on someone who cannot open it (a supervisor above the office, a juvenile outside their team)."""
    from people.rules import reaches

    candidates = approvers_in(organisation=case.organisation, role=approver_role_for(case))
    return candidates.filter(pk__in=[u.pk for u in candidates if reaches(u, case.person, Action.APPROVE)])


def holds_an_approving_role(user) -> bool:
    """Whether any organising model names the user's role as the one that approves."""
    # Asked twice by the day list (approvals, transfers): remembered on the request's user object, and answered
    # already by the query that read the signed-in user (accounts.backends), for the role it read.
    known = user.__dict__.setdefault("_holds_approving_role", {})
    if user.role not in known:
        role_read, approves = getattr(user, "role_approves_as_read", (None, False))
        known[user.role] = approves if role_read == user.role else bool(_APPROVES.rows(role=user.role))
    return known[user.role]


# On every day list (tongxing/compiled.py).
_APPROVES = Compiled(lambda role: ServiceRule.objects.filter(approver_role=role).values_list("pk")[:1], role=str)


def approvals_waiting_for(*, user) -> QuerySet[Approval]:
    """The approval queue: pending requests this user may decide (never their own)."""
    if not holds_an_approving_role(user):
        return Approval.objects.none()
    cases = cases_visible_to(user=user)
    return (Approval.objects.filter(status=ApprovalStatus.PENDING, case__in=cases.values("pk"))
            .exclude(requested_by=user).select_related("case__person", "case__owner", "requested_by", "plan")
            .order_by("requested_at"))


def approvals_on_day_list(*, user) -> list:
    """The first twenty of the queue; for the many roles that approve nothing, nothing is asked of the database."""
    return list(approvals_waiting_for(user=user)[:20]) if holds_an_approving_role(user) else []


IN_PERSON = (Mode.OFFICE, Mode.COMMITTEE, Mode.HOME_VISIT)


def interviews_so_far(case: Case, before: datetime | None = None) -> int:
    """Meetings with the person face to face (a phone call is not an interview): the first and second interviews
    have their own lengths."""
    qs = case.contacts.filter(met=Met.PERSON, mode__in=IN_PERSON)
    return qs.filter(started_at__lt=before).count() if before else qs.count()


def planned_minutes_for_next_interview(case: Case) -> tuple[int | None, str]:
    """The length the seed advises for the next interview, with the text shown when booking."""
    number = interviews_so_far(case) + 1
    district = case_district(case)
    if number == 1:
        rule = practice_rule(district, "first_interview_max_minutes")
        return rule.value, _("first interview: at most %(n)s minutes (%(source)s)") % {
            "n": rule.value, "source": rule.source}
    if number == 2:
        low = practice_rule(district, "second_interview_min_minutes")
        high = practice_rule(district, "second_interview_max_minutes")
        return high.value, _("second interview: %(low)s–%(high)s minutes (%(source)s)") % {
            "low": low.value, "high": high.value, "source": low.source}
    return None, ""


def home_visits_without_meeting(case: Case) -> int:
    """Home visits since the person was last met at which they were not met (seed 篇二 备注3)."""
    last_met = case.contacts.filter(met=Met.PERSON).order_by("-started_at").values_list("started_at", flat=True).first()
    visits = case.contacts.filter(mode=Mode.HOME_VISIT).exclude(met=Met.PERSON)
    return visits.filter(started_at__gt=last_met).count() if last_met else visits.count()


@dataclass(frozen=True)
class FamilyFocusProposal:
    visits: int
    threshold: int
    source: str


def family_focus_proposal(case: Case) -> FamilyFocusProposal | None:
    """Proposed once the threshold is reached, until the worker decides (a new decision is asked only when more
    visits have failed since the last one)."""
    if case.family_focus or not case.is_active:
        return None
    rule = practice_rule(case_district(case), "home_visits_before_family_focus")
    visits = home_visits_without_meeting(case)
    if visits < rule.value:
        return None
    last = FamilyFocusDecision.objects.filter(case=case).order_by("-at").first()
    if last and last.visits_without_meeting >= visits:
        return None
    return FamilyFocusProposal(visits=visits, threshold=rule.value, source=rule.source)


# Which versions are the plan in force and the one being written: one definition for the queries and the lists.
PLAN_IN_FORCE = (PlanStatus.APPROVED,)
PLAN_IN_WRITING = (PlanStatus.DRAFT, PlanStatus.PENDING)


def current_plan(case: Case) -> PlanVersion | None:
    return case.plan_versions.filter(status__in=PLAN_IN_FORCE).first()


def draft_plan(case: Case) -> PlanVersion | None:
    return case.plan_versions.filter(status__in=PLAN_IN_WRITING).first()


def protocol_progress(case: Case) -> tuple[list, set[int], object]:
    """(the protocol's steps, the ids of those done, the next step or None)."""
    if case.protocol_id is None:
        return [], set(), None
    steps = list(case.protocol.steps.all())
    done = set(StepDone.objects.filter(case=case).values_list("step_id", flat=True))
    return steps, done, next((step for step in steps if step.pk not in done), None)


def next_protocol_step(case: Case):
    return protocol_progress(case)[2]


def upcoming_appointments(case: Case) -> QuerySet[Appointment]:
    return case.appointments.filter(status=AppointmentStatus.PLANNED).order_by("planned_at")


@dataclass
class CaseRecords:
    """The records the case page shows twice — in its panels and in the timeline — read once."""

    approvals: list[Approval]
    plans: list[PlanVersion]
    transfers: list[Transfer]
    agreement: Agreement | None

    @property
    def pending_approvals(self) -> list[Approval]:
        return [a for a in self.approvals if a.status == ApprovalStatus.PENDING]

    @property
    def pending_transfer(self) -> Transfer | None:
        return next((t for t in self.transfers if t.status == TransferStatus.PENDING), None)

    @property
    def current_plan(self) -> PlanVersion | None:  # as `current_plan`: the newest approved version
        return next((p for p in self.plans if p.status in PLAN_IN_FORCE), None)

    @property
    def draft_plan(self) -> PlanVersion | None:
        return next((p for p in self.plans if p.status in PLAN_IN_WRITING), None)


def case_records(case: Case) -> CaseRecords:
    """Newest first, in each model's order (the panels take the first that matches, as `current_plan` does)."""
    return CaseRecords(
        approvals=list(case.approvals.select_related("requested_by", "decided_by", "plan")),
        plans=list(case.plan_versions.select_related("created_by")),
        transfers=list(case.transfers.select_related("requested_by", "to_owner", "decided_by")),
        agreement=Agreement.objects.filter(case=case).select_related("recorded_by").first())


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str
    by: str
    warnings: list


def case_timeline(case: Case, *, full: bool = True, records: CaseRecords | None = None) -> list[TimelineEntry]:
    """Everything that happened in the case, newest first: one query per kind of record, whatever the length.

    `full=False` (roles that see no offence details) leaves out the assessment and the supervisor's opinion.
    `records`: those the caller has read already (`case_records`)."""
    records = records or case_records(case)
    entries: list[TimelineEntry] = []
    for change in case.stage_changes.select_related("by"):
        title = f"{change.get_from_stage_display() or '—'} → {change.get_to_stage_display()}"
        entries.append(TimelineEntry(change.at, "stage", title, change.reason, change.by.display_name, []))
    for contact in case.contacts.select_related("recorded_by"):
        detail = "；".join(filter(None, [contact.process_note, contact.outcome, contact.next_step]))
        title = _("%(mode)s · met %(met)s · %(minutes)s minutes") % {
            "mode": contact.get_mode_display(), "met": contact.get_met_display(), "minutes": contact.minutes}
        entries.append(TimelineEntry(contact.started_at, "contact", title, detail, contact.recorded_by.display_name,
                                     contact.warnings))
    for approval in records.approvals:
        entries.append(TimelineEntry(approval.requested_at, "approval",
                                     _("Approval requested: %(kind)s") % {"kind": approval.get_kind_display()},
                                     approval.request_note, approval.requested_by.display_name, []))
        if approval.decided_at:
            entries.append(TimelineEntry(approval.decided_at, "approval",
                                         f"{approval.get_kind_display()} · {approval.get_status_display()}",
                                         approval.decision_note, approval.decided_by.display_name, []))
    for plan in records.plans:
        title = _("Service plan v%(n)s · %(status)s") % {"n": plan.number, "status": plan.get_status_display()}
        entries.append(TimelineEntry(plan.created_at, "plan", title,
                                     plan.change_summary, plan.created_by.display_name, []))
    for step in case.steps_done.select_related("step", "by"):
        entries.append(TimelineEntry(step.at, "step", str(step.step), step.note, step.by.display_name, []))
    for decision in case.family_focus_decisions.select_related("by"):
        title = _("Early work shifted to the family") if decision.accepted else _("Keep trying to meet the person")
        entries.append(TimelineEntry(decision.at, "family_focus", title,
                                     decision.note, decision.by.display_name, []))
    for transfer in records.transfers:
        entries.append(TimelineEntry(transfer.requested_at, "transfer",
                                     _("Transfer to %(worker)s requested") % {"worker": transfer.to_owner.display_name},
                                     transfer.reason, transfer.requested_by.display_name, []))
        if transfer.decided_at:
            entries.append(TimelineEntry(transfer.decided_at, "transfer",
                                         _("Transfer %(status)s") % {"status": transfer.get_status_display()},
                                         transfer.decision_note, transfer.decided_by.display_name, []))
    agreement = records.agreement
    if agreement:
        entries.append(TimelineEntry(agreement.recorded_at, "agreement",
                                     _("Service agreement signed on %(d)s") % {"d": agreement.signed_on},
                                     agreement.terms, agreement.recorded_by.display_name, []))
    for review in PlanReview.objects.filter(plan__case=case).select_related("by", "plan"):
        entries.append(TimelineEntry(review.at, "plan", _("Plan v%(n)s reviewed") % {"n": review.plan.number},
                                     review.note, review.by.display_name, []))
    for consent in case.consents.select_related("recorded_by"):
        entries.append(TimelineEntry(consent.recorded_at, "consent", f"{consent.get_kind_display()} · "
                                     f"{_('given') if consent.given else _('refused')}"
                                     f"{' · ' + _('withdrawn') if consent.withdrawn_on else ''}",
                                     consent.given_by, consent.recorded_by.display_name, []))
    if not full:
        return sorted(entries, key=lambda e: e.at, reverse=True)
    for assessment in case.assessments.select_related("by"):
        entries.append(TimelineEntry(assessment.at, "assessment", _("Assessment"), assessment.main_problems,
                                     assessment.by.display_name, []))
    for opinion in case.supervisor_opinions.select_related("by"):
        entries.append(TimelineEntry(opinion.at, "opinion", _("Supervisor's opinion"), opinion.opinion,
                                     opinion.by.display_name, []))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def contacts_of(case: Case) -> QuerySet[Contact]:
    return case.contacts.select_related("recorded_by", "accompanied_by")


def has_consent(*, person, kind: str) -> bool:
    """True when the latest decision of this kind is a consent not withdrawn (referrals and conferences check it)."""
    latest = person.consents.filter(kind=kind).order_by("-on", "-id").first()
    return bool(latest and latest.given and latest.withdrawn_on is None)


def _deciding_organisation(user) -> int | None:
    """The organisation whose transfers the user decides: theirs, when they hold its approving role."""
    return user.organisation_id if holds_an_approving_role(user) else None


def transfers_decided_by(*, user) -> QuerySet:
    """Transfers the user decides: to them, or to their organisation when they hold its approving role."""
    organisation_id = _deciding_organisation(user)
    # One row per transfer (every join is to one record): no DISTINCT, whose sort over the joined columns took
    # longer to plan than the query takes to run.
    return Transfer.objects.filter(_decides(user_id=user.pk, organisation_id=organisation_id)).select_related(
        "case__person", "to_owner", "from_owner", "to_organisation")


def _decides(*, user_id: int, organisation_id: int | None = None) -> Q:
    decides = Q(to_owner_id=user_id)
    if organisation_id:
        decides |= Q(to_organisation_id=organisation_id)
    return decides


def _any_pending_transfer(**values) -> QuerySet:
    return Transfer.objects.filter(_decides(**values), status=TransferStatus.PENDING).values_list("pk")[:1]


_TRANSFER_TO_ME = Compiled(lambda user_id: _any_pending_transfer(user_id=user_id), user_id=int)
_TRANSFER_TO_ME_OR_OFFICE = Compiled(lambda user_id, organisation_id: _any_pending_transfer(
    user_id=user_id, organisation_id=organisation_id), user_id=int, organisation_id=int)


def transfers_waiting_for(*, user) -> list:
    """Shown on every day list; most days nothing waits, which a compiled query without the joins answers sooner."""
    organisation_id = _deciding_organisation(user)
    as_read = getattr(user, "waiting_as_read", None)  # read with the signed-in user (accounts.backends)
    if as_read is not None and as_read["organisation_id"] == user.organisation_id:
        waiting = as_read["transfer_to_me"] or (organisation_id is not None and as_read["transfer_to_office"])
    elif organisation_id:
        waiting = _TRANSFER_TO_ME_OR_OFFICE.rows(user_id=user.pk, organisation_id=organisation_id)
    else:
        waiting = _TRANSFER_TO_ME.rows(user_id=user.pk)
    return list(transfers_decided_by(user=user).filter(status=TransferStatus.PENDING)) if waiting else []
