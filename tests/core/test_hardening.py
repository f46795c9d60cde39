import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_repeated_failed_sign_ins_lock_the_account_out(viewer):
    from tests.factories import PASSWORD

    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": viewer.username, "password": "nope"})
    response = client.post("/accounts/login/",
                           {"username": viewer.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_forms_are_csrf_protected(viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post("/accounts/tokens/", {"name": "x", "scope": "read"})
    assert response.status_code == 403


def test_api_is_throttled_per_principal(api, viewer, lead, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"principal": "3/min"})
    api.as_user(viewer)
    codes = [api.get("/api/v1/functions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api.as_user(lead).get("/api/v1/functions/").status_code == 200


def test_the_api_schema_needs_a_signed_in_user(api):
    assert api.get("/api/schema/").status_code == 401


def test_feed_tokens_in_paths_are_redacted_from_logs():
    import logging

    from revops.logfilters import RedactSecrets

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", ("/cadence/feed/s3cr3t-token.ics",), None)
    RedactSecrets().filter(record)
    assert record.getMessage() == "Not Found: /cadence/feed/[redacted].ics"


def test_a_too_large_api_body_is_a_json_400(api, lead, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.as_user(lead).patch(
        "/api/v1/functions/sales/", {"name": "x" * 5000}, format="json"
    )
    assert response.status_code == 400
    assert "too large" in response.json()["non_field_errors"][0]
