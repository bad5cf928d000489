from django.contrib.auth.backends import ModelBackend


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
        """The signed-in user with the organisation every page names (the header) and whose area bounds their reach:
        one query per request instead of three."""
        user = self.get_user_queryset().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        user = await self.get_user_queryset().filter(pk=user_id).afirst()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def get_user_queryset():
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.select_related("organisation__area")
