from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "cadence"
    verbose_name = "Cadence"

    def ready(self):
        from cadence import notices
        from revops import registry

        registry.add_events(*notices.EVENTS)
