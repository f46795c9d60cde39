"""Rewrite every stored search vector: after changing ``REVOPS_SEARCH_CONFIG`` (the
language), or after writing rows behind the services' back. PostgreSQL only."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cadence.models import Ritual
from raci.models import Row
from revops.search import refresh_vectors, text_search_config
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
            refresh_vectors(Ritual)
            refresh_vectors(Row)
        self.stdout.write(f"search vectors rewritten ({text_search_config()})")
