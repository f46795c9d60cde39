from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = "The model as a whole"

    def ready(self):
        from overview import todo
        from revops.admin import site

        # The console's home shows a head's to-do, which reads every app: the core's
        # console cannot import it, so the top layer hands it over.
        site.todo_for = todo.for_user
