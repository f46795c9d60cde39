"""Write the whole operating model as one revops-model/1 JSON document to stdout."""

import json

from django.core.management.base import BaseCommand

from overview.model_file import export_model


class Command(BaseCommand):
    help = "Export the operating model as JSON (python manage.py export_model > model.json)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(export_model(), ensure_ascii=False, indent=1))
