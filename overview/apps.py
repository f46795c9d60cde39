from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "The model as a whole"

    def ready(self):
        from overview import lint, todo
        from revops import panels
        from revops.admin import site

        # The console's home shows a head's to-do, which reads every app: the core's
        # console cannot import it, so the top layer hands it over.
        site.todo_for = todo.for_user
        # The RACI page shows the cross-checks, which read apps ``raci`` may not import.
        panels.register("raci.grid", lint.panel)
