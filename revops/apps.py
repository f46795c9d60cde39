from django.apps import AppConfig


class RevopsConfig(AppConfig):
    name = "revops"
    verbose_name = "Organisation"

    def ready(self):
        from revops import registry

        registry.add_events(registry.Event("seat.changed", "Seat changed"))
