from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("imports")

    def ready(self):
        from importlib import import_module

        import_module("imports.jobs")  # registers the import job kinds
