from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        # The project uses SimpleAdminConfig (no autodiscovery): register with the console.
        from raci import admin  # noqa: F401
