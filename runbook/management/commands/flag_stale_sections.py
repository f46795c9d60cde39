"""``python manage.py flag_stale_sections [--today YYYY-MM-DD]``: the daily scan, by hand."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from revops.models import Door
from runbook import services


def iso_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Flag every run-book section that is stale or was never reviewed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=iso_date, help="Scan as if today were this date (YYYY-MM-DD)."
        )

    def handle(self, *args, today=None, **options):
        result = services.flag_stale_sections(door=Door.CLI, today=today)
        for flag in result.newly_flagged:
            self.stdout.write(f"flagged: {flag.section_label} ({flag.state})")
        self.stdout.write(str(result))
