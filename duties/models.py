from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.addresses import address


class CalendarYear(models.Model):
    """A year whose official holiday schedule is loaded; working-day arithmetic refuses years that are not."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarException(models.Model):
    """A day that breaks the Monday–Friday rule: a holiday on a weekday, or a make-up working day (调休) at a
    weekend, as the State Council's notice for that year sets them."""

    day = models.DateField(_("day"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class LegalTimeLimit(models.Model):
    """A time limit of the law or of local practice, with its legal source. A row with no area is the national
    default; a province or district may add its own."""

    key = models.CharField(_("rule"), max_length=64)
    area = models.ForeignKey("orgs.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="legal_time_limits")
    value = models.IntegerField(_("value"))
    unit = models.CharField(_("unit"), max_length=16, choices=[("days", _("days")), ("working_days", _("working days")),
                                                              ("months", _("months")), ("times", _("times")),
                                                              ("hours", _("hours"))])
    description = models.CharField(_("description"), max_length=200)
    source = models.CharField(_("source"), max_length=200)
    needs_verification = models.BooleanField(_("differs between provinces"), default=False)

    class Meta:
        verbose_name = _("legal time limit")
        verbose_name_plural = _("legal time limits")
        constraints = [models.UniqueConstraint(fields=["key", "area"], name="legal_limit_unique"),
                       models.UniqueConstraint(fields=["key"], condition=models.Q(area__isnull=True),
                                               name="legal_limit_one_default")]

    def __str__(self) -> str:
        return f"{self.description}: {self.value} {self.get_unit_display()}（{self.source}）"


class DutyStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class Duty(models.Model):
    """One obligation with a due date, in someone's day list: created, moved and completed by the services when the
    events of the law and of practice happen."""

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("duty"), max_length=200)
    # Empty for an office's own duties (e.g. its periodic returns, R4).
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="duties")
    case = models.ForeignKey("casework.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="duties")
    # Owned by a person, or by a role in an office (e.g. the 司法所's judicial officers).
    # No single-column index on owner or organisation: the two composite indexes below start with them, and a list
    # opens tens of thousands of duties at once, each an entry in every index.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="duties", db_index=False)
    owner_role = models.CharField(_("owning role"), max_length=24, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="duties", db_index=False)
    due_on = models.DateField(_("due"))
    window_start = models.DateField(_("not before"), null=True, blank=True)
    rule_key = models.CharField(_("rule"), max_length=64)
    source = models.CharField(_("source"), max_length=200)
    url = models.CharField(_("where it is done"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("reason for snoozing"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.CharField(_("completed by"), max_length=200, blank=True)
    escalated_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("escalated to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="escalated_duties")
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True, editable=False)
    # One open duty per obligation: the services and the periodic job can run twice without doubling it. Unique by
    # the constraint in Meta: one index that answers both the key and its prefix (`dedupe_key__startswith`).
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="duty_owner_status_due"),
            models.Index(fields=["organisation", "owner_role", "status", "due_on"], name="duty_org_role_due"),
            models.Index(fields=["status", "due_on"], name="duty_status_due"),
        ]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="duty_dedupe_key",
                                               opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.title

    # The day list has two forms per duty: their addresses without a `reverse` each.
    @property
    def snooze_url(self) -> str:
        return address("duties:snooze", self.pk)

    @property
    def done_url(self) -> str:
        return address("duties:done", self.pk)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("notification"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    duty = models.ForeignKey(Duty, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
