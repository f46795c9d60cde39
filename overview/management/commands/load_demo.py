"""Load the demo operating model. Idempotent: a second run changes nothing."""

from django.conf import settings
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
        # The address it is served on: ``make run PORT=8101`` sets REVOPS_SITE_URL to it.
        self.stdout.write(f"Demo operating model ready. Sign in at "
                          f"{settings.REVOPS_SITE_URL.rstrip('/')} with:")
        for username, role in demo.LOGINS:
            self.stdout.write(f"  {username:<10} / {demo.PASSWORD}   ({role})")
        self.stdout.write(f"The departure drill: sign in as lead and open "
                          f"/people/{overview_demo.DEPARTING}/ (what if she left on Friday?).")
