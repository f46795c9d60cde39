"""Run every periodic job of the beat schedule once, in this process.

``make run`` uses it so the demo shows stale flags and occurrences without a worker.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from revops.celery import app


class Command(BaseCommand):
    help = "Run each task of CELERY_BEAT_SCHEDULE once, eagerly."

    def handle(self, *args, **options):
        app.loader.import_default_modules()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            result = app.tasks[entry["task"]].apply()
            self.stdout.write(f"{name}: {result.result}")
