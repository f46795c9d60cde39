"""Start a complete operating model from a motion template (sales-led, product-led,
hybrid). Refuses when a model exists, unless --replace (the old one is archived)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from overview import bootstrap, motions
from revops.errors import Conflict
from revops.models import Door


class Command(BaseCommand):
    help = "Create the run books, RACI and cadence of a motion template (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--motion", required=True, choices=motions.MOTIONS)
        parser.add_argument("--fiscal-year-start-month", type=int, default=None)
        parser.add_argument("--replace", action="store_true",
                            help="Archive the model that is there (kept readable) first.")

    def handle(self, *args, motion, fiscal_year_start_month, replace, **options):
        try:
            outcome = bootstrap.bootstrap(
                motion=motion, replace=replace, actor=None, door=Door.CLI,
                fiscal_year_start_month=fiscal_year_start_month)
        except (Conflict, ValidationError) as exc:
            raise CommandError(exc.messages[0] if isinstance(exc, ValidationError)
                               else str(exc)) from None
        summary = outcome.summary()
        if not outcome.created:
            self.stdout.write(f"The {motion} model is already here, unchanged.")
        for book in summary["runbooks"]:
            self.stdout.write(f"run book: {book['title']} ({book['sections']} sections)")
        raci = summary["raci"]
        self.stdout.write(f"RACI: {raci['title']}, {raci['rows']} rows: " + ", ".join(
            f"{layer} {n}" for layer, n in raci["rows_per_layer"].items()))
        self.stdout.write("rituals: " + ", ".join(
            f"{horizon} {n}" for horizon, n in summary["rituals"].items()))
        if summary["archived"]:
            self.stdout.write("archived: " + ", ".join(
                f"{n} {what}" for what, n in summary["archived"].items()))
        self.stdout.write("Next: review each section, name the function heads, sign off the "
                          "RACI — /readiness/ lists what is still open.")
