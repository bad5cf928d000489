import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role, RolePolicy, policy_for


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="staff")
    team = models.ForeignKey("orgs.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    # The 所长/站长: sees the juveniles their organisation reaches, who are otherwise only their case team's.
    heads_office = models.BooleanField(_("heads the organisation"), default=False)
    # Kept on the row (loaded on every request anyway) so every session of the account asks for the code at once.
    two_factor_on = models.BooleanField(_("two-factor sign-in on"), default=False, editable=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["organisation", "role"], name="user_org_role")]

    def __str__(self) -> str:
        return self.display_name

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Accounts are deactivated (is_active), not deleted: the audit trail names them.")

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def policy(self) -> RolePolicy:
        return policy_for(self.role)

    @cached_property
    def area_path(self) -> str | None:
        """The area prefix that bounds this user's reach; None without an organisation."""
        if not self.organisation_id:
            return None
        return self.organisation.area.path


class ApiToken(models.Model):
    """A bearer token for integrations. Only its hash is stored; the token is shown once when created."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "txk_" + secrets.token_urlsafe(32)
