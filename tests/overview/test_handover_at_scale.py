"""The hand-over of someone holding a lot: the same queries whatever they hold (one
statement and one bulk insert per kind of holding, never a service call per item), and
refused as a whole, on PostgreSQL, when it fails halfway."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence import services as cadence_services
from cadence.models import ActionItem, ActionState, FeedToken, Ritual
from overview import services
from overview.models import Handover, HandoverItem
from raci import services as raci_services
from revops.models import ApiToken, AuditEntry, Door, Function, WebhookDelivery
from tests.factories import LeadFactory, UserFactory
from tests.overview.test_handover_pages import _grow

User = get_user_model()


def _leaving_head(username, *, n, matrix, start):
    """A head of Sales holding ``n`` more of everything (sections, definitions, RACI rows,
    rituals in person, API tokens, open action items), a calendar feed token, and an
    action item done and one dropped."""
    person = UserFactory(username=username, is_staff=True)
    Function.objects.filter(slug="sales").update(head=person)
    _grow(n, head=person, matrix=matrix, start=start)
    cadence_services.feed_token_create(user=person, actor=None, door=Door.CLI)
    ritual = Ritual.objects.filter(owner_person=person).first()
    occurrence, now = ritual.occurrences.first(), timezone.now()
    ActionItem.objects.bulk_create([
        *(ActionItem(ritual=ritual, occurrence=occurrence, owner=person, text=f"Promise {i}",
                     due=date(2026, 3, 12)) for i in range(n)),
        ActionItem(ritual=ritual, occurrence=occurrence, owner=person, text="Kept",
                   due=date(2026, 3, 12), state=ActionState.DONE, closed_at=now),
        ActionItem(ritual=ritual, occurrence=occurrence, owner=person, text="Let go",
                   due=date(2026, 3, 12), state=ActionState.DROPPED, closed_at=now,
                   drop_reason="Overtaken"),
    ])
    return person


@pytest.mark.django_db
def test_a_hand_over_runs_the_same_queries_for_2_and_14_of_everything():
    lead = LeadFactory(username="boss")
    matrix = raci_services.matrix_create(title="RACI", is_current=True, actor=None,
                                         door=Door.CLI)
    counts, held = {}, {}
    for n, start in ((1, 0), (2, 10), (14, 100)):  # the first warms the process's caches
        person = _leaving_head(f"leaving-{n}", n=n, matrix=matrix, start=start)
        heir = UserFactory(username=f"heir-{n}")
        with CaptureQueriesContext(connection) as queries:
            plan = services.person_hand_over(actor=lead, door=Door.API, person=person,
                                             successor=heir, deactivate=True)
        counts[n] = len(queries.captured_queries)
        held[n] = (len(plan.rituals), len(plan.api_tokens), len(plan.feed_tokens),
                   len(plan.actions), plan.record.items.count())
        assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
        assert not FeedToken.objects.filter(user=person, revoked_at__isnull=True).exists()
        assert Ritual.objects.filter(owner_person=heir).count() == n
        assert ActionItem.objects.filter(owner=heir, state=ActionState.OPEN).count() == n
        assert set(ActionItem.objects.filter(owner=person).values_list("text", flat=True)) == {
            "Kept", "Let go"}
        assert AuditEntry.objects.filter(object_type="cadence.actionitem", action="update",
                                         object_id__in=[a.pk for a in plan.actions]
                                         ).count() == n
        assert AuditEntry.objects.filter(object_type="revops.apitoken", action="revoke",
                                         object_id__in=[t.pk for t in plan.api_tokens]
                                         ).count() == n
    assert held[2][:4] == (2, 2, 1, 2) and held[14][:4] == (14, 14, 1, 14)
    assert held[14][4] > held[2][4]
    assert counts[2] == counts[14], counts


def _state():
    return {
        "heads": dict(Function.objects.values_list("slug", "head_id")),
        "owners": dict(Ritual.objects.values_list("pk", "owner_person_id")),
        "action_owners": dict(ActionItem.objects.values_list("pk", "owner_id")),
        "live_tokens": sorted(ApiToken.objects.filter(revoked_at__isnull=True)
                              .values_list("pk", flat=True)),
        "live_feeds": sorted(FeedToken.objects.filter(revoked_at__isnull=True)
                             .values_list("pk", flat=True)),
        "active": dict(User.objects.values_list("pk", "is_active")),
        "audit": AuditEntry.objects.count(),
        "handovers": (Handover.objects.count(), HandoverItem.objects.count()),
        "events": WebhookDelivery.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_hand_over_failing_halfway_leaves_everything_as_it_was(monkeypatch):
    """Committed data and the hand-over's own transaction (not a test's savepoint): the
    seats, rituals and API tokens have moved when the feed tokens' revocation fails."""
    lead = LeadFactory(username="boss")
    matrix = raci_services.matrix_create(title="RACI", is_current=True, actor=None,
                                         door=Door.CLI)
    person = _leaving_head("leaving", n=6, matrix=matrix, start=0)
    heir = UserFactory(username="heir")
    before = _state()

    def broken(**kwargs):
        assert Ritual.objects.filter(owner_person=heir).count() == 6  # moved, uncommitted
        raise RuntimeError("the feed token store is down")

    monkeypatch.setattr(cadence_services, "feed_tokens_revoke", broken)
    with pytest.raises(RuntimeError):
        services.person_hand_over(actor=lead, door=Door.API, person=person, successor=heir,
                                  deactivate=True)
    assert _state() == before
