from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "cadence"
    verbose_name = "Cadence"

    def ready(self):
        # The console is a SimpleAdminConfig site: each app registers itself.
        from cadence import admin  # noqa: F401
