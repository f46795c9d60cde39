"""Write the whole operating model as one revops-model/1 JSON document to stdout,
streamed (docs/model-format.md)."""

from django.core.management.base import BaseCommand

from overview.model_file import export_chunks


class Command(BaseCommand):
    help = "Export the operating model as JSON (python manage.py export_model > model.json)."

    def handle(self, *args, **options):
        for chunk in export_chunks():
            self.stdout.write(chunk, ending="")
        self.stdout.write("")
