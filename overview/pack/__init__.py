"""The hand-over pack: the whole operating model as one document a new lead can read
front to back — cover, people and functions, the six run-book sections, the RACI by
layer, the cadence, the shared definitions and the maturity assessments (both always
today's) — as print-ready HTML
(``/handover/``) or one Markdown file (``/handover.md``), now or as of a run-book release
(``?release=<n>``).

What it leaves out on purpose, to stay readable: revision history and diffs, review
notes, lint findings, row descriptions of the RACI, and individual occurrences beyond
each ritual's next three dates and its last 13 weeks' tally. Those live one click away
in the app.

The HTML pack also carries two charts — the run book's freshness over the year and
adherence per horizon per week — each with its figures as a table; the Markdown file,
meant for reading as text, does not.

``build`` reads everything in a fixed number of queries; ``to_markdown`` renders it.

The package by subject: ``contents`` gathers the pack, ``markdown`` writes it out (the
HTML page is ``overview/pack.html``).
"""

from overview.pack.contents import (
    Pack,
    PackFunction,
    PackMaturity,
    PackRitual,
    PackSection,
    build,
    section_anchor,
    shift_html_headings,
)
from overview.pack.markdown import shift_markdown_headings, to_markdown

__all__ = ["Pack", "PackFunction", "PackMaturity", "PackRitual", "PackSection", "build",
           "section_anchor", "shift_html_headings", "shift_markdown_headings", "to_markdown"]
