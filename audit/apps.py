from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("audit")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core import checks

        from . import archive, signals

        checks.register(archive.check_retention, "security")

        user_logged_in.connect(signals.logged_in, dispatch_uid="audit.logged_in")
        user_logged_out.connect(signals.logged_out, dispatch_uid="audit.logged_out")
        user_login_failed.connect(signals.login_failed, dispatch_uid="audit.login_failed")
