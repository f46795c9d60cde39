"""``tests.demo``: the copy of the demo it puts back is, row for row and key for key, what
``load_demo`` made, and it runs the command whenever it cannot be sure of that."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction

from revops.defaults import ensure_defaults
from revops.models import Function
from tests import demo

pytestmark = pytest.mark.django_db(transaction=True)


def contents():
    return {model._meta.label: sorted(map(repr, model._base_manager.values_list(
        *[field.attname for field in model._meta.concrete_fields]))) for model in demo._models()}


def back_to_the_defaults():
    """What the end of a transactional test does, and the defaults' fixture after it."""
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    ensure_defaults(Function, Group)


@pytest.fixture
def commands(monkeypatch):
    """Each run of the command, counted (and still run)."""
    runs = []

    def counted(*args, **kwargs):
        runs.append(args)
        return call_command(*args, **kwargs)

    monkeypatch.setattr(demo, "call_command", counted)
    return runs


def test_the_copy_put_back_is_the_demo_the_command_made(commands, monkeypatch):
    monkeypatch.setattr(demo, "_copy", None)
    demo.load()
    made = contents()
    back_to_the_defaults()

    demo.load()

    assert len(commands) == 1
    assert contents() == made
    assert Function.objects.get(slug="sales").head.username == "sales"
    # New rows take keys after the copy's (PostgreSQL's sequences were moved on).
    assert get_user_model().objects.create(username="new").pk > max(
        get_user_model().objects.exclude(username="new").values_list("pk", flat=True))


def test_a_copy_put_back_and_rolled_back_leaves_every_key_to_come_free(commands, monkeypatch):
    """As the module-wide demo does: the defaults, back after a flush with higher keys than
    the copy's, return with the rollback; new rows must not take their keys."""
    monkeypatch.setattr(demo, "_copy", None)
    demo.load()
    back_to_the_defaults()
    with transaction.atomic():
        demo.load()
        transaction.set_rollback(True)

    assert len(commands) == 1
    Function.objects.create(slug="ops", name="Operations", position=7)
    get_user_model().objects.create(username="new")


def test_rows_made_before_the_demo_make_it_run_the_command(commands):
    demo.load()  # the command, or the copy of an earlier test's
    back_to_the_defaults()
    get_user_model().objects.create(username="early")
    runs = len(commands)

    demo.load()

    assert len(commands) == runs + 1
    assert get_user_model().objects.filter(username__in=["early", "lead"]).count() == 2


def test_a_function_changed_before_the_demo_makes_it_run_the_command(commands):
    demo.load()  # the command, or the copy of an earlier test's
    back_to_the_defaults()
    Function.objects.filter(slug="cs").update(name="Customer Success & Support")
    runs = len(commands)

    demo.load()

    assert len(commands) == runs + 1
    assert Function.objects.get(slug="cs").name == "Customer Success & Support"


def test_a_copy_older_than_its_limit_makes_it_run_the_command(commands, monkeypatch):
    demo.load()  # the command, or the copy of an earlier test's
    back_to_the_defaults()
    runs = len(commands)
    monkeypatch.setitem(demo._copy, "taken", demo._copy["taken"] - demo.MAX_AGE_SECONDS)

    demo.load()

    assert len(commands) == runs + 1
