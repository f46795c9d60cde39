"""Nothing is held by someone who cannot sign in, under real concurrency on PostgreSQL: a
deactivating hand-over racing a write that names the leaving person (as a seat's head,
as a ritual's owning person) ends with everything held by active people, and the write
that came second is refused by the field naming the person."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from cadence import services as cadence_services
from cadence.models import Ritual
from overview import services as overview_services
from revops import people, services
from revops.models import Door, Function
from tests.cadence.factories import ritual as make_ritual
from tests.concurrency import run_concurrently
from tests.factories import LeadFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _nothing_held_by_the_inactive():
    assert not Function.objects.filter(head__is_active=False).exists()
    assert not Function.objects.filter(deputy__is_active=False).exists()
    assert not Ritual.objects.filter(owner_person__is_active=False).exists()


def _refused_by(outcome, field):
    assert isinstance(outcome, ValidationError), outcome
    assert field in outcome.message_dict
    assert people.HELD_BY_ACTIVE in outcome.message_dict[field][0]


def _hand_over(lead, leaving, heir):
    return lambda: overview_services.person_hand_over(
        actor=lead, door=Door.API, person=leaving, successor=heir, deactivate=True)


@pytest.mark.parametrize("attempt", range(3))
def test_a_head_named_while_a_hand_over_deactivates_them_is_refused_or_handed_over(attempt):
    lead = LeadFactory(username="lead")
    leaving, heir = UserFactory(username="leaving"), UserFactory(username="heir")
    Function.objects.filter(slug="cs").update(head=leaving, vacant_since=None)
    # What the API read before either write: the seat as it was, the person active.
    sales, cs = Function.objects.get(slug="sales"), Function.objects.get(slug="cs")
    named = User.objects.get(username="leaving")
    outcomes = run_concurrently(
        _hand_over(lead, leaving, heir),
        lambda: services.function_update(actor=lead, door=Door.API, function=sales,
                                         head=named),
        lambda: services.function_update(actor=lead, door=Door.API, function=cs, head=named),
    )
    _nothing_held_by_the_inactive()
    assert not isinstance(outcomes[0], Exception), outcomes
    for outcome in outcomes[1:]:
        if isinstance(outcome, Exception):
            _refused_by(outcome, "head")


@pytest.mark.parametrize("attempt", range(3))
def test_a_ritual_given_while_a_hand_over_deactivates_its_person_is_refused_or_handed_over(
        attempt):
    lead = LeadFactory(username="lead")
    leaving, heir = UserFactory(username="leaving"), UserFactory(username="heir")
    ritual = make_ritual()
    named = User.objects.get(username="leaving")
    outcomes = run_concurrently(
        _hand_over(lead, leaving, heir),
        lambda: cadence_services.ritual_update(ritual=ritual, actor=lead, door=Door.API,
                                               owner_person=named),
    )
    _nothing_held_by_the_inactive()
    assert not isinstance(outcomes[0], Exception), outcomes
    if isinstance(outcomes[1], Exception):
        _refused_by(outcomes[1], "owner_person")
    else:
        assert Ritual.objects.get(pk=ritual.pk).owner_person == heir
