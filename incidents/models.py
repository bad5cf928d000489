"""Critical incidents (危机事件): what happened, when and where, and what was done at once (DOMAIN.md §5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.records import KeptRecord


class IncidentKind(models.TextChoices):
    SUICIDE_ATTEMPT = "suicide_attempt", _("suicide attempt")
    SELF_HARM = "self_harm", _("self-harm")
    NEW_OFFENCE = "new_offence", _("new offence")
    RELAPSE = "relapse", _("relapse into drug use")
    LOST_CONTACT = "lost_contact", _("lost contact (脱管)")
    FAMILY_VIOLENCE = "family_violence", _("family violence")
    DETAINED = "detained", _("detained")
    OTHER = "other", _("other")


class Incident(KeptRecord):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="incidents")
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="incidents")
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200)
    description = models.TextField(_("what happened"))
    immediate_actions = models.TextField(_("immediate actions"))
    conference_due_on = models.DateField(_("case conference due"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="incident_person_time"),
                   models.Index(fields=["occurred_at"], name="incident_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("incidents:detail", args=[self.pk])
