"""The cadence's periodic jobs on a real Celery worker and broker."""

import time

import pytest
from django.conf import settings

from cadence import tasks
from cadence.models import Occurrence
from tests.cadence.factories import ritual as make_ritual


def test_every_cadence_job_is_in_the_beat_schedule():
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"cadence.tasks.materialize_occurrences", "cadence.tasks.mark_missed_occurrences",
            "cadence.tasks.send_reminders"} <= names


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_materialize_runs_on_a_real_worker(celery_worker):
    r = make_ritual()
    r.occurrences.all().delete()
    # An explicit connection and polling the database (see the run book's worker test).
    with celery_worker.connection_for_write() as connection_:
        tasks.materialize_occurrences.apply_async(connection=connection_)
    deadline = time.monotonic() + 20
    while Occurrence.objects.filter(ritual=r).count() < 52 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Occurrence.objects.filter(ritual=r).count() >= 52
