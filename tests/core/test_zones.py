"""How a zone is said on the pages, and which names count as zones."""

import pytest

from revops import zones


@pytest.mark.parametrize(("name", "said"), [
    ("America/New_York", "New York time"),
    ("Europe/London", "London time"),
    ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
    ("Asia/Tokyo", "Tokyo time"),
    ("UTC", "UTC"),
    ("Etc/UTC", "UTC"),
    ("Etc/GMT+5", "Etc/GMT+5"),
    ("EST5EDT", "EST5EDT"),
])
def test_a_zone_is_said_by_its_city(name, said):
    assert zones.words(name) == said


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC", "America/Indiana/Knox"])
def test_real_zones_are_known(name):
    zones.validate_time_zone(name)


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "Europe/Pariss", ""])
def test_files_that_are_not_zones_are_refused(name):
    with pytest.raises(zones.ValidationError):
        zones.validate_time_zone(name)
