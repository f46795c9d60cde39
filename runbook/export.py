"""The run book, or one of its releases, as a single document: Markdown or print HTML."""

from dataclasses import dataclass

from django.utils import timezone

from revops import people
from runbook import selectors


@dataclass
class ExportSection:
    kind: str
    title: str
    owner: str
    revision: int | None
    review_state: str
    last_reviewed_on: object
    last_reviewed_by: str
    body: str
    body_html: str


@dataclass
class ExportDocument:
    title: str
    subtitle: str
    sections: list
    filename: str


def runbook_document(runbook, *, today=None):
    today = today or timezone.localdate()
    in_runbook = selectors.sections_with_state(runbook=runbook, today=today)
    sections = list(in_runbook)
    current = selectors.current_revisions(in_runbook)
    return ExportDocument(
        title=runbook.title,
        subtitle=f"Current text as of {today:%Y-%m-%d}"
        + (f" · latest release v{runbook.version}" if runbook.version else ""),
        sections=[
            ExportSection(
                kind=s.kind,
                title=s.title,
                owner=s.owner.name,
                revision=s.revision,
                review_state=s.review_state,
                last_reviewed_on=s.last_reviewed_on,
                last_reviewed_by=people.name_of(s.last_reviewed_by),
                body=current[s.pk].body if s.pk in current else "",
                body_html=current[s.pk].body_html if s.pk in current else "",
            )
            for s in sections
        ],
        filename=f"runbook-{runbook.pk}-{today:%Y%m%d}",
    )


def release_document(release):
    entries = list(selectors.release_entries(release).select_related("section__owner"))
    return ExportDocument(
        title=f"{release.runbook.title} — {release.label} {release.name}",
        subtitle=f"Released {timezone.localtime(release.created_at):%Y-%m-%d}",
        sections=[
            ExportSection(
                kind=e.section.kind,
                title=e.section.title,
                owner=e.section.owner.name,
                revision=e.revision.number if e.revision else None,
                review_state=e.review_state,
                last_reviewed_on=e.last_reviewed_on,
                last_reviewed_by=e.last_reviewed_by_name,
                body=e.revision.body if e.revision else "",
                body_html=e.revision.body_html if e.revision else "",
            )
            for e in entries
        ],
        filename=f"runbook-{release.runbook_id}-{release.label}",
    )


def as_markdown(document):
    """One Markdown file: a title, then each section under its own heading with its
    owner and review stamp. Section bodies keep their own headings, pushed one level down."""
    out = [f"# {document.title}", "", f"_{document.subtitle}_", ""]
    for s in document.sections:
        reviewed = (
            f"last reviewed {s.last_reviewed_on:%Y-%m-%d}"
            + (f" by {s.last_reviewed_by}" if s.last_reviewed_by else "")
            if s.last_reviewed_on
            else "never reviewed"
        )
        out += [
            f"## {s.title}",
            "",
            f"> Owner: {s.owner} · revision {s.revision or '—'} · {reviewed} ({s.review_state})",
            "",
            _demote_headings(s.body).rstrip(),
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def _demote_headings(body):
    lines = []
    fenced = False
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)
