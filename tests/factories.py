"""factory_boy factories of the shared core. App factories live beside their tests
in ``tests/<app>/factories.py`` and build on these."""

import factory
from django.contrib.auth import get_user_model

from revops import policy
from revops.models import Function

PASSWORD = "pw-for-tests-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class LeadFactory(UserFactory):
    username = factory.Sequence(lambda n: f"lead{n}")

    @factory.post_generation
    def leads_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(policy.ensure_leads_group())


def function(slug):
    return Function.objects.get(slug=slug)


def make_head(slug, username=None):
    """Make a user the head of an existing function (and staff, as the service does)."""
    user = UserFactory(username=username or f"head-{slug}", is_staff=True)
    Function.objects.filter(slug=slug).update(head=user)
    return user
