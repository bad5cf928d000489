from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    """The trail is written once: no bulk update or delete through the application (the chain would say so)."""

    def update(self, **kwargs):
        raise PermissionError("Audit events are never changed.")

    def delete(self):
        raise PermissionError("Audit events are never deleted.")


class AuditEvent(models.Model):
    """One thing that happened: who did what, to which record, when, from where, and why when given.

    Sealing (`audit.chain`) gives each event a sequence number and the hash of the previous one, so a changed,
    removed or inserted row breaks the chain at that row."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # actor and person: no index of their own; audit_actor_at and audit_person_at start with them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    # Kept as text too, so the trail stays readable if an account is later renamed or disabled.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("record type"), max_length=64, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events",
        db_index=False,
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)  # web / api / command
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["person", "-at"], name="audit_person_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("sealing", False):
            raise PermissionError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are never deleted.")


class ChainHead(models.Model):
    """The last sealed event: one row, locked while a batch is sealed, so there is one chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)


class AuditAnchor(models.Model):
    """Where the table's chain now starts: events `first_seq`..`seq` were moved to one archive file and deleted here.

    One row per archive file, never changed or deleted: the catalogue of the archives. The newest row's `seq` and
    `hash` are what `audit.chain.verify` continues from; each file joins the previous row (`prev_hash`) and is named
    here with its SHA-256, so a changed file or a changed catalogue is found (docs/security.md)."""

    created_at = models.DateTimeField(_("archived at"), auto_now_add=True)
    first_seq = models.BigIntegerField()
    seq = models.BigIntegerField(unique=True)  # the last archived event's
    prev_hash = models.CharField(max_length=64, blank=True)  # the hash the file's first event links to
    hash = models.CharField(max_length=64)  # the last archived event's
    count = models.BigIntegerField()
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    file_name = models.CharField(max_length=200, unique=True)
    file_sha256 = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.file_name} (seq {self.first_seq}–{self.seq})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit archive records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit archive records are never deleted.")
