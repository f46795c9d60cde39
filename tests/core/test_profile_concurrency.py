"""A person's first time zone set from two requests at the same moment, on real
PostgreSQL: one profile, the later value kept, and neither request fails."""

import pytest
from django.db import connection

from revops import services
from revops.models import Door, Profile
from tests.concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_first_zones_at_once_make_one_profile(attempt):
    person = UserFactory(username="riley")

    def set_zone(zone):
        return lambda: services.profile_update(actor=person, door=Door.UI, user=person,
                                               time_zone=zone).time_zone

    outcomes = run_concurrently(set_zone("Asia/Tokyo"), set_zone("Europe/London"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert Profile.objects.count() == 1
    assert Profile.objects.get().time_zone in {"Asia/Tokyo", "Europe/London"}
