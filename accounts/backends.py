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
        whether their role approves anything, and whether alerts or transfers wait for them (the day list asks):
        one query per request instead of six."""
        if type(user_id) is not int:  # Django passes the session's id as an int; anything else goes through the ORM
            user = self.get_user_queryset().filter(pk=user_id).first()
        else:
            user = next(iter(_SIGNED_IN.objects(pk=user_id)), None)
        if user is not None:
            user.role_approves_as_read = (user.role, user.role_approves)  # casework.selectors.holds_an_approving_role
            # Whether alerts or transfers wait for the user, as the request began: on most days nothing does, and
            # the day list then asks no more (duties.selectors.unread_notifications, casework.transfers_waiting_for).
            user.waiting_as_read = {"alerts": user.has_unread_alerts, "transfer_to_me": user.transfer_to_me,
                                    "transfer_to_office": user.transfer_to_office,
                                    "organisation_id": user.organisation_id}
        return user if user is not None and self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        user = await self.get_user_queryset().filter(pk=user_id).afirst()
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def get_user_queryset():
        from django.contrib.auth import get_user_model
        from django.db.models import Exists, OuterRef

        from casework.models import Transfer, TransferStatus
        from duties.models import Notification
        from orgs.models import ServiceRule

        pending = Transfer.objects.filter(status=TransferStatus.PENDING)
        return get_user_model()._default_manager.select_related("organisation__area").annotate(
            role_approves=Exists(ServiceRule.objects.filter(approver_role=OuterRef("role"))),
            has_unread_alerts=Exists(Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True)),
            transfer_to_me=Exists(pending.filter(to_owner_id=OuterRef("pk"))),
            transfer_to_office=Exists(pending.filter(to_organisation_id=OuterRef("organisation_id"))))


# On every request (tongxing/compiled.py).
_SIGNED_IN = Compiled(lambda pk: PasswordBackend.get_user_queryset().filter(pk=pk), pk=int)
