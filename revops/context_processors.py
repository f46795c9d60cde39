from django.utils import timezone

from revops import policy, zones


def roles(request):
    user = getattr(request, "user", None)
    role = policy.role_of(user)
    return {"role": role, "role_label": policy.ROLE_LABELS[role], "is_lead": policy.is_lead(user)}


def time_zone(request):
    """The zone this page's times are in, by IANA name and in words, for the "Times in
    …" line of every page that shows times."""
    name = timezone.get_current_timezone_name()
    return {"viewer_zone": name, "viewer_zone_words": zones.words(name)}
