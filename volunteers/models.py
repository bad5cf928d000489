"""Volunteers (the Hangzhou model): the registry, trainings and their hours, professional supervision sessions
(督导记录), and tasks on cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.crypto import EncryptedTextField
from tongxing.records import KeptRecord


class Volunteer(KeptRecord):
    name = models.CharField(_("full name"), max_length=50)
    phone = EncryptedTextField(_("phone"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="volunteer_profile", verbose_name=_("account"),
                                help_text=_("Volunteers with an account see the files of the tasks given to them."))
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="volunteers")
    area = models.ForeignKey("orgs.Area", verbose_name=_("serves in"), on_delete=models.PROTECT,
                             related_name="volunteers")
    skills = models.CharField(_("skills"), max_length=200, blank=True, help_text=_("e.g. 心理咨询、法律、学业辅导"))
    availability = models.CharField(_("availability"), max_length=100, blank=True, help_text=_("e.g. 周末上午"))
    joined_on = models.DateField(_("joined on"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["organisation", "is_active"], name="volunteer_org_active")]

    def __str__(self) -> str:
        return self.name


class Training(models.Model):
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="trainings")
    title = models.CharField(_("training"), max_length=120)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    trainer = models.CharField(_("trainer"), max_length=80, blank=True)
    attendees = models.ManyToManyField(Volunteer, related_name="trainings", verbose_name=_("attended"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]


class SupervisionSession(models.Model):
    """督导记录: a supervisor's professional supervision of volunteers."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("supervisor"), on_delete=models.PROTECT,
                                   related_name="+")
    held_on = models.DateField(_("date"))
    volunteers = models.ManyToManyField(Volunteer, related_name="supervision_sessions", verbose_name=_("volunteers"))
    topic = models.CharField(_("topic"), max_length=120)
    notes = models.TextField(_("notes"))
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class VolunteerTask(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="tasks")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="volunteer_tasks")
    task = models.CharField(_("task"), max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    hours = models.DecimalField(_("hours spent"), max_digits=5, decimal_places=1, default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["volunteer", "status"], name="vtask_volunteer_status")]
