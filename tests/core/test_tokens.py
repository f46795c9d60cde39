from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from cadence.models import FeedToken
from revops import services
from revops.models import ApiToken, AuditEntry, Door

pytestmark = pytest.mark.django_db


def make_token(user, scope="read", **kwargs):
    return services.api_token_create(actor=user, door=Door.CLI, user=user, name="t",
                                     scope=scope, **kwargs)


def bearer(api, raw):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


# --- What every hashed token does, API and calendar feed alike ----------------------

KINDS = pytest.mark.parametrize("kind", [ApiToken, FeedToken], ids=["api", "feed"])


def issue(kind, user, **fields):
    if kind is ApiToken:
        fields = {"name": "t", "scope": ApiToken.Scope.READ, **fields}
    token, raw = kind.issue(user=user, **fields)
    token.full_clean()
    token.save()
    return token, raw


@KINDS
def test_a_token_is_known_by_its_digest_and_shows_only_a_prefix(kind, lead):
    token, raw = issue(kind, lead)
    assert raw.startswith(kind.KIND + token.prefix) and len(token.prefix) == kind.PREFIX_LENGTH
    assert token.digest == kind.digest_of(raw)
    assert kind.authenticate(raw) == token
    assert kind.authenticate(raw + "x") is None
    assert kind.authenticate("") is None


@KINDS
def test_a_token_stops_working_when_it_expires(kind, lead, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    token, raw = issue(kind, lead, expires_at=timezone.now() + timedelta(hours=1))
    assert token.state == "active" and kind.authenticate(raw) == token
    time_machine.move_to("2026-05-04 10:00Z", tick=False)
    assert token.is_expired and token.state == "expired"
    assert kind.authenticate(raw) is None


@KINDS
def test_a_revoked_token_stops_working_and_says_revoked_even_once_expired(kind, lead,
                                                                         time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    token, raw = issue(kind, lead, expires_at=timezone.now() + timedelta(hours=1))
    token.revoked_at = timezone.now()
    token.save()
    assert token.state == "revoked" and kind.authenticate(raw) is None
    time_machine.move_to("2026-05-04 11:00Z", tick=False)
    assert token.state == "revoked"


@KINDS
def test_a_token_of_a_deactivated_user_stops_working(kind, viewer):
    _, raw = issue(kind, viewer)
    viewer.is_active = False
    viewer.save()
    assert kind.authenticate(raw) is None


@KINDS
def test_last_use_is_written_at_most_once_a_minute(kind, lead, time_machine,
                                                   django_assert_num_queries):
    time_machine.move_to("2026-05-04 09:00:00Z", tick=False)
    token, raw = issue(kind, lead)
    assert token.last_used_at is None
    kind.authenticate(raw)
    time_machine.move_to("2026-05-04 09:01:00Z", tick=False)
    with django_assert_num_queries(1):  # the lookup; no write
        kind.authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-05-04T09:00:00+00:00"
    time_machine.move_to("2026-05-04 09:01:01Z", tick=False)
    kind.authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at.isoformat() == "2026-05-04T09:01:01+00:00"


# --- API tokens through their doors -------------------------------------------------


def test_the_raw_token_is_stored_nowhere_in_the_database(lead):
    token, raw = make_token(lead, "write")
    found = []
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, models.CharField | models.TextField | models.JSONField)]
        for name in text_fields:
            try:
                if model.objects.filter(**{f"{name}__icontains": raw[4:]}).exists():
                    found.append(f"{model._meta.label}.{name}")
            except Exception:  # noqa: BLE001 - a lookup a backend cannot do on a field
                continue
    assert found == []
    assert token.digest == ApiToken.digest_of(raw) and raw.startswith("rvo_" + token.prefix)


def test_a_token_acts_as_its_user(api, lead):
    _, raw = make_token(lead)
    response = bearer(api, raw).get("/api/v1/functions/")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("raw", ["rvo_not-a-real-token", ""])
def test_a_bad_token_gets_401(api, raw):
    response = bearer(api, raw).get("/api/v1/functions/")
    assert response.status_code == 401


def test_a_revoked_token_gets_401(api, lead):
    token, raw = make_token(lead)
    services.api_token_revoke(actor=lead, door=Door.UI, token=token)
    assert bearer(api, raw).get("/api/v1/functions/").status_code == 401


def test_an_expired_token_gets_401(api, lead, time_machine):
    _, raw = make_token(lead, expires_at=timezone.now() + timedelta(days=1))
    assert bearer(api, raw).get("/api/v1/functions/").status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert bearer(api, raw).get("/api/v1/functions/").status_code == 401


def test_a_read_token_cannot_write_even_for_a_lead(api, lead):
    _, raw = make_token(lead, "read")
    response = bearer(api, raw).patch("/api/v1/functions/sales/", {"name": "X"}, format="json")
    assert response.status_code == 403
    assert "read scope" in response.json()["detail"]


def test_a_write_token_writes_as_its_user(api, lead):
    _, raw = make_token(lead, "write")
    response = bearer(api, raw).patch("/api/v1/functions/sales/", {"name": "X"}, format="json")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(actor=lead, door=Door.API, action="update").exists()


@pytest.mark.parametrize("method", ["get", "patch"])
def test_a_scim_token_is_refused_by_the_rest_api_whatever_the_method(api, lead, method):
    _, raw = make_token(lead, "scim")
    response = getattr(bearer(api, raw), method)("/api/v1/functions/sales/", {"name": "X"},
                                                 format="json")
    assert response.status_code == 403
    assert "/scim/v2/" in response.json()["detail"]
    assert not AuditEntry.objects.filter(door=Door.API).exists()


def test_create_api_token_command_prints_the_token_alone_on_the_last_line(api, lead, capsys):
    call_command("create_api_token", "lead", "--scope", "write")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("rvo_") and " " not in raw
    assert ApiToken.objects.get().scope == "write"
    assert bearer(api, raw).get("/api/v1/functions/").status_code == 200


def test_create_api_token_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="username"):
        call_command("create_api_token", "nobody")


def test_tokens_page_shows_the_token_once_then_only_the_prefix(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/tokens/", {"name": "BI sync", "scope": "read"})
    token = ApiToken.objects.get(user=viewer)
    html = response.content.decode()
    raw = html.split('id="raw-token" class="token" value="')[1].split('"')[0]
    assert ApiToken.digest_of(raw) == token.digest
    again = client.get("/accounts/tokens/").content.decode()
    assert raw not in again and f"{token.prefix}…" in again


def test_tokens_page_revokes_only_your_own_tokens(client, viewer, lead):
    token, _ = make_token(lead)
    client.force_login(viewer)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(lead)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_names_the_field_on_bad_input(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/tokens/", {"name": "", "scope": "admin"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scope"}
    past = client.post("/accounts/tokens/",
                       {"name": "x", "scope": "read", "expires_at": "2000-01-01"})
    assert past.status_code == 400
    assert "expires_at" in past.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_token_expiring_today_works_through_the_day(client, viewer, time_machine):
    time_machine.move_to("2026-05-04 09:00Z")
    client.force_login(viewer)
    client.post("/accounts/tokens/", {"name": "x", "scope": "read", "expires_at": "2026-05-04"})
    assert ApiToken.objects.get().expires_at.isoformat() == "2026-05-05T00:00:00+00:00"


def test_a_token_expiring_on_a_day_works_until_midnight_in_the_configured_zone(
        lead, settings, time_machine):
    settings.TIME_ZONE = "America/New_York"
    time_machine.move_to("2026-05-04 23:00-04:00", tick=False)
    token, raw = make_token(lead, expires_on=timezone.localdate())
    assert token.expires_at == datetime.fromisoformat("2026-05-05T04:00:00+00:00")
    time_machine.move_to("2026-05-04 23:59:59-04:00", tick=False)
    assert ApiToken.authenticate(raw) == token
    time_machine.move_to("2026-05-05 00:00-04:00", tick=False)
    assert ApiToken.authenticate(raw) is None


def test_tokens_page_shows_each_tokens_state(client, viewer, time_machine):
    time_machine.move_to("2026-05-04 09:00Z", tick=False)
    make_token(viewer, expires_on=timezone.localdate())
    services.api_token_revoke(actor=viewer, door=Door.UI, token=make_token(viewer)[0])
    make_token(viewer)
    time_machine.move_to("2026-05-05 09:00Z", tick=False)
    client.force_login(viewer)
    html = client.get("/accounts/tokens/").content.decode()
    assert [html.count(f">{state}</span>") for state in ("active", "expired", "revoked")] \
        == [1, 1, 1]
