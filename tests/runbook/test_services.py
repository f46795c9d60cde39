import pytest

from revops.models import Door
from runbook import services
from runbook.models import Section


@pytest.mark.django_db
def test_smoke(lead):
    rb = services.runbook_create(title="Main", actor=lead, door=Door.UI)
    secs = list(rb.sections.order_by("position"))
    assert [s.kind for s in secs][0] == "strategy" and secs[0].owner.slug == "cro"
    res = services.flag_stale_sections(door=Door.TASK)
    assert len(res.newly_flagged) == 6
    r = services.section_review(section=secs[0], actor=lead, door=Door.API, note="ok")
    assert r.pk and secs[0].stale_flags.filter(closed_at__isnull=True).count() == 0
    rev = services.section_revise(
        section=secs[1], body="# hi", base_revision=1, actor=lead, door=Door.UI
    )
    assert rev.number == 2
    with pytest.raises(services.RevisionConflict):
        services.section_revise(
            section=Section.objects.get(pk=secs[1].pk),
            body="x", base_revision=1, actor=lead, door=Door.UI,
        )
    rel = services.release_create(runbook=rb, name="v", actor=lead, door=Door.UI)
    assert rel.number == 1 and len(rel.warnings) == 4
    print(services.flag_stale_sections(door=Door.TASK))
