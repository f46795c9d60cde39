"""The hand-over pack as one Markdown file, meant for reading as text."""

import re

from insights.rules import shown as metric_value
from overview import maturity
from overview.pack.contents import ADHERENCE_WEEKS, BODY_TOP_LEVEL
from revops import people, seats
from revops.models import Layer
from runbook.choices import ReviewState
from runbook.selectors import AgreementState


def shift_markdown_headings(body, *, top=BODY_TOP_LEVEL):
    """The same for Markdown: ATX headings outside fenced code move down."""
    lines = body.splitlines()
    fenced = False
    levels = []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6})\s", line)):
            levels.append(len(m.group(1)))
    if not levels:
        return body
    offset = max(top - min(levels), 0)
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6})(\s.*)", line)):
            line = "#" * min(len(m.group(1)) + offset, 6) + m.group(2)
        out.append(line)
    return "\n".join(out)


def _anchor(heading):
    """The anchor common Markdown viewers (GitHub, GitLab) give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _cell(value):
    return str(value or "").replace("|", "\\|").replace("\n", " ").strip() or "—"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _line(text):
    """Text people wrote, on one line: a list item stays one item."""
    return " ".join(text.split())


def _person(user):
    return people.name_of(user) or "no head"


def _stamp(section):
    if not section.reviewed_on:
        return "never reviewed"
    who = f" by {section.reviewed_by}" if section.reviewed_by else ""
    rev = f" (revision {section.reviewed_revision})" if section.reviewed_revision else ""
    return f"last reviewed {section.reviewed_on:%Y-%m-%d}{who}{rev}"


def to_markdown(pack):
    out = [f"# {pack.title}", ""]
    version = (f"as of release {pack.release.label} “{pack.release.name}”" if pack.release
               else "current working version")
    out += [f"Prepared {pack.today:%Y-%m-%d}, {version}. Readiness (the Friday test): "
            f"**{pack.report.score}%**.", ""]
    if pack.release:
        out += ["The run book is shown as it was at that release; the RACI and the cadence "
                "as they are today.", ""]
    if pack.part is not None and pack.part.has_other_pages():
        out += [f"The model has {pack.part.paginator.count} run books: this part holds "
                f"{pack.part.start_index()} to {pack.part.end_index()} of them, and the "
                "RACI, the cadence and the rest whole.", ""]
    if len(pack.runbooks) > 1:
        out += ["Run books: " + ", ".join(b.title for b in pack.runbooks) + ".", ""]
    gaps = pack.report.gaps
    if gaps:
        out += ["Gaps to close:", ""] + [f"- {g.message}" for g in gaps] + [""]
    else:
        out += ["No gaps: every readiness check passes.", ""]

    out += ["## Contents", "", "1. [People and functions](#people-and-functions)",
            "2. [Run book](#run-book)"]
    out += [f"   - [{s.number}. {s.title}](#{_anchor(f'{s.number}. {s.title}')})"
            for s in pack.sections]
    out += ["3. [RACI](#raci)", "4. [Cadence](#cadence)", "5. [Definitions](#definitions)",
            "6. [Maturity](#maturity)", "7. [Scorecard](#scorecard)", ""]

    out += ["## People and functions", ""]
    out += _table(
        ["Function", "Seat (holder and deputy)", "Contact", "Sections", "Rituals",
         "Accountable for"],
        [[f.function.name, seats.holder_label(f.function), f.head.email if f.head else "",
          ", ".join(s.title for s in f.sections), len(f.rituals),
          f"{f.accountable_rows} RACI row{'' if f.accountable_rows == 1 else 's'}"]
         for f in pack.functions])
    out += [""]

    out += ["## Run book", ""]
    for s in pack.sections:
        out += [f"### {s.number}. {s.title}", ""]
        out += [f"Owner: {s.owner.name if s.owner else '—'} · revision {s.revision or '—'} · "
                f"{_stamp(s)} · state: **{s.state_label}**", ""]
        out += [shift_markdown_headings(s.body).strip() or "_Not written yet._", ""]

    out += ["## RACI", ""]
    if pack.grid is None:
        out += ["There is no RACI matrix yet.", ""]
    else:
        functions = pack.grid["functions"]
        out += [f"{pack.matrix.title}, version {pack.matrix.version}. Every row has exactly "
                "one A (Accountable).", ""]
        for group in pack.grid["groups"]:
            out += [f"### {group.label}", ""]
            out += _table(["Activity"] + [f.name for f in functions],
                          [[r.row.name] + [letter for _, letter in r.letters]
                           for r in group.rows])
            out += [""]
        out += ["### Sign-off", ""]
        out += _table(["Function", "State", "Last sign-off"], [
            [s.function.name, _signoff_state(s),
             f"v{s.latest.version} {s.latest.signed_at:%Y-%m-%d} by {s.latest.signed_by_name}"
             if s.latest else ""] for s in pack.grid["signoffs"]])
        out += [""]

    out += ["## Cadence", ""]
    for label, _, rows in pack.cadence:
        out += [f"### {label}", ""]
        if not rows:
            out += ["No ritual at this horizon.", ""]
        for r in rows:
            ritual = r.ritual
            out += [f"#### {ritual.name}", ""]
            out += [f"- Owner: {ritual.owner.name if ritual.owner else '—'}"
                    + (f" ({_person(ritual.owner_person)})" if ritual.owner_person else ""),
                    f"- Layer: {Layer(ritual.layer).label}",
                    f"- When: {ritual.schedule_text} ({ritual.timezone}), "
                    f"{ritual.duration_minutes} minutes",
                    f"- Output: {ritual.output or '—'}",
                    f"- Updates: {ritual.output_section.title if ritual.output_section else '—'}",
                    "- Next: " + (", ".join(f"{d:%a %Y-%m-%d %H:%M %Z}" for d in r.next_dates)
                                  or "nothing scheduled"),
                    f"- Last {ADHERENCE_WEEKS} weeks: {r.adherence}", ""]
            if ritual.agenda.strip():
                out += ["Agenda:", "", shift_markdown_headings(ritual.agenda, top=5).strip(),
                        ""]
            if r.open_actions:
                out += ["Open action items:", ""] + [
                    f"- {_line(a.text)} — {_person(a.owner)}, due {a.due:%Y-%m-%d}"
                    + (" (overdue)" if a.due < pack.today else "") for a in r.open_actions
                ] + [""]
            if r.decisions:
                out += [f"Decisions, last {ADHERENCE_WEEKS} weeks:", ""] + [
                    f"- {_line(d.text)} — {d.owner.name}, {d.created_at:%Y-%m-%d}"
                    + (f"; revisit {d.revisit_on:%Y-%m-%d}" if d.revisit_on else "")
                    for d in r.decisions
                ] + [""]

    out += ["## Definitions", ""]
    if not pack.definitions:
        out += ["No shared definitions yet.", ""]
    for label, definitions in pack.definitions_by_layer:
        out += [f"### {label}", ""]
        for d in definitions:
            out += [f"#### {d.term}", ""]
            out += [f"Owner: {d.owner.name} · revision {d.revision} · state: "
                    f"**{ReviewState(d.review_state).label}** · "
                    f"{AgreementState.LABELS[d.agreement].lower()}", ""]
            if d.formula:
                out += [f"Formula: `{d.formula}`", ""]
            out += [shift_markdown_headings(d.current.body if d.current else "", top=5).strip()
                    or "_Not written yet._", ""]
    out += _maturity_markdown(pack)
    out += _scorecard_markdown(pack)
    return "\n".join(out).rstrip() + "\n"


def _scorecard_markdown(pack):
    out = ["## Scorecard", ""]
    if not pack.scorecard:
        return out + ["No metrics yet.", ""]
    for group in pack.scorecard:
        out += [f"### {group.label}", ""]
        out += _table(["Metric", "Owner", "Target", "Last periods, oldest first"], [
            [row.metric.name + (f" (off track since {row.open_item.since})"
                                if row.open_item else ""),
             row.owner.name if row.owner else "—",
             metric_value(row.latest.target, row.metric.unit)
             if row.latest.target is not None else "none",
             "; ".join(f"{c.period.key}: {metric_value(c.value, row.metric.unit)} "
                       f"({c.status_label.lower()})" for c in row.cells)]
            for row in group.rows])
        out += [""]
    return out


def _maturity_markdown(pack):
    out = ["## Maturity", ""]
    latest = pack.maturity
    if latest is None:
        return out + ["No maturity assessment yet.", ""]
    stage = latest.stage
    out += [f"{latest.quarter}: **{stage.name}** (stage {stage.number} of 5). Constraint: "
            f"**{latest.constraint}**, the weakest pillar, which sets the stage.", ""]
    out += _table(["Pillar", "Score"], [[label + (" (constraint)" if weakest else ""),
                                         f"{score} / {maturity.MAX_SCORE}"]
                                        for label, score, weakest in latest.scores])
    out += ["", f"Priority fix: {stage.priority_fix}", ""]
    if pack.earlier_assessments:
        out += ["### Earlier quarters", ""]
        out += _table(["Quarter", *maturity.PILLAR_LABELS.values(), "Stage", "Constraint"],
                      [[str(a.quarter), *(str(score) for _, score, _ in a.scores), a.stage.name,
                        a.constraint] for a in pack.earlier_assessments])
        out += [""]
    return out


def _signoff_state(status):
    if status.signed_current:
        return "signed"
    if status.signed_by_former_head:
        return "signed by a former head"
    return "changed since sign-off" if status.changed_since else "not signed"
