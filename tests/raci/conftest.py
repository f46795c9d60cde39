import pytest

from tests.raci import factories


@pytest.fixture
def matrix(db):
    return factories.matrix()


@pytest.fixture
def routing(matrix):
    """'Lead routing rules': Sales A, Marketing R, RevOps C."""
    return factories.row(
        matrix, "Lead routing rules", {"sales": "A", "marketing": "R", "revops": "C"}
    )
