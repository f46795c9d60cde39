import pytest

from tests.runbook.factories import make_runbook


@pytest.fixture
def runbook(db):
    return make_runbook()
