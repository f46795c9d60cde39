"""One registry (revops.registry): each app registers its events and fills the slots of
the pages below it in its ``AppConfig.ready()``; the core names no app's event."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from revops import registry

# A contract with integrations: webhooks subscribe to these names.
WEBHOOK_EVENTS = {
    "section.revised", "section.reviewed", "section.stale", "section.escalated",
    "section.concern_raised", "section.concern_resolved", "release.created",
    "definition.revised", "definition.reviewed", "definition.agreed", "definition.stale",
    "definition.escalated", "raci.changed", "raci.edited", "raci.signed_off",
    "ritual.changed", "occurrence.recorded", "occurrence.missed", "occurrence.recapped",
    "action.closed", "person.handed_over",
    "person.departure_recorded", "person.departed", "person.handover_accepted",
    "seat.changed", "maturity.assessed", "organisation.changed", "proposal.opened",
    "proposal.approved", "proposal.rejected", "proposal.applied", "metric.value_recorded",
    "metric.target_set", "metric.off_track", "metric.back_on_track",
}
CHANNEL_EVENTS = {
    "section.stale": "Section went stale",
    "section.escalated": "Stale section escalated",
    "section.concern_raised": "Concern raised on a section",
    "occurrence.missed": "Ritual missed",
    "occurrence.recapped": "Ritual recap",
    "raci.changed": "Sign-off needed after a RACI change",
    "maturity.assessed": "Quarterly maturity assessed",
    "proposal.opened": "Change proposed",
    "proposal.approved": "Change approved",
    "proposal.rejected": "Change rejected",
    "proposal.applied": "Change applied",
    "metric.off_track": "Metric off track two periods running",
}


def test_the_apps_register_every_event_integrations_subscribe_to_and_no_other():
    assert set(registry.webhook_events()) == WEBHOOK_EVENTS
    assert len(registry.webhook_events()) == len(WEBHOOK_EVENTS)
    assert dict(registry.channel_event_choices()) == CHANNEL_EVENTS


def test_each_app_lists_its_events_in_its_own_order():
    names = registry.webhook_events()
    sections = [n for n in names if n.startswith("section.")]
    assert sections == ["section.revised", "section.reviewed", "section.stale",
                        "section.escalated", "section.concern_raised",
                        "section.concern_resolved"]


def test_an_event_registered_again_differently_is_a_configuration_error():
    registry.add_events(registry.Event("seat.changed", "Seat changed"))  # the same: harmless
    with pytest.raises(ImproperlyConfigured, match="seat.changed"):
        registry.add_events(registry.Event("seat.changed", "A seat moved", channels=True))


def test_an_unregistered_event_reads_as_its_name_and_has_no_describer():
    assert registry.label("nobody.registered") == "nobody.registered"
    assert registry.describer("nobody.registered") is None
    assert not registry.is_event("nobody.registered")


def test_a_slot_shows_what_its_providers_make_leaving_out_those_with_nothing():
    registry.add_panel("test.slot", lambda **context: None)
    registry.add_panel("test.slot", lambda *, n, **context: {"title": f"n={n}"})
    assert registry.panels("test.slot", n=3) == [{"title": "n=3"}]
    assert registry.panels("no.such.slot", n=3) == []


def test_listeners_hear_what_happened_in_order_and_a_refusal_reaches_the_teller():
    heard = []
    registry.add_listener("test.happened", lambda **context: heard.append(("first", context)))
    registry.add_listener("test.happened", lambda **context: heard.append(("second", context)))
    registry.tell("test.happened", n=1)
    registry.tell("nobody.listens", n=2)
    assert heard == [("first", {"n": 1}), ("second", {"n": 1})]

    def refuse(**context):
        raise ValueError("no")

    registry.add_listener("test.refused", refuse)
    with pytest.raises(ValueError):
        registry.tell("test.refused")
