from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        from raci import notices
        from revops import registry

        registry.add_events(*notices.EVENTS)
