"""Writes to accounts: API tokens (users themselves are created by administrators and the demo loader)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError

from audit.services import audit_record

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor's own account; the raw token is returned once and never stored."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Please sign in first."))
    if not name.strip():
        raise ValidationError({"name": [_("Give the token a name, e.g. the system that will use it.")]})
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(user=actor, name=name.strip(), prefix=raw[4:12], key_hash=ApiToken.hash_key(raw))
    audit_record(actor=actor, action="api_token.created", target=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="api_token.revoked", target=token)


@transaction.atomic
def user_create(*, actor: User | None, username: str, password: str, role: str, organisation, team=None,
                full_name: str = "", heads_office: bool = False) -> User:
    """Create a staff account. `actor` is None only for the demo loader and set-up commands."""
    if actor is not None and not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators create accounts."))
    if actor is not None and not organisation.area.path.startswith(actor.area_path or "-"):
        raise PermissionDenied(_("That organisation is outside your area."))
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": [_("The team belongs to another organisation.")]})
    user = User(username=username, role=role, organisation=organisation, team=team, full_name=full_name,
                heads_office=heads_office)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="user.created", target=user,
                 changes={"role": role, "organisation": organisation.pk, "heads_office": heads_office})
    return user


def token_user(raw: str) -> User | None:
    """The active user behind a bearer token, recording its use; None when unknown or revoked."""
    token = (ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active:
        return None
    from .twofactor import token_allowed

    if not token_allowed(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # coarse, so reads don't become writes
    return token.user


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts are locked now by repeated failed sign-ins."""
    from axes.models import AccessAttempt
    from django.conf import settings

    attempts = AccessAttempt.objects.filter(username__in=list(usernames),
                                            failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return set(attempts.values_list("username", flat=True))


@transaction.atomic
def account_unlock(*, actor: User, user: User) -> None:
    """An administrator lifts a lockout before its cool-off ends; audited."""
    from axes.utils import reset

    if not actor.policy.manages_orgs:
        raise PermissionDenied(_("Only administrators unlock accounts."))
    reset(username=user.username)
    audit_record(actor=actor, action="account.unlocked", target=user)
