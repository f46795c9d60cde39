from django.apps import AppConfig


class RunbookConfig(AppConfig):
    name = "runbook"
    verbose_name = "Run book"

    def ready(self):
        # The project uses SimpleAdminConfig (no autodiscovery): register with the console.
        from runbook import admin  # noqa: F401
