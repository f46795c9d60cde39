"""Demo people: a RevOps lead, a head for every function, and a viewer."""

from django.contrib.auth import get_user_model

from revops import policy
from revops.models import Function

PASSWORD = "demo-pass-2026"

# (username, first, last, function slug or None, in leads group). The lead's rights come
# from the RevOps seat, not the group, so that handing the seat over hands them over.
PEOPLE = [
    ("lead", "Riley", "Okafor", "revops", False),
    ("cro", "Morgan", "Vance", "cro", False),
    ("marketing", "Priya", "Raman", "marketing", False),
    ("sales", "Diego", "Alvarez", "sales", False),
    ("cs", "Hannah", "Kowalski", "cs", False),
    ("finance", "Tomas", "Lindqvist", "finance", False),
    ("viewer", "Sam", "Taylor", None, False),
]

LOGINS = [
    ("lead", "RevOps lead: everything"),
    ("sales", "Head of Sales: the console, Sales-owned things"),
    ("viewer", "Viewer: read only"),
]


def load_people():
    """Create (once) the demo users and make each the head of their function."""
    User = get_user_model()
    leads = policy.ensure_leads_group()
    people = {}
    for username, first, last, slug, is_lead in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last,
                      "email": f"{username}@example.com"},
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        if is_lead:
            user.groups.add(leads)
        if slug:
            Function.objects.filter(slug=slug, head__isnull=True).update(head=user,
                                                                          vacant_since=None)
            if not user.is_staff:
                User.objects.filter(pk=user.pk).update(is_staff=True)
        people[username] = user
    return people
