from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = "Insights"

    def ready(self):
        from insights import notices, panels
        from revops import registry

        registry.add_events(*notices.EVENTS)
        registry.add_panel("cadence.occurrence", panels.occurrence_inputs)
