"""CSV import: every line previewed (new, correction, unchanged) before anything is
written; then all or nothing, each bad line named by its line in the file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.models import MetricValue
from tests.insights.factories import make_metric, send

pytestmark = pytest.mark.django_db
URL = "/scorecard/import/"


def upload(client, text, name="values.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_a_file_is_previewed_then_imported(client, lead):
    metric = make_metric()
    send(metric, "2026-W48", 20)
    send(metric, "2026-W47", 19)
    client.force_login(lead)
    text = "period,value,metric,note\n2026-W49,25,win-rate,x\n2026-W48,21,win-rate,\n" \
           "2026-W47,19,win-rate,\n"
    preview = upload(client, text).content.decode()
    assert "Preview: 3 values from values.csv" in preview
    assert "new" in preview and "corrects 20 %" in preview and "unchanged" in preview
    assert MetricValue.objects.filter(metric=metric).count() == 2  # nothing written yet
    done = client.post(URL, {"csv_text": text, "name": "values.csv", "import": "1"})
    assert done.status_code == 302
    values = dict(MetricValue.objects.filter(metric=metric).values_list("period", "value"))
    assert values == {"2026-W47": 19, "2026-W48": 21, "2026-W49": 25}
    assert MetricValue.objects.get(period="2026-W49").source == "CSV values.csv"


@pytest.mark.parametrize("text, words", [
    ("metric,value\nwin-rate,3\n", "missing period"),
    ("", "empty"),
    ("metric,period,value\n", "no values"),
    ("metric,period,value\nwin-rate,2026-12,3\nwin-rate,2026-W49,x\n", "Line 2, period"),
])
def test_a_bad_file_imports_nothing_and_says_what_to_fix(client, lead, text, words):
    make_metric()
    client.force_login(lead)
    response = upload(client, text)
    assert response.status_code == 400 and words in response.content.decode()
    assert "Line 3, value" in response.content.decode() or "Line" not in words
    assert not MetricValue.objects.exists()


def test_bytes_that_are_not_text_are_a_400(client, lead):
    client.force_login(lead)
    response = client.post(URL, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00\x01")})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_a_viewer_may_not_import(client, viewer):
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
