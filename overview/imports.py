"""Model files too large to import within a request: kept in a ``ModelImport`` row and
imported by a worker (``tasks.import_model_file`` → ``model_file.run_import``). The
caller gets the row at once and reads its status until it is done."""

from django.core.exceptions import ValidationError
from django.db import transaction

from overview import model_file, tasks
from overview.models import ModelImport
from revops import policy


@transaction.atomic
def model_import_queue(*, raw, replace, actor, door):
    """Keep ``raw`` (the file's bytes) for a worker to import as ``actor``; the worker
    starts after this transaction commits. Only a lead may, as for any import. A file
    beyond ``MAX_FILE_BYTES`` is refused here, before it is stored; every other problem
    is the import's and ends in the row's ``errors``."""
    policy.require_administer(actor)
    if len(raw) > model_file.MAX_FILE_BYTES:
        raise ValidationError({"file": [model_file.TOO_LARGE]})
    job = ModelImport.objects.create(document=raw, size=len(raw), replace=replace,
                                     requested_by=actor, door=door)
    transaction.on_commit(lambda: tasks.import_model_file.delay(str(job.pk)))
    return job


def model_import_for(*, pk, actor):
    """The import ``pk`` for a lead to read, or None when there is no such import."""
    policy.require_administer(actor)
    return ModelImport.objects.defer("document").filter(pk=pk).first()
