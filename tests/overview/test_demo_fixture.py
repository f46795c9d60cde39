"""``tests.demo``: the demo goes over default functions a flush made again under new keys,
and a rollback leaves every key to come free (on PostgreSQL a sequence is not rolled back)."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from revops.defaults import ensure_defaults
from revops.models import Function
from tests import demo

pytestmark = pytest.mark.django_db


def test_the_demo_keeps_the_keys_the_defaults_have_and_a_rollback_frees_every_key_after():
    with transaction.atomic():
        demo.load()  # the fixture is made, if no test before has made it
        transaction.set_rollback(True)
    Function.objects.all().delete()  # as a transactional test's flush, then the defaults
    ensure_defaults(Function, Group)
    keys = dict(Function.objects.values_list("slug", "pk"))

    with transaction.atomic():
        demo.load()
        assert dict(Function.objects.values_list("slug", "pk")) == keys
        assert Function.objects.get(slug="cs").head.username == "cs"
        transaction.set_rollback(True)

    for i in range(len(keys) + 1):
        Function.objects.create(slug=f"new-{i}", name=f"New {i}", position=10 + i)
