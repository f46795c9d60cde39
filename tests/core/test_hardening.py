import pytest
from django.test import Client, override_settings

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


def test_api_is_throttled_per_principal(api, viewer, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "principal": "3/min"}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK,
                                           "DEFAULT_THROTTLE_RATES": rates}):
        api_settings.reload()
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        try:
            api.as_user(viewer)
            codes = [api.get("/api/v1/functions/").status_code for _ in range(4)]
        finally:
            api_settings.reload()
            SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [200, 200, 200, 429]
