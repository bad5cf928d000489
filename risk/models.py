"""Needs and risk screening, and the risk flag every page about a person shows (issue 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    CRIMINAL_HISTORY = "criminal_history", _("criminal history")
    ATTITUDES = "attitudes", _("attitudes")
    ASSOCIATES = "associates", _("associates")
    FAMILY = "family", _("family and marital")
    SCHOOL_WORK = "school_work", _("school and work")
    LEISURE = "leisure", _("leisure")
    SUBSTANCE = "substance", _("substance use")
    ACCOMMODATION = "accommodation", _("accommodation")
    EMOTIONAL = "emotional", _("emotional wellbeing")
    SUICIDE = "suicide", _("suicide and self-harm screen")


class Level(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


LEVEL_ORDER = {Level.LOW: 0, Level.MEDIUM: 1, Level.HIGH: 2}


class ScreeningItem(models.Model):
    """One question of the screen (configuration; see risk/defaults.py)."""

    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("item"), max_length=200)
    guidance = models.CharField(_("guidance"), max_length=200, blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=2)
    is_suicide_screen = models.BooleanField(_("suicide and self-harm screen"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class RiskBand(models.Model):
    """Thresholds of the result levels and what follows from each (configuration with its source)."""

    level = models.CharField(_("level"), max_length=8, choices=Level.choices, unique=True)
    min_total = models.PositiveSmallIntegerField(_("lowest total"))
    reassess_months = models.PositiveSmallIntegerField(_("screen again after (months)"))
    flag_review_days = models.PositiveSmallIntegerField(_("review a flag at this level after (days)"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["min_total"]


class Screening(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="screenings")
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    done_on = models.DateField(_("date"))
    total = models.PositiveSmallIntegerField(_("total"))
    level = models.CharField(_("result"), max_length=8, choices=Level.choices)
    suicide_positive = models.BooleanField(_("suicide screen positive"), default=False)
    note = models.TextField(_("overall judgement"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [models.Index(fields=["person", "done_on"], name="screening_person_day")]


class ScreeningAnswer(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ScreeningItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    rationale = models.CharField(_("rationale"), max_length=300, blank=True)

    class Meta:
        ordering = ["item__order"]
        constraints = [models.UniqueConstraint(fields=["screening", "item"], name="one_answer_per_item")]


class FlagOrigin(models.TextChoices):
    SCREENING = "screening", _("screening")
    INCIDENT = "incident", _("critical incident")
    MANUAL = "manual", _("professional judgement")


class RiskFlag(models.Model):
    """The person's current risk: level, reason, review date. One open flag per person; a new one replaces it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="risk_flags")
    level = models.CharField(_("risk"), max_length=8, choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=300)
    origin = models.CharField(_("raised by"), max_length=10, choices=FlagOrigin.choices)
    review_on = models.DateField(_("review on"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person"], condition=models.Q(ended_at__isnull=True),
                                               name="one_open_flag_per_person")]
