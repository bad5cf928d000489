"""Legal supervision of community corrections (LAW.md L8, L11, L13, L14): levels, leave, electronic monitoring,
rewards and sanctions. Every record hangs on the person's community-correction record (people.Enrolment)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.records import KeptRecord


class Level(models.TextChoices):
    STRICT = "strict", _("strict (严管)")
    NORMAL = "normal", _("normal (普管)")
    LENIENT = "lenient", _("lenient (宽管)")


class LevelChange(models.Model):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="level_changes")
    level = models.CharField(_("supervision level"), max_length=10, choices=Level.choices)
    since = models.DateField(_("since"))
    reason = models.CharField(_("reason"), max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-since", "-id"]


class ReportKind(models.TextChoices):
    IN_PERSON = "in_person", _("reported in person")
    WRITTEN = "written", _("written report")
    PHONE = "phone", _("reported by phone")


class Report(models.Model):
    """定期报告: the person reports on their activities at the interval of their supervision level."""

    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="reports")
    on = models.DateField(_("date"))
    kind = models.CharField(_("how"), max_length=10, choices=ReportKind.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]


class SanctionKind(models.TextChoices):
    """CCL 28, Measures 34, 35, 46: the ladder from commendation to a proposal to revoke."""

    COMMENDATION = "commendation", _("commendation (表扬)")
    REPRIMAND = "reprimand", _("reprimand (训诫)")
    WARNING = "warning", _("warning (警告)")
    POLICE_PENALTY = "police_penalty", _("proposal of a public-security penalty (提请治安管理处罚)")
    REVOCATION = "revocation", _("proposal to revoke probation or parole (提请撤销缓刑/假释)")


class Sanction(KeptRecord):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(_("decision"), max_length=16, choices=SanctionKind.choices)
    on = models.DateField(_("date"))
    facts = models.TextField(_("facts and reasons"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]


class LeaveLevel(models.TextChoices):
    OFFICE = "office", _("the judicial office (delegated)")
    COUNTY = "county", _("the county community-corrections agency")
    HIGHER = "higher", _("the agency one level up")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")
    RETURNED = "returned", _("returned and reported back")


class LeaveApplication(KeptRecord):
    """外出 (CCL 27): who approves depends on the length, and on the days already away in the last two months."""

    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="leave_applications")
    destination = models.CharField(_("destination"), max_length=120)
    reason = models.CharField(_("reason"), max_length=300)
    leave_on = models.DateField(_("leaves on"))
    return_on = models.DateField(_("returns on"))
    approval_level = models.CharField(_("approved by"), max_length=10, choices=LeaveLevel.choices)
    status = models.CharField(_("status"), max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.CharField(_("comment"), max_length=300, blank=True)
    returned_on = models.DateField(_("reported back on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-leave_on", "-id"]

    @property
    def days(self) -> int:
        return (self.return_on - self.leave_on).days + 1


class MonitoringReason(models.TextChoices):
    """CCL 29: the only five cases in which electronic monitoring may be used."""

    COURT_BAN = "court_ban", _("breached a ban set by the court")
    LEFT_WITHOUT_APPROVAL = "left_without_approval", _("left the area without approval")
    REFUSED_TO_REPORT = "refused_to_report", _("refused to report after a warning")
    POLICE_PENALTY = "police_penalty", _("received a public-security penalty")
    PENDING_REVOCATION = "pending_revocation", _("revocation or custody is being proposed")


class MonitoringPeriod(models.Model):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="monitoring_periods")
    reason = models.CharField(_("legal ground"), max_length=24, choices=MonitoringReason.choices)
    facts = models.TextField(_("facts"))
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"))
    approved_by_name = models.CharField(_("approved by (county bureau head)"), max_length=50)
    renews = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal")
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "-id"]


class TeamRole(models.TextChoices):
    """CCL 25: who sits on a correction team (矫正小组)."""

    OFFICE = "office", _("judicial office staff")
    COMMITTEE = "committee", _("neighbourhood / village committee")
    FAMILY = "family", _("family member or guardian")
    EMPLOYER = "employer", _("employer or school")
    SOCIAL_WORKER = "social_worker", _("social worker")
    VOLUNTEER = "volunteer", _("volunteer")


class TeamMember(models.Model):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="team_members")
    name = models.CharField(_("full name"), max_length=50)
    role = models.CharField(_("on the team as"), max_length=16, choices=TeamRole.choices)
    is_woman = models.BooleanField(_("woman"), default=False)
    knows_minors = models.BooleanField(_("knows the physical and mental traits of minors"), default=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class PreSentenceAssessment(models.Model):
    """调查评估 (L5): a court or other deciding body asks whether community correction suits someone; the answer is
    due within a number of working days (fewer in fast-track cases)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="pre_sentence_assessments")
    requested_by = models.CharField(_("requested by"), max_length=100)
    received_on = models.DateField(_("received on"))
    fast_track = models.BooleanField(_("fast-track procedure (速裁)"), default=False)
    due_on = models.DateField(_("due"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]


class RulingNotice(models.Model):
    """The deciding body's notice of the ruling and its legal documents (L1, CCL 20): when they arrived, so the
    office can chase what is missing and note a body that sent them late."""

    enrolment = models.OneToOneField("people.Enrolment", on_delete=models.CASCADE, related_name="ruling_notice")
    # For parole the correction starts at release, after the ruling: the limits run from the ruling (CCL 20).
    ruling_effective_on = models.DateField(_("ruling took effect on"), null=True, blank=True)
    notice_received_on = models.DateField(_("notice received on"))
    documents_received_on = models.DateField(_("legal documents received on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class RelocationStatus(models.TextChoices):
    """变更执行地 (L12), in the order the steps happen."""

    APPLIED = "applied", _("applied")
    REQUESTED = "requested", _("asked the new county")
    AGREED = "agreed", _("the new county agreed")
    REFUSED = "refused", _("the new county refused")
    FILES_SENT = "files_sent", _("file sent to the new county")
    REPORTED = "reported", _("reported at the new place")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Relocation(models.Model):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="relocations")
    new_residence = models.CharField(_("new place of residence"), max_length=200)
    new_agency = models.CharField(_("community-corrections agency of the new county"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    applied_on = models.DateField(_("applied on"))
    move_on = models.DateField(_("intends to move on"))
    status = models.CharField(_("status"), max_length=12, choices=RelocationStatus.choices,
                              default=RelocationStatus.APPLIED)
    requested_on = models.DateField(_("asked the new county on"), null=True, blank=True)
    replied_on = models.DateField(_("the new county replied on"), null=True, blank=True)
    files_sent_on = models.DateField(_("file sent on"), null=True, blank=True)
    reported_on = models.DateField(_("reported at the new place on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-id"]


class RevocationKind(models.TextChoices):
    PROBATION = "probation", _("revoke probation (撤销缓刑)")
    PAROLE = "parole", _("revoke parole (撤销假释)")
    PRISON = "prison", _("return to prison (收监执行)")


class RevocationOutcome(models.TextChoices):
    PENDING = "pending", _("waiting for the ruling")
    REVOKED = "revoked", _("revoked / returned to prison")
    REJECTED = "rejected", _("not revoked: correction continues")
    LAPSED = "lapsed", _("lapsed: the correction ended otherwise")


class Revocation(models.Model):
    """提请撤销 and custody (L15, CCL 46–49): the proposal with its evidence and copy to the procuratorate, the
    court's arrest decision (48 hours), custody (at most 30 days) and the ruling (30 days)."""

    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="revocations")
    sanction = models.OneToOneField(Sanction, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="revocation")
    kind = models.CharField(_("proposal"), max_length=10, choices=RevocationKind.choices)
    proposed_on = models.DateField(_("proposed on"))
    court = models.CharField(_("court or body asked"), max_length=100)
    evidence = models.TextField(_("facts and evidence"))
    procuratorate_copied_on = models.DateField(_("copy sent to the procuratorate on"), null=True, blank=True)
    arrest_requested = models.BooleanField(_("arrest (逮捕) requested"), default=False)
    arrest_decided_on = models.DateField(_("court decided on the arrest on"), null=True, blank=True)
    custody_from = models.DateField(_("in custody from"), null=True, blank=True)
    ruled_on = models.DateField(_("ruling on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=RevocationOutcome.choices,
                               default=RevocationOutcome.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]


class ActivityKind(models.TextChoices):
    """L16 (CCL 36–43): education and help; the hours owed per month depend on the supervision level."""

    EDUCATION = "education", _("education and study (教育学习)")
    COMMUNITY_SERVICE = "community_service", _("community service (公益活动)")
    SKILLS = "skills", _("vocational skills training")


class ActivityRecord(models.Model):
    enrolment = models.ForeignKey("people.Enrolment", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    topic = models.CharField(_("content"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["enrolment", "on"], name="activity_enrolment_on")]


class TerminationReason(models.TextChoices):
    """L17 (CCL 45): correction ends early, without the certificate."""

    REVOKED = "revoked", _("probation or parole revoked")
    PRISON = "prison", _("returned to prison (收监执行)")
    DEATH = "death", _("death")
