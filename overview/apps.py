from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "The model as a whole"

    def ready(self):
        from overview import lint, notices, todo
        from revops import registry

        registry.add_events(*notices.EVENTS)
        # The console's home shows a head's to-do and the RACI page the cross-checks:
        # both read apps the core and ``raci`` may not import, so the top layer fills in
        # their slots.
        registry.add_panel("console.todo", todo.for_user)
        registry.add_panel("raci.grid", lint.panel)
