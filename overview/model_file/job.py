"""A queued model import, run by a worker: the same read, check and all-or-nothing load
as a small file's import within a request, as the lead who sent it and through the door
it came by, so the audit entry reads as it always has.

Idempotent: a run takes the ``ModelImport`` row's lock, and an import already done is
not run again. A worker killed mid-import leaves the row ``running`` with nothing
written (the load is one transaction): the task is acknowledged late, so the broker
hands it to another worker, which imports it."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from overview.bootstrap import hold_model
from overview.model_file.check import read_document
from overview.model_file.load import import_model
from overview.models import ModelImport
from revops.api.exceptions import validation_error_detail
from revops.errors import Conflict, Refused

log = logging.getLogger(__name__)

UNEXPECTED = ("The import stopped on an unexpected error; nothing was written. Send the "
              "file again, or import it with `manage.py import_model`.")


def _started(pk):
    """Mark the import running (its own short transaction, so the status resource shows
    it) unless it is done. Returns whether there is anything to run."""
    with transaction.atomic():
        job = ModelImport.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.status in ModelImport.DONE:
            return False
        job.status, job.started_at = ModelImport.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return True


def run_import(*, model_import_id):
    """Import the file of ``ModelImport`` ``model_import_id`` unless that is done;
    returns the row as it ends. A refusal, a bad file or a model already here fail the
    import with the errors a request would have answered; nothing is written then."""
    if not _started(model_import_id):
        return ModelImport.objects.filter(pk=model_import_id).first()
    with transaction.atomic():
        hold_model()  # advisory locks before any row lock (revops.locks)
        job = ModelImport.objects.select_for_update().get(pk=model_import_id)
        if job.status in ModelImport.DONE:  # another run finished while this one waited
            return job
        try:
            if job.requested_by is None:  # never the system's import: someone sent it
                raise Refused("The person who sent this file is no longer here.")
            with transaction.atomic():
                document = read_document(bytes(job.document))
                job.summary = import_model(document=document, actor=job.requested_by,
                                           door=job.door, replace=job.replace)
            job.status = ModelImport.Status.SUCCEEDED
        except ValidationError as error:
            job.status, job.errors = ModelImport.Status.FAILED, validation_error_detail(error)
        except Conflict as error:
            job.status, job.errors = ModelImport.Status.FAILED, {"detail": str(error),
                                                                 **error.detail()}
        except Refused as error:
            job.status, job.errors = ModelImport.Status.FAILED, {"detail": str(error)}
        except Exception:  # a bug: the row says so rather than staying "running" for ever
            log.exception("model import %s failed", model_import_id)
            job.status, job.errors = ModelImport.Status.FAILED, {"detail": UNEXPECTED}
        job.document, job.finished_at = None, timezone.now()
        job.save(update_fields=["status", "summary", "errors", "document", "finished_at"])
    return job
