from django.apps import AppConfig


class RunbookConfig(AppConfig):
    name = "runbook"
    verbose_name = "Run book"

    def ready(self):
        from revops import registry
        from runbook import notices

        registry.add_events(*notices.EVENTS)
