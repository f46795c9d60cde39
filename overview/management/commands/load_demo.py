"""Load the demo operating model. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cadence import demo as cadence_demo
from overview import demo as overview_demo
from raci import demo as raci_demo
from revops import demo
from runbook import demo as runbook_demo

# The overview's drill comes last: it hands out pieces of what the apps' demos made.
APP_DEMOS = [runbook_demo.load, raci_demo.load, cadence_demo.load, overview_demo.load]


class Command(BaseCommand):
    help = "Create demo users and the demo run book, RACI and cadence (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            people = demo.load_people()
            for load in APP_DEMOS:
                load(people=people)
        self.stdout.write("Demo operating model ready. Sign in at http://127.0.0.1:8000 with:")
        for username, role in demo.LOGINS:
            self.stdout.write(f"  {username:<10} / {demo.PASSWORD}   ({role})")
        self.stdout.write(f"The departure drill: sign in as lead and open "
                          f"/people/{overview_demo.DEPARTING}/ (what if she left on Friday?).")
