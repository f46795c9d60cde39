"""The lead invariant and the hand-over's locks under real concurrency, on PostgreSQL:
two leads deactivating each other at once leave one of them; two crossed hand-overs
queue instead of deadlocking."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from overview import services as overview_services
from revops import seats, services
from revops.models import AuditEntry, Door, Function
from tests.concurrency import run_concurrently
from tests.factories import LeadFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_leads_deactivating_each_other_at_once_leave_one(attempt):
    ann, bob = LeadFactory(username="ann"), LeadFactory(username="bob")
    outcomes = run_concurrently(
        lambda: services.person_deactivate(actor=ann, door=Door.API, person=bob),
        lambda: services.person_deactivate(actor=bob, door=Door.API, person=ann),
    )
    refused = [o for o in outcomes if isinstance(o, seats.NoLeadLeft)]
    assert len(refused) == 1, outcomes
    assert list(seats.active_leads().values_list("username", flat=True)) in (["ann"], ["bob"])


@pytest.mark.parametrize("attempt", range(3))
def test_crossed_hand_overs_queue_instead_of_deadlocking(attempt):
    lead = LeadFactory(username="lead")
    a, b = UserFactory(username="a"), UserFactory(username="b")
    Function.objects.filter(slug="sales").update(head=a, vacant_since=None)
    Function.objects.filter(slug="cs").update(head=b, vacant_since=None)
    outcomes = run_concurrently(
        lambda: overview_services.person_hand_over(actor=lead, door=Door.API, person=a,
                                                   successor=b),
        lambda: overview_services.person_hand_over(actor=lead, door=Door.API, person=b,
                                                   successor=a),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    heads = set(Function.objects.filter(slug__in=["sales", "cs"]).values_list("head__username",
                                                                               flat=True))
    assert len(heads) == 1, "the second hand-over saw the first one's result"


@pytest.mark.parametrize("attempt", range(3))
def test_a_seat_is_never_given_to_someone_already_deactivated(attempt):
    lead = LeadFactory(username="lead")
    leaving = UserFactory(username="leaving")
    outcomes = run_concurrently(
        lambda: services.person_deactivate(actor=lead, door=Door.API, person=leaving),
        lambda: services.function_update(actor=lead, door=Door.API,
                                         function=Function.objects.get(slug="sales"),
                                         head=User.objects.get(username="leaving")),
    )
    # Under the person's row lock, the seat goes to them only while they are active: it
    # was given before they were deactivated (then readiness names a departed head), or
    # it was refused.
    deactivated = AuditEntry.objects.get(action="deactivate").pk
    given = AuditEntry.objects.filter(object_type="revops.function", action="update").first()
    if isinstance(outcomes[1], ValidationError):
        assert given is None and Function.objects.get(slug="sales").head is None
    else:
        assert given.pk < deactivated, outcomes
