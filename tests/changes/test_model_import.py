"""A model import is a lead's restore of a whole model: it never edits a governed item in
place. Replacing the model sets the governed definition aside, its text and history
kept, and what the file brings in is governed again (a definition by default), so the
next change to it goes through a proposal."""

import json

import pytest

from overview import model_file
from revops import governance
from revops.models import Door
from runbook import services as runbook_services
from runbook.models import Definition

pytestmark = pytest.mark.django_db


def test_a_replacing_import_keeps_the_governed_definition_and_governs_the_new_one(mql,
                                                                                  people):
    document = json.loads(json.dumps(model_file.export_model()))
    document["definitions"][0]["revisions"][-1]["body"] = "Changed in the file."
    model_file.import_model(document=document, actor=people["lead"], door=Door.CLI,
                            replace=True)
    kept = Definition.objects.get(pk=mql.pk)
    assert kept.term.startswith("MQL") and "archived" in kept.term
    assert kept.revision == 1
    assert kept.revisions.get().body == "A lead with a **score** of 60 or more."
    new = Definition.objects.get(slug="mql")
    assert new.governed
    with pytest.raises(governance.Governed):
        runbook_services.definition_revise(definition=new, body="Direct.",
                                           base_revision=new.revision,
                                           actor=people["marketing"], door=Door.CLI)
