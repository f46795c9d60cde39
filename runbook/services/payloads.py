"""What the run book's webhooks say about a section and a definition."""

from runbook.choices import Layer


def section_payload(section):
    """What every ``section.*`` webhook says about ``section``."""
    return section_values(id=section.pk, runbook=section.runbook_id, kind=section.kind,
                          title=section.title, owner=section.owner.slug,
                          revision=section.revision)


def section_values(*, id, runbook, kind, title, owner, revision):  # noqa: A002 — the wire name
    """``section_payload`` from plain values (the scan reads no model instances). A
    section of one of the four layer kinds belongs to that layer; the cadence and the
    playbooks sections to none."""
    return {"id": id, "runbook": runbook, "kind": kind,
            "layer": kind if kind in Layer.values else None, "title": title, "owner": owner,
            "revision": revision}


def definition_payload(definition):
    """What every ``definition.*`` webhook says about the definition."""
    return {"id": definition.pk, "term": definition.term, "slug": definition.slug,
            "layer": definition.layer, "owner": definition.owner.slug,
            "revision": definition.revision}
