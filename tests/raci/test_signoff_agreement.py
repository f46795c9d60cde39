"""A new matrix starts at version 1, and the RACI page, the dashboard and the readiness
report agree on who still has to sign: every function somebody signs for — its seat's
holder, or its deputy while the seat is vacant — that has not signed the current
version. A seat with neither is a vacancy (readiness names it once, under seats), not a
signature to wait for (issue 26 §4)."""

import pytest
from django.utils import timezone

from overview import bootstrap
from overview.readiness import report
from raci import selectors, services
from revops.models import AuditEntry, Door, Function
from tests.factories import UserFactory
from tests.raci import factories

pytestmark = pytest.mark.django_db
ROWS = [{"name": "Annual plan", "cells": {"cro": "A", "revops": "R"}, "layer": "strategy"},
        {"name": "Lead routing", "cells": {"sales": "A", "marketing": "R"}}]


def test_a_matrix_made_with_its_rows_is_at_version_1_and_audits_each_row(lead):
    matrix = services.matrix_create(title="Revenue RACI", actor=lead, door=Door.UI, rows=ROWS)
    assert factories.fresh(matrix).version == 1
    assert list(matrix.rows.values_list("name", flat=True)) == ["Annual plan", "Lead routing"]
    assert AuditEntry.objects.filter(object_type="raci.row", action="create").count() == 2
    factories.row(matrix, "Pricing", {"finance": "A"})
    assert factories.fresh(matrix).version == 2  # a change after it was made moves it on


def test_a_bootstrapped_model_s_matrix_is_at_version_1():
    bootstrap.bootstrap(motion="sales-led", actor=None, door=Door.CLI)
    assert selectors.current_matrix().version == 1


def _seat(slug, *, head=None, deputy=None):
    Function.objects.filter(slug=slug).update(head=head, deputy=deputy)


def _check(code):
    return next(c for c in report(today=timezone.localdate()).checks if c.code == code)


@pytest.fixture
def seats(db):
    """Every seat held except Finance (vacant, no deputy) and CS (vacant, Jamie covers)."""
    people = {}
    for f in Function.objects.all():
        people[f.slug] = UserFactory(username=f"{f.slug}-head")
        _seat(f.slug, head=people[f.slug])
    _seat("finance")
    people["cs-deputy"] = UserFactory(username="jamie")
    _seat("cs", deputy=people["cs-deputy"])
    return people


def test_the_raci_page_and_readiness_name_the_same_people_still_to_sign(client, lead, seats):
    matrix = services.matrix_create(title="Revenue RACI", actor=lead, door=Door.UI, rows=ROWS)
    for slug in ("revops", "cro", "marketing"):
        services.signoff_create(matrix=matrix, function=Function.objects.get(slug=slug),
                                actor=seats[slug], door=Door.UI)
    awaited = [s.function.name for s in selectors.missing_signoffs(matrix)]
    assert awaited == ["Sales", "Customer Success"]  # Finance has nobody to sign
    check = _check("raci_signed_off")
    assert not check.passed and check.gaps == awaited
    client.force_login(lead)
    page = client.get("/raci/").content.decode()
    assert "Still to sign: Sales, Customer Success." in page
    assert "Nobody to sign" in page
    assert "Finance" in _check("seats_filled").message  # the vacancy, named once


def test_when_everyone_who_signs_has_signed_both_say_so(client, lead, seats):
    matrix = services.matrix_create(title="Revenue RACI", actor=lead, door=Door.UI, rows=ROWS)
    for slug in ("revops", "cro", "marketing", "sales"):
        services.signoff_create(matrix=matrix, function=Function.objects.get(slug=slug),
                                actor=seats[slug], door=Door.UI)
    services.signoff_create(matrix=matrix, function=Function.objects.get(slug="cs"),
                            actor=seats["cs-deputy"], door=Door.UI)
    assert _check("raci_signed_off").passed
    client.force_login(lead)
    assert "Signed by everyone who signs for a function." in client.get("/raci/").content.decode()
    body = client.get(f"/api/v1/raci/matrices/{matrix.pk}/").json()
    assert not [s["function"] for s in body["signoffs"] if s["awaited"]]
