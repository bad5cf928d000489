"""Case conferences (个案讨论会): who took part, the analysis along named dimensions, and decisions that become
duties in their owners' day lists (DOMAIN.md §5)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tongxing.records import KeptRecord


class AnalysisDimension(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("dimension"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class ConferenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class Conference(KeptRecord):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="conferences")
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="conferences")
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="conferences")
    scheduled_for = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200)
    presenter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("presents the case"),
                                  on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ConferenceStatus.choices,
                              default=ConferenceStatus.SCHEDULED)
    background = models.TextField(_("background presented"), blank=True)
    service_so_far = models.TextField(_("service so far"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [models.Index(fields=["person", "scheduled_for"], name="conference_person_time")]

    def get_absolute_url(self) -> str:
        return reverse("conferences:detail", args=[self.pk])


class Participant(models.Model):
    """A staff member (a user) or an external professional who is not a user (doctor, psychologist, teacher)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    name = models.CharField(_("full name"), max_length=50)
    profession = models.CharField(_("profession or role"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]

    @property
    def is_external(self) -> bool:
        return self.user_id is None


class Analysis(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="analyses")
    dimension = models.ForeignKey(AnalysisDimension, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("analysis"))

    class Meta:
        ordering = ["dimension__order"]
        constraints = [models.UniqueConstraint(fields=["conference", "dimension"], name="one_analysis_per_dimension")]


class Decision(models.Model):
    """A follow-up action agreed at the conference: an owner and a due date, and so a duty in their day list."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+")
    due_on = models.DateField(_("due"))

    class Meta:
        ordering = ["due_on", "id"]

    @property
    def duty_key(self) -> str:
        return f"decision:{self.pk}"
