"""The public addresses the run book's e-mails link to."""

from django.conf import settings
from django.urls import reverse


def section_urls():
    """A function giving a section's public address from its id. One reverse() for a
    whole list (66,000 of them were half the stale scan at 100k): every section's
    address is the same pattern around its id."""
    site = settings.REVOPS_SITE_URL.rstrip("/")
    before, after = reverse("runbook:section", args=[0]).rsplit("0", 1)
    return lambda section_id: f"{site}{before}{section_id}{after}"


def definition_url(slug):
    """A definition's public address."""
    return f"{settings.REVOPS_SITE_URL.rstrip('/')}{reverse('definitions:detail', args=[slug])}"


def dashboard_url():
    """The dashboard's public address: every run book's freshness."""
    return f"{settings.REVOPS_SITE_URL.rstrip('/')}{reverse('dashboard')}"
