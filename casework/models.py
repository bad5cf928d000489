from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.populations import Population
from tongxing.records import KeptRecord


class PracticeRule(models.Model):
    """A practice threshold from the seed, with its source. A row with no area is the default; a district may
    override it with its own row."""

    key = models.CharField(_("rule"), max_length=64)
    area = models.ForeignKey("orgs.Area", verbose_name=_("district"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="practice_rules")
    value = models.IntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=16)
    description = models.CharField(_("description"), max_length=200)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("practice rule")
        verbose_name_plural = _("practice rules")
        constraints = [models.UniqueConstraint(fields=["key", "area"], name="practice_rule_unique"),
                       models.UniqueConstraint(fields=["key"], condition=models.Q(area__isnull=True),
                                               name="practice_rule_one_default")]

    def __str__(self) -> str:
        return f"{self.description}: {self.value} {self.unit}"


class Protocol(models.Model):
    """An intake protocol (seed 篇二 一/二): ordered steps, the first meeting's place and agenda. Data, so an office
    can adapt it."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    first_meeting_place = models.CharField(_("first meeting"), max_length=100)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("intake protocol")
        verbose_name_plural = _("intake protocols")

    def __str__(self) -> str:
        return self.name


class StepEvent(models.TextChoices):
    """What completes a protocol step. Services mark steps done when these happen; `manual` needs the worker."""

    MANUAL = "manual", _("marked done by the worker")
    FIRST_INTERVIEW = "first_interview", _("the first interview is recorded")
    FIRST_HOME_VISIT = "first_home_visit", _("a first home visit is recorded")
    SECOND_HOME_VISIT = "second_home_visit", _("a second home visit is recorded")
    ASSESSMENT = "assessment", _("the assessment is recorded")
    SUPERVISOR_OPINION = "supervisor_opinion", _("the supervisor's opinion is recorded")
    OPENING_REQUESTED = "opening_requested", _("the opening is applied for")
    OPENING_APPROVED = "opening_approved", _("the opening is approved")
    AGREEMENT_AND_PLAN = "agreement_and_plan", _("agreement signed and plan approved")


class ProtocolStep(models.Model):
    protocol = models.ForeignKey(Protocol, verbose_name=_("protocol"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("step number"))
    title = models.CharField(_("step"), max_length=120)
    guidance = models.TextField(_("guidance"), blank=True)
    completed_by = models.CharField(_("completed by"), max_length=24, choices=StepEvent.choices,
                                    default=StepEvent.MANUAL)
    # The agenda of the meeting this step is about (protocol A's five items; protocol B's interview outline).
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    note_required = models.BooleanField(_("needs a note"), default=False,
                                        help_text=_("e.g. the interview outline of a home-visit plan"))

    class Meta:
        verbose_name = _("protocol step")
        verbose_name_plural = _("protocol steps")
        ordering = ["protocol", "order"]
        constraints = [models.UniqueConstraint(fields=["protocol", "order"], name="protocol_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Stage(models.TextChoices):
    INTAKE = "intake", _("intake")
    ASSESSMENT = "assessment", _("assessment")
    OPENING_REQUESTED = "opening_requested", _("opening applied for")
    OPEN = "open", _("open")
    INTERVENTION = "intervention", _("intervention")
    REVIEW = "review", _("review")
    CLOSED = "closed", _("closed")
    STOPPED = "stopped", _("stopped")


class Mode(models.TextChoices):
    """Where and how the worker meets the person (seed 篇二 备注5)."""

    OFFICE = "office", _("interview at the judicial office")
    COMMITTEE = "committee", _("interview at the neighbourhood committee")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone")
    OTHER = "other", _("other")


class Case(KeptRecord):
    """One service episode of one person, owned by one worker of one organisation (per the district's model)."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="cases")
    population = models.CharField(_("population"), max_length=16, choices=Population.choices)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="cases")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("case worker"), on_delete=models.PROTECT,
                              related_name="cases")
    protocol = models.ForeignKey(Protocol, verbose_name=_("intake protocol"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INTAKE)
    stage_since = models.DateTimeField(_("in this stage since"))
    # Agreed with the person (seed 篇二 备注5): how often and where they meet; drives the next appointment.
    meeting_every_days = models.PositiveSmallIntegerField(_("meet every (days)"), null=True, blank=True,
                                                          validators=[MinValueValidator(1), MaxValueValidator(180)])
    meeting_mode = models.CharField(_("usual meeting"), max_length=16, choices=Mode.choices, blank=True)
    meeting_place = models.CharField(_("usual place"), max_length=120, blank=True)
    # Seed 篇二 备注3: early work shifted to the family after repeated visits without meeting the person.
    family_focus = models.BooleanField(_("family-focused early work"), default=False)
    opened_at = models.DateTimeField(_("opened on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-stage_since", "-id"]
        indexes = [models.Index(fields=["owner", "stage"], name="case_owner_stage"),
                   models.Index(fields=["organisation", "stage"], name="case_org_stage"),
                   models.Index(fields=["person", "stage"], name="case_person_stage")]

    def __str__(self) -> str:
        return f"{self.person.shared_name} · {self.get_population_display()}"

    def get_absolute_url(self) -> str:
        return reverse("casework:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.stage not in (Stage.CLOSED, Stage.STOPPED)


class StageChange(models.Model):
    """Every stage change: which action, who, when and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stage_changes")
    action = models.CharField(_("action"), max_length=32)
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "id"]


class StepDone(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps_done")
    step = models.ForeignKey(ProtocolStep, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="step_done_once")]


class ApprovalKind(models.TextChoices):
    OPENING = "opening", _("opening the case")
    PLAN = "plan", _("service plan")
    CLOSING = "closing", _("closing the case")
    STOP = "stop", _("stopping with a resistant person")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Approval(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("approval of"), max_length=16, choices=ApprovalKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.PENDING)
    plan = models.ForeignKey("PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="approvals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    request_note = models.TextField(_("request"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="approval_status_kind")]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(status="pending"),
                                               name="one_pending_approval_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case}"


class Met(models.TextChoices):
    PERSON = "person", _("the person")
    FAMILY_ONLY = "family_only", _("family only")
    NOBODY = "nobody", _("nobody")


class Contact(KeptRecord):
    """接触记录: one contact with the person or their family."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts")
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    place = models.CharField(_("place"), max_length=120, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    met = models.CharField(_("who was met"), max_length=16, choices=Met.choices, default=Met.PERSON)
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    accompanied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accompanying community worker"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    family_present = models.BooleanField(_("family present"), default=False)
    agenda_covered = models.JSONField(_("agenda items covered"), default=list, blank=True)
    left_card = models.BooleanField(_("left a card"), default=False)
    left_contact_details = models.BooleanField(_("left contact details"), default=False)
    left_leaflet = models.BooleanField(_("left a service leaflet"), default=False)
    asked_family_to_pass_on = models.BooleanField(_("asked the family to pass the message on"), default=False)
    process_note = models.TextField(_("process note"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    # Practice-rule warnings raised when it was recorded (kept so the supervisor sees them too).
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["case", "started_at"], name="contact_case_start")]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.started_at:%Y-%m-%d}"

    @property
    def minutes(self) -> int:
        return max(0, round((self.ended_at - self.started_at).total_seconds() / 60))


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Appointment(models.Model):
    """A booked next contact; recording the contact fulfils it."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="appointments")
    planned_at = models.DateTimeField(_("planned for"))
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    place = models.CharField(_("place"), max_length=120, blank=True)
    planned_minutes = models.PositiveSmallIntegerField(_("planned length (minutes)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.PLANNED)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["planned_at", "id"]
        indexes = [models.Index(fields=["case", "status", "planned_at"], name="appointment_case_status")]


class FamilyFocusDecision(models.Model):
    """The worker's answer to the system's proposal to shift early work to the family (seed 篇二 备注3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_focus_decisions")
    accepted = models.BooleanField(_("shift the early work to the family"))
    note = models.TextField(_("note"), blank=True)
    visits_without_meeting = models.PositiveSmallIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Assessment(models.Model):
    """预估: the worker's analysis of needs, problems and resources (the structured screen comes with issue 5)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    main_problems = models.TextField(_("main problems and psychological confusion"))
    analysis = models.TextField(_("analysis and assessment"))
    resources = models.TextField(_("resources"), blank=True)
    initial_plan = models.TextField(_("initial assistance plan"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class SupervisorOpinion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisor_opinions")
    opinion = models.TextField(_("opinion"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Agreement(models.Model):
    """服务协议 between the person and the worker."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    signed_on = models.DateField(_("signed on"))
    terms = models.TextField(_("terms"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SUPERSEDED = "superseded", _("superseded")


class PlanVersion(models.Model):
    """One version of the service plan. An approved version is never edited: a change makes the next version."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    change_summary = models.TextField(_("what changed"), blank=True)
    review_on = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_version_number")]

    def __str__(self) -> str:
        return f"v{self.number}"


class GoalStatus(models.TextChoices):
    OPEN = "open", _("in progress")
    DONE = "done", _("achieved")
    DROPPED = "dropped", _("dropped")


class Goal(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(_("goal"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    class Meta:
        ordering = ["plan", "order"]


class Task(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    owner_note = models.CharField(_("other owner"), max_length=80, blank=True, help_text=_("e.g. the person, mother"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    class Meta:
        ordering = ["goal", "id"]


class PlanReview(models.Model):
    plan = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("review"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for acceptance")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Transfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("to worker"), on_delete=models.PROTECT,
                                 related_name="transfers_in")
    from_organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=TransferStatus.choices,
                              default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(status="pending"),
                                               name="one_pending_transfer")]
        # Every request asks whether a transfer waits for the user or their office (accounts.backends): only the
        # pending few, not an office's years of decided transfers.
        indexes = [models.Index(fields=["to_owner"], condition=models.Q(status="pending"),
                                name="transfer_pending_to_owner"),
                   models.Index(fields=["to_organisation"], condition=models.Q(status="pending"),
                                name="transfer_pending_to_office")]


class ConsentKind(models.TextChoices):
    SERVICES = "services", _("to receive services")
    SHARING = "sharing", _("to share information with other agencies")


class Consent(models.Model):
    """Recorded consent; a referral relies on a standing consent to share (and stores which one)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents")
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    given_by = models.CharField(_("given by"), max_length=80, help_text=_("the person, or their guardian"))
    method = models.CharField(_("how"), max_length=16, choices=[("written", _("written")), ("verbal", _("verbal"))])
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
