"""The resource directory and referrals from a case to a resource, tracked until closed (issue 5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxing.records import KeptRecord


class ResourceKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    COUNSELLING = "counselling", _("psychological counselling")
    DRUG_OFFICE = "drug_office", _("drug-rehabilitation office")
    EMPLOYMENT = "employment", _("employment service")
    SCHOOL = "school", _("school")
    CIVIL_AFFAIRS = "civil_affairs", _("civil-affairs assistance")
    LEGAL_AID = "legal_aid", _("legal aid")
    OTHER = "other", _("other")


class Resource(KeptRecord):
    """An agency or service outside Tongxing, with its contacts and the areas it serves (a district covers its
    streets)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ResourceKind.choices)
    services = models.CharField(_("services offered"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    areas = models.ManyToManyField("orgs.Area", verbose_name=_("areas served"), related_name="resources")
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "is_active"], name="resource_kind_active")]

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Where each status may go next; the closed ones go nowhere.
NEXT_STATUSES = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN},
    ReferralStatus.ACCEPTED: {ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN},
    ReferralStatus.IN_PROGRESS: {ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN},
}
CLOSED = {ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN}


class Referral(KeptRecord):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="referrals")
    resource = models.ForeignKey(Resource, verbose_name=_("to"), on_delete=models.PROTECT, related_name="referrals")
    reason = models.TextField(_("reason"))
    consent = models.ForeignKey("casework.Consent", verbose_name=_("consent relied on"), on_delete=models.PROTECT,
                                related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    sent_on = models.DateField(_("sent on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="referrals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["case", "status"], name="referral_case_status"),
                   models.Index(fields=["resource", "status"], name="referral_resource_status")]

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED


class ReferralUpdate(models.Model):
    """A status change or a piece of feedback, from our side or reported by the receiving agency."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("feedback"), blank=True)
    from_agency = models.BooleanField(_("feedback from the receiving agency"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
