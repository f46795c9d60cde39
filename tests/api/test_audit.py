import pytest

from revops import audit
from revops.models import AuditEntry, Door, Function

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(lead, viewer):
    sales, cs = Function.objects.get(slug="sales"), Function.objects.get(slug="cs")
    audit.record(actor=lead, door=Door.UI, action="update", obj=sales)
    audit.record(actor=viewer, door=Door.API, action="create", obj=cs)
    audit.record(actor=None, door=Door.TASK, action="flag", obj=cs)


def test_audit_lists_who_what_when_and_door(api, viewer, entries):
    body = api.as_user(viewer).get("/api/v1/audit/").json()
    assert body["count"] == 3
    assert set(body["results"][0]) == {
        "id", "at", "actor", "door", "action", "object_type", "object_id", "object_repr",
        "changes",
    }


@pytest.mark.parametrize(
    ("query", "count"),
    [("door=api", 1), ("actor=lead", 1), ("object_type=revops.function", 3),
     ("since=2000-01-01T00:00:00Z", 3), ("until=2000-01-01T00:00:00Z", 0)],
)
def test_audit_filters(api, viewer, entries, query, count):
    assert api.as_user(viewer).get(f"/api/v1/audit/?{query}").json()["count"] == count


def test_audit_is_read_only_through_the_api(api, lead, entries):
    entry = AuditEntry.objects.first()
    assert api.as_user(lead).delete(f"/api/v1/audit/{entry.pk}/").status_code == 405
    assert api.post("/api/v1/audit/", {}).status_code == 405


def test_bad_filter_value_is_a_400_naming_the_field(api, viewer):
    response = api.as_user(viewer).get("/api/v1/audit/?door=fax")
    assert response.status_code == 400 and "door" in response.json()


def test_audit_page_filters_and_keeps_constant_queries(client, viewer, lead,
                                                       django_assert_max_num_queries):
    client.force_login(viewer)
    sales = Function.objects.get(slug="sales")
    for _ in range(3):
        audit.record(actor=lead, door=Door.UI, action="update", obj=sales)
    with django_assert_max_num_queries(12) as small:
        client.get("/audit/?door=ui")
    for _ in range(200):
        audit.record(actor=lead, door=Door.UI, action="update", obj=sales)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/audit/?door=ui")
    assert response.status_code == 200
    assert "Sales" in response.content.decode()


def test_a_page_of_the_newest_entries_is_read_off_an_index_not_sorted(lead):
    """Thousands of entries can share one moment (a bulk write stamps them alike): the
    trail's order (newest first, then by id) is an index of its own, so a page costs the
    same however long the trail is. Checked on PostgreSQL's plan for the API's page."""
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plan; CI runs it there")
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(at=now, actor=lead, door=Door.TASK, action="flag",
                   object_type="runbook.section", object_id=str(i), object_repr=f"§{i}")
        for i in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE revops_auditentry")
    plan = AuditEntry.objects.order_by("-at", "-id")[:50].explain()
    assert "Index Scan Backward using revops_audit_at_id" in plan, plan
    assert "Sort" not in plan, plan
