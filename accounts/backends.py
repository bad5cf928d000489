from django.contrib.auth.backends import ModelBackend

from tongxing.compiled import Compiled


class PasswordBackend(ModelBackend):
    """Checks passwords only. Permissions come from the rules (accounts.roles + each app's rules.py), never from
    Django's per-user permission tables, so there is one source of truth and no permission queries per request."""

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def get_user(self, user_id):
        """The signed-in user with the organisation every page names (the header) and whose area bounds their reach,
        and whether their role approves anything (the day list asks): one query per request instead of four."""
        if type(user_id) is not int:  # Django passes the session's id as an int; anything else goes through the ORM
            user = self.get_user_queryset().filter(pk=user_id).first()
        else:
            user = next(iter(_SIGNED_IN.objects(pk=user_id)), None)
        if user is not None:
            user.role_approves_as_read = (user.role, user.role_approves)  # casework.selectors.holds_an_approving_role
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        user = await self.get_user_queryset().filter(pk=user_id).afirst()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def get_user_queryset():
        from django.contrib.auth import get_user_model
        from django.db.models import Exists, OuterRef

        from orgs.models import ServiceRule

        return get_user_model()._default_manager.select_related("organisation__area").annotate(
            role_approves=Exists(ServiceRule.objects.filter(approver_role=OuterRef("role"))))


# On every request (tongxing/compiled.py).
_SIGNED_IN = Compiled(lambda pk: PasswordBackend.get_user_queryset().filter(pk=pk), pk=int)
