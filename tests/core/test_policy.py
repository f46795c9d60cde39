"""Who may own what: the ownership rule every app's services ask the policy."""

import pytest

from revops import policy
from tests.factories import function

pytestmark = pytest.mark.django_db


def test_a_lead_owns_any_function_or_none_a_head_only_their_own_a_viewer_nothing(
    lead, sales_head, viewer
):
    sales, marketing = function("sales"), function("marketing")
    assert policy.can_own(lead, sales) and policy.can_own(lead, None)
    assert policy.can_own(sales_head, sales) and policy.can_own(sales_head, sales.pk)
    assert not policy.can_own(sales_head, marketing) and not policy.can_own(sales_head, None)
    assert not policy.can_own(viewer, sales)
    assert policy.can_create_owned(lead) and policy.can_create_owned(sales_head)
    assert not policy.can_create_owned(viewer)
