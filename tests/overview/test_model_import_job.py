"""Model files too large for a request (issue 29 §8): 202 with a ``Location`` naming a
status resource, imported by a Celery task (eager here, a real worker in CI) with the
same all-or-nothing load, the same errors and the same audit entry as a 201."""

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from overview import imports, model_file, tasks
from overview.models import ModelImport
from revops.models import AuditEntry, Door, Function
from tests.overview.test_model_file import (
    _broken,
    _motion,
    _two_accountables,
    exported_then_rolled_back,
    row_counts,
)

pytestmark = pytest.mark.django_db


def large(document):
    """The document as a file just over the threshold: JSON padded with whitespace."""
    text = json.dumps(document)
    return (text + " " * (model_file.BACKGROUND_IMPORT_BYTES + 1 - len(text))).encode()


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post a model file; what the request queued after its commit runs as it ends (the
    test's transaction never commits)."""
    def post(client, raw, **extra):
        upload = SimpleUploadedFile("model.json", raw, "application/json")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/v1/model/import/", {"file": upload, **extra},
                               format="multipart")
    return post


def imports_audited():
    return AuditEntry.objects.filter(action="import", object_type="model")


def test_a_large_file_is_accepted_with_202_and_its_status_resource_says_what_was_written(
        api, lead, post):
    client = api.as_user(lead)
    answer = post(client, large(exported_then_rolled_back(_motion("sales-led"))))
    assert answer.status_code == 202, answer.content
    location = answer["Location"]
    job = ModelImport.objects.get()
    assert location == f"http://testserver/api/v1/model/imports/{job.pk}/"
    status = client.get(location)
    assert status.status_code == 200
    body = status.json()
    assert body["id"] == str(job.pk) and body["status"] == "succeeded"
    assert body["errors"] == {} and body["finished_at"] is not None
    assert body["summary"]["functions"] == Function.objects.count() > 0
    entry = imports_audited().get()
    assert (entry.actor, entry.door) == (lead, Door.API)
    assert {name: new for name, (_, new) in entry.changes.items()} == body["summary"]
    assert ModelImport.objects.get().document is None  # kept only until done


def test_a_small_file_keeps_the_synchronous_201_and_no_job(api, lead, post):
    raw = json.dumps(exported_then_rolled_back(_motion("sales-led"))).encode()
    assert len(raw) <= model_file.BACKGROUND_IMPORT_BYTES
    answer = post(api.as_user(lead), raw)
    assert answer.status_code == 201, answer.content
    assert not answer.has_header("Location") and not ModelImport.objects.exists()


def test_a_failing_large_file_changes_nothing_and_its_status_holds_the_400s_errors(api, lead, post):
    document = _broken(exported_then_rolled_back(_motion("sales-led")), _two_accountables)
    client = api.as_user(lead)
    refused = post(client, json.dumps(document).encode())
    assert refused.status_code == 400
    before = row_counts()
    answer = post(client, large(document))
    assert answer.status_code == 202
    body = client.get(answer["Location"]).json()
    assert body["status"] == "failed" and body["summary"] == {}
    assert body["errors"] == refused.json()
    assert "raci[0].rows[3].cells" in body["errors"]
    after = row_counts()
    assert after.pop("overview.ModelImport") == before.pop("overview.ModelImport") + 1
    assert after == before and not imports_audited().exists()


def test_a_large_file_over_an_existing_model_fails_with_the_409s_words(api, lead, post):
    from overview import bootstrap

    bootstrap.bootstrap(motion="hybrid", actor=None, door="cli")
    client = api.as_user(lead)
    answer = post(client, large(exported_then_rolled_back(_motion("sales-led"))))
    body = client.get(answer["Location"]).json()
    assert body["status"] == "failed"
    assert "already exists" in body["errors"]["detail"] and body["errors"]["existing"]


def test_a_viewer_may_neither_start_an_import_nor_read_one(api, lead, viewer, post):
    raw = large(exported_then_rolled_back(_motion("sales-led")))
    refused = post(api.as_user(viewer), raw)
    assert refused.status_code == 403 and not ModelImport.objects.exists()
    location = post(api.as_user(lead), raw)["Location"]
    assert api.as_user(viewer).get(location).status_code == 403


def test_an_unknown_import_is_a_404(api, lead):
    client = api.as_user(lead)
    assert client.get("/api/v1/model/imports/1f0e6a2e-0000-4000-8000-000000000000/"
                      ).status_code == 404
    assert client.get("/api/v1/model/imports/1/").status_code == 404


def test_running_the_task_twice_imports_once(lead, django_capture_on_commit_callbacks):
    raw = large(exported_then_rolled_back(_motion("sales-led")))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = imports.model_import_queue(raw=raw, replace=False, actor=lead, door=Door.API)
    assert len(queued) == 1 and ModelImport.objects.get().status == "queued"
    tasks.import_model_file.delay(str(job.pk))
    functions = Function.objects.count()
    again = tasks.import_model_file.delay(str(job.pk)).get()
    assert again == {"status": "succeeded"}
    assert imports_audited().count() == 1 and Function.objects.count() == functions


def test_an_import_left_running_by_a_killed_worker_is_run_by_the_next(
        lead, django_capture_on_commit_callbacks):
    raw = large(exported_then_rolled_back(_motion("sales-led")))
    with django_capture_on_commit_callbacks(execute=False):
        job = imports.model_import_queue(raw=raw, replace=False, actor=lead, door=Door.API)
    ModelImport.objects.filter(pk=job.pk).update(status="running")
    assert tasks.import_model_file(str(job.pk)) == {"status": "succeeded"}
    assert imports_audited().count() == 1


def test_an_import_whose_sender_is_gone_fails_rather_than_running_as_the_system(
        lead, django_capture_on_commit_callbacks):
    raw = large(exported_then_rolled_back(_motion("sales-led")))
    with django_capture_on_commit_callbacks(execute=False):
        job = imports.model_import_queue(raw=raw, replace=False, actor=lead, door=Door.API)
    ModelImport.objects.filter(pk=job.pk).update(requested_by=None)
    assert tasks.import_model_file(str(job.pk)) == {"status": "failed"}
    assert "no longer here" in ModelImport.objects.get().errors["detail"]
    assert not imports_audited().exists()


def test_the_schema_documents_the_202_with_its_location_and_the_status_resource(api, lead):
    schema = api.as_user(lead).get("/api/schema/", {"format": "json"}).json()
    responses = schema["paths"]["/api/v1/model/import/"]["post"]["responses"]
    assert {"201", "202"} <= set(responses)
    assert "Location" in responses["202"]["headers"]
    status = schema["paths"]["/api/v1/model/imports/{id}/"]["get"]["responses"]["200"]
    ref = status["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"id", "status", "errors", "summary", "created_at", "finished_at"} <= set(properties)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_a_large_file_through_redis(celery_worker, lead):
    raw = large(exported_then_rolled_back(_motion("sales-led")))
    job = imports.model_import_queue(raw=raw, replace=False, actor=lead, door=Door.API)
    for _ in range(300):
        job.refresh_from_db(fields=["status"])
        if job.status in ModelImport.DONE:
            break
        time.sleep(0.1)
    assert job.status == "succeeded"
    assert imports_audited().count() == 1
