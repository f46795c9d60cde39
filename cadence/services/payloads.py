"""What the cadence's webhooks say about a ritual and an occurrence."""

from django.conf import settings


def ritual_payload(ritual):
    return {
        "id": ritual.pk,
        "name": ritual.name,
        "horizon": ritual.horizon,
        "layer": ritual.layer,
        "owner": ritual.owner.slug if ritual.owner_id else None,
        "rrule": ritual.rrule,
        "timezone": ritual.timezone,
        "active": ritual.active,
        "url": f"{settings.REVOPS_SITE_URL.rstrip('/')}{ritual.get_absolute_url()}",
    }


def occurrence_payload(occurrence):
    return {
        "id": occurrence.pk,
        "ritual": occurrence.ritual_id,
        "ritual_name": occurrence.ritual.name,
        "scheduled_for": occurrence.scheduled_for,
        "status": occurrence.status,
        "notes": occurrence.notes,
        "reviewed_sections": [s.pk for s in occurrence.reviewed_sections.all()],
    }
