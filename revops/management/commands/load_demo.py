"""Load the demo operating model. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from revops import demo

APP_DEMOS = ["runbook.demo.load", "raci.demo.load", "cadence.demo.load"]


class Command(BaseCommand):
    help = "Create demo users and the demo run book, RACI and cadence (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = demo.load_people()
            for dotted in APP_DEMOS:
                try:
                    loader = import_string(dotted)
                except ImportError:
                    continue
                loader(people=people)
        self.stdout.write("Demo operating model ready. Sign in at http://127.0.0.1:8000 with:")
        for username, role in demo.LOGINS:
            self.stdout.write(f"  {username:<10} / {demo.PASSWORD}   ({role})")
