"""Adherence over the last 4 and 13 weeks, per horizon, per owner function and per week,
counted against a hand-built history (the ``adherence_past`` fixture) with time frozen on
Wednesday 2026-10-14."""

from datetime import UTC, date, datetime

import pytest

from cadence import adherence

pytestmark = pytest.mark.django_db



def counts(tally):
    return tally.held, tally.skipped, tally.missed, tally.held_rate


def test_last_4_weeks_per_horizon_start_on_monday_and_count_recorded_outcomes(
        adherence_past):
    report = adherence.adherence(weeks=4)

    assert report.start == datetime(2026, 9, 21, tzinfo=UTC)
    assert {h: counts(t) for h, t in report.by_horizon.items()} == {
        "daily": (1, 0, 1, 0.5),
        "weekly": (2, 1, 1, 0.5),
        "monthly": (1, 0, 0, 1.0),
        "quarterly": (0, 0, 0, None),
    }
    assert counts(report.total) == (4, 1, 2, 0.571)


def test_last_13_weeks_include_the_first_monday_at_midnight(adherence_past):
    report = adherence.adherence(weeks=13)

    assert report.start == datetime(2026, 7, 20, tzinfo=UTC)
    assert counts(report.by_horizon["weekly"]) == (3, 1, 2, 0.5)
    assert counts(report.by_horizon["daily"]) == (2, 0, 1, 0.667)
    assert counts(report.total) == (6, 1, 3, 0.6)


def test_per_owner_function_in_function_order_with_no_owner_last(adherence_past):
    report = adherence.adherence(weeks=4)

    assert [(o.slug, o.name, counts(o.tally)) for o in report.by_owner] == [
        ("sales", "Sales", (2, 1, 1, 0.5)),
        ("cs", "Customer Success", (1, 0, 1, 0.5)),
        (None, "No owner", (1, 0, 0, 1.0)),
    ]


def test_per_week_every_week_of_the_window_oldest_first(adherence_past):
    report = adherence.adherence(weeks=4)

    assert [w.start for w in report.by_week] == [
        date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12)]
    assert [counts(w.by_horizon["weekly"])[:3] for w in report.by_week] == [
        (1, 0, 0), (1, 0, 0), (0, 0, 1), (0, 1, 0)]
    assert counts(report.by_week[3].by_horizon["daily"])[:3] == (1, 0, 1)
    assert counts(report.by_week[1].by_horizon["monthly"])[:3] == (1, 0, 0)


def test_weeks_follow_the_server_time_zone(adherence_past, settings):
    settings.TIME_ZONE = "America/New_York"  # Sunday 23:59 UTC is Sunday 19:59 there

    report = adherence.adherence(weeks=13)

    assert report.start.isoformat() == "2026-07-20T00:00:00-04:00"
    # 2026-07-20 00:00 UTC is still Sunday the 19th in New York: outside the window.
    assert counts(report.by_horizon["weekly"])[:3] == (3, 1, 1)


def test_side_by_side_puts_4_and_13_weeks_in_one_row(adherence_past):
    table = adherence.side_by_side()

    assert [r.weeks for r in table.windows] == [4, 13]
    weekly = dict(table.horizons)["Weekly"]
    assert [counts(t) for t in weekly] == [(2, 1, 1, 0.5), (3, 1, 2, 0.5)]
    assert [name for name, _ in table.owners] == ["Sales", "Customer Success", "No owner"]


def test_cadence_page_shows_the_adherence_section(adherence_past, client, viewer):
    client.force_login(viewer)

    html = client.get("/cadence/").content.decode()

    assert "Adherence" in html
    assert "Last 4 weeks" in html and "Last 13 weeks" in html
    assert "50% held" in html and "2 held · 1 skipped · " in html
