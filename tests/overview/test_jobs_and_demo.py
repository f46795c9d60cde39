import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from revops.celery import app as celery_app
from runbook import selectors


def test_every_periodic_job_names_a_registered_task():
    celery_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in celery_app.tasks, f"{name}: {entry['task']} is not a task"


def row_counts():
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"revops", "runbook", "raci", "cadence", "auth"}}


@pytest.mark.django_db
def test_the_demo_loads_and_a_second_run_changes_nothing(capsys):
    call_command("load_demo")
    first = row_counts()
    out = capsys.readouterr().out
    assert "lead" in out and "demo-pass-2026" in out
    call_command("load_demo")
    assert row_counts() == first
    for label in ("runbook.Section", "raci.Row", "cadence.Ritual", "cadence.Occurrence"):
        assert first.get(label), f"the demo has no {label}"


@pytest.mark.django_db
def test_runjobs_runs_every_periodic_job_once(capsys):
    call_command("load_demo")
    call_command("runjobs")
    out = capsys.readouterr().out
    assert "not available" not in out
    for name in settings.CELERY_BEAT_SCHEDULE:
        assert f"{name}:" in out


@pytest.mark.django_db
def test_the_demo_shows_an_escalated_section_and_an_open_concern():
    call_command("load_demo")
    sections = selectors.sections_with_state(today=timezone.localdate())
    escalated = [(s.kind, s.escalated_to) for s in sections if s.escalated_at]
    assert escalated == [("playbooks", "revops")]
    [concern] = selectors.open_concerns_for(None)
    assert (concern.section.kind, concern.raised_by.username) == ("process", "viewer")


def test_the_demo_holds_the_core_definitions_one_changed_since_agreed(db):
    from django.core.management import call_command
    from django.utils import timezone

    from runbook import selectors

    call_command("load_demo", verbosity=0)
    states = {d.slug: d.agreement for d in
              selectors.definitions_with_state(today=timezone.localdate())}
    assert len(states) >= 9 and states["mql"] == "changed" and states["sql"] == "agreed"
    call_command("load_demo", verbosity=0)
    assert len(selectors.definitions_with_state(today=timezone.localdate())) == len(states)
