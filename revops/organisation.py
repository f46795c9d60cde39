"""The organisation's settings (``revops.models.Organisation``), read many times a request.

The value is cached in the process and forgotten at the start of every request and every
Celery task and when a lead changes it, so a page or a scan reads the row once and every
process sees a change from its next request or task on. Until a lead saves the settings
there is no row and the environment's values stand: an existing install keeps its
``REVOPS_FISCAL_YEAR_START_MONTH``."""

from celery.signals import task_prerun
from django.core.signals import request_started
from django.db import transaction

from revops.models import Organisation, configured_fiscal_year_start_month

_UNREAD = object()
_cache = {"row": _UNREAD}


def forget(**_):
    _cache["row"] = _UNREAD


request_started.connect(forget, dispatch_uid="revops.organisation.forget")
task_prerun.connect(forget, dispatch_uid="revops.organisation.forget")


def saved():
    """The saved settings row, or None when a lead never saved them."""
    if _cache["row"] is _UNREAD:
        _cache["row"] = Organisation.objects.filter(pk=Organisation.SINGLETON).first()
    return _cache["row"]


def current():
    """The settings as they stand: the saved row, or an unsaved one holding the
    environment's values."""
    return saved() or Organisation()


def fiscal_year_start_month():
    row = saved()
    return row.fiscal_year_start_month if row else configured_fiscal_year_start_month()


def changed():
    """Call after writing the row: this process forgets it now (the writer's transaction
    reads the new value) and again once it commits (a rolled-back change is not kept)."""
    forget()
    transaction.on_commit(forget)
