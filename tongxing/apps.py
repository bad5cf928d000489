from django.apps import AppConfig


class TongxingConfig(AppConfig):
    name = "tongxing"

    def ready(self):
        from . import lookups  # noqa: F401  registers `__one_of`
