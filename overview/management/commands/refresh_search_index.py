"""Rewrite every stored search vector: after changing ``REVOPS_SEARCH_CONFIG`` (the
language), or after writing rows behind the services' back. PostgreSQL only."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cadence import search as cadence_search
from raci import search as raci_search
from revops.search import text_search_config
from runbook import search as runbook_search


class Command(BaseCommand):
    help = ("Rewrite the search vectors of sections, definitions, releases, rituals and "
            "RACI rows.")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: search matches substrings on this database.")
            return
        with transaction.atomic():
            runbook_search.refresh_sections()
            runbook_search.refresh_definitions()
            runbook_search.refresh_releases()
            cadence_search.refresh_rituals()
            raci_search.refresh_rows()
        self.stdout.write(f"search vectors rewritten ({text_search_config()})")
