import pytest


@pytest.fixture
def sections(db):
    from tests.cadence.factories import runbook_sections

    return runbook_sections()
