"""Search across the operating model: run-book sections (their current revision),
definitions (term, formula, current wording), rituals, RACI rows, metrics (name, slug,
formula) and, when asked for, releases (their pinned text).

One ranked list over every type: ``matches()`` is a single ``UNION ALL`` of
``(type, id, rank)`` that pages and counts in SQL, and ``hits()`` reads one page's
titles, links, review states and snippets with one query per type on the page, so a
search runs the same number of queries however big the model is.

On PostgreSQL each type is matched with ``websearch_to_tsquery`` (``"deal desk"
-enterprise`` works as people expect) against its stored, GIN-indexed, weighted
``tsvector`` (``runbook/search.py``, ``raci/search.py``, ``cadence/search.py``). The rank puts
a match in the title above one in a heading above one in the body, then orders by
``ts_rank``; snippets come from ``ts_headline``. On SQLite every word must appear
(``-word`` excludes, ``"…"`` is one phrase), a title match ranks first, and snippets
are cut in Python.

A title is marked where it matches, as a snippet is. A query that finds nothing is
answered with the closest words the model's titles and definition terms hold
(``closest``): ``pg_trgm`` similarity on PostgreSQL, ``difflib`` on SQLite.
"""

import difflib
import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Greatest, Lower, StrIndex, Substr
from django.urls import reverse

from cadence import selectors as cadence_selectors
from insights import selectors as insights_selectors
from raci import selectors as raci_selectors
from revops import policy
from revops.api.parsers import text_problem
from revops.errors import Refused
from revops.models import Function
from revops.search import (
    MARK_START,
    MARK_STOP,
    full_text,
    marked_html,
    plain_markdown,
    text_search_config,
)
from runbook import selectors as runbook_selectors
from runbook.choices import ReviewState
from runbook.selectors import review_state_expression

SECTION, DEFINITION, RITUAL, RACI_ROW, METRIC, RELEASE = (
    "section", "definition", "ritual", "raci_row", "metric", "release")
TYPES = (SECTION, DEFINITION, RITUAL, RACI_ROW, METRIC, RELEASE)
TYPE_LABELS = {SECTION: "Run-book sections", DEFINITION: "Definitions", RITUAL: "Rituals",
               RACI_ROW: "RACI rows", METRIC: "Metrics", RELEASE: "Releases"}
# Releases repeat their sections' text: they are searched only when asked for.
DEFAULT_TYPES = (SECTION, DEFINITION, RITUAL, RACI_ROW, METRIC)
# The types that carry a review state (the ``state`` filter keeps only these).
REVIEWED_TYPES = (SECTION, DEFINITION)
MIN_LENGTH, MAX_LENGTH = 2, 499
# ``include=archived`` also searches archived models (run books and their releases, RACI
# matrices, rituals); by default search reads the live model only.
ARCHIVED = "archived"

_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@dataclass(frozen=True)
class Term:
    text: str
    excluded: bool


@dataclass(frozen=True)
class Query:
    """A checked search: the text as typed, its terms, and the filters."""

    text: str
    terms: tuple
    types: tuple
    owner: Function | None = None
    state: str | None = None
    include_archived: bool = False

    @property
    def wanted(self):
        return [t.text for t in self.terms if not t.excluded]


@dataclass
class Hit:
    type: str
    id: int
    title: str
    url: str
    snippet: str
    rank: float
    review_state: str | None = None
    where: str = ""
    title_html: str = ""


def terms_of(text):
    """The words and "quoted phrases" of a query; ``-`` before one excludes it and a
    bare ``or`` is websearch's operator, not a word."""
    terms = []
    for dash_phrase, phrase, dash_word, word in _TERM.findall(text):
        value = (phrase if phrase or dash_phrase else word).strip().strip('"')
        if not value or (word and value.lower() == "or"):
            continue
        terms.append(Term(value, bool(dash_phrase or dash_word)))
    return tuple(terms)


def parse(*, q, type=None, owner=None, state=None, include=None):  # noqa: A002 — its name
    """A ``Query`` from request parameters, or ``ValidationError`` keyed by the field."""
    text = (q or "").strip()
    errors = {}
    problem = text_problem(text)
    if problem:
        errors["q"] = problem
    elif len(text) < MIN_LENGTH:
        errors["q"] = f"Type at least {MIN_LENGTH} characters to search."
    elif len(text) > MAX_LENGTH:
        errors["q"] = f"Keep the search under {MAX_LENGTH + 1} characters (it has {len(text)})."
    terms = () if problem else terms_of(text)
    if "q" not in errors and not any(not t.excluded for t in terms):
        errors["q"] = "Give at least one word to look for: “-word” only leaves words out."
    types = _types(type, errors)
    function = _owner(owner, errors)
    if state and state not in ReviewState.values:
        errors["state"] = f"Unknown review state; choose from {', '.join(ReviewState.values)}."
    if include and include != ARCHIVED:
        errors["include"] = f"Unknown value; the only one is “{ARCHIVED}”."
    if errors:
        raise ValidationError(errors)
    return Query(text=text, terms=terms, types=types, owner=function, state=state or None,
                 include_archived=include == ARCHIVED)


def _types(value, errors):
    if not value:
        return DEFAULT_TYPES
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in TYPES]
    if unknown or not names:
        errors["type"] = (f"Unknown type “{unknown[0] if unknown else value}”; "
                          f"choose from {', '.join(TYPES)} (comma-separated).")
        return ()
    return tuple(t for t in TYPES if t in names)


def _owner(slug, errors):
    if not slug:
        return None
    function = None if text_problem(slug) else Function.objects.filter(slug=slug).first()
    if function is None:
        errors["owner"] = "No function has this slug."
    return function


def require_search(user):
    """Search shows what the user may read: today every active signed-in user reads
    everything, so the scope is all or nothing."""
    if not policy.can_view(user):
        raise Refused("Sign in to search.")


# Matching -------------------------------------------------------------------------------


class _Matches(Func):
    """``vector @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Weighted(Func):
    """The part of a vector with one weight: ``ts_filter(vector, '{a}')``."""

    function = "ts_filter"
    output_field = SearchVectorField()


def _tsquery(query):
    return SearchQuery(query.text, search_type="websearch", config=text_search_config())


def _full_text_rank(vector, tsquery):
    """2 + ts_rank for a title match, 1 + … for a heading, 0 + … for the body."""
    tier = Case(
        When(_Matches(_Weighted(vector, Value("{a}")), tsquery), then=Value(2.0)),
        When(_Matches(_Weighted(vector, Value("{b}")), tsquery), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return tier + SearchRank(vector, tsquery, normalization=Value(32))


# Where each type's words are, for the substring fallback: the title, then the rest.
_FIELDS = {
    SECTION: ("title", runbook_selectors.current_body_contains),
    DEFINITION: ("term", ("formula", runbook_selectors.current_wording_contains)),
    RITUAL: ("name", ("output", "agenda")),
    RACI_ROW: ("name", ("description",)),
    METRIC: ("name", ("slug", "formula")),
    RELEASE: ("name", ("note", runbook_selectors.pinned_body_contains)),
}


def _contains(type_, term):
    title, rest = _FIELDS[type_]
    found = Q(**{f"{title}__icontains": term})
    for other in rest if isinstance(rest, tuple) else (rest,):
        found |= other(term) if callable(other) else Q(**{f"{other}__icontains": term})
    return found


def _substring_match(qs, type_, query):
    for term in query.terms:
        contains = _contains(type_, term.text)
        qs = qs.exclude(contains) if term.excluded else qs.filter(contains)
    title = _FIELDS[type_][0]
    in_title = Q()
    for word in query.wanted:
        in_title &= Q(**{f"{title}__icontains": word})
    rank = Case(When(in_title, then=Value(2.0)), default=Value(0.0), output_field=FloatField())
    return qs, rank


def _base(type_, query, today):
    """The rows of one type the filters allow: the live model's only, unless the query
    includes archived models."""
    archived = query.include_archived
    if type_ in REVIEWED_TYPES:
        qs = (runbook_selectors.sections_to_search(include_archived=archived)
              if type_ == SECTION else runbook_selectors.definitions_to_search())
        if query.state:
            qs = qs.annotate(review_state=review_state_expression(today)).filter(
                review_state=query.state)
        return qs.filter(owner=query.owner) if query.owner else qs
    if type_ == RITUAL:
        qs = cadence_selectors.rituals_to_search(include_archived=archived)
        return qs.filter(owner=query.owner) if query.owner else qs
    if type_ == RACI_ROW:
        qs = raci_selectors.rows_to_search(include_archived=archived)
        return qs.filter(accountable=query.owner) if query.owner else qs
    if type_ == METRIC:
        qs = insights_selectors.metrics_to_search()
        return qs.filter(owner=query.owner) if query.owner else qs
    return runbook_selectors.releases_to_search(include_archived=archived)


def _types_for(query):
    """Review states belong to sections and definitions, owners to all but releases: a
    filter on either leaves out the types it cannot apply to."""
    if query.state:
        return [t for t in query.types if t in REVIEWED_TYPES]
    if query.owner:
        return [t for t in query.types if t != RELEASE]
    return list(query.types)


def _metric_vector():
    """Metrics are a few dozen: their vector is made as they are searched, not stored."""
    config = text_search_config()
    return (SearchVector("name", weight="A", config=config)
            + SearchVector("slug", "formula", weight="B", config=config))


def _matching(type_, query, today):
    qs = _base(type_, query, today)
    if full_text() and type_ == METRIC:
        qs = qs.annotate(search_vector=_metric_vector())
    if full_text():
        tsquery = _tsquery(query)
        vector = F("search_vector")
        qs, rank = qs.filter(_Matches(vector, tsquery)), _full_text_rank(vector, tsquery)
    else:
        qs, rank = _substring_match(qs, type_, query)
    return qs.annotate(
        hit_type=Value(type_), hit_id=F("pk"), hit_rank=rank,
        hit_order=Value(TYPES.index(type_), output_field=IntegerField()),
    ).values_list("hit_type", "hit_id", "hit_rank", "hit_order").order_by()


def matches(*, user, query, today):
    """Every match the user may read, best first, as ``(type, id, rank, order)`` rows: a
    queryset to count and slice (one query each)."""
    require_search(user)
    types = _types_for(query)
    if not types:
        return runbook_selectors.sections_to_search().none().values_list("pk")
    parts = [_matching(t, query, today) for t in types]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return union.order_by("-hit_rank", "hit_order", "hit_id")


# Reading a page --------------------------------------------------------------------------


_HEADLINE = {"start_sel": MARK_START, "stop_sel": MARK_STOP, "max_words": 30,
             "min_words": 12, "max_fragments": 2, "fragment_delimiter": " … "}


def _around(text, query, before=200, length=900):
    """The part of ``text`` around where a wanted word's first letters first appear (its
    start if nowhere): ``ts_headline`` parses every word it is given, and a whole 3 KB
    body per result was most of a search's time. Five letters find most stemmed forms
    ("routing" → "route")."""
    at = StrIndex(Lower(text), Value(query.wanted[0].split()[0][:5].lower()))
    return Substr(text, Greatest(at - before, Value(1)), length)


def _headline(expression, query):
    return SearchHeadline(_around(expression, query), _tsquery(query),
                          config=text_search_config(), **_HEADLINE)


def _cut(text, query, width=200):
    """A snippet around the first wanted word of ``text``, the words marked (SQLite)."""
    # The author's own <mark>s go: only the matched words are marked (ts_headline, on
    # PostgreSQL, drops every tag the same way).
    text = " ".join((text or "").replace(MARK_START, " ").replace(MARK_STOP, " ").split())
    lowered = text.lower()
    found = [i for i in (lowered.find(w.lower()) for w in query.wanted) if i >= 0]
    start = max(0, min(found) - width // 3) if found else 0
    if start:
        start = text.find(" ", start) + 1 or start
    marked = _mark(text[start:start + width], query)
    return ("… " if start else "") + marked + (" …" if start + width < len(text) else "")


def _mark(text, query):
    """``text`` with every wanted word marked (SQLite)."""
    pattern = re.compile("|".join(re.escape(w) for w in query.wanted), re.IGNORECASE)
    return pattern.sub(lambda m: f"{MARK_START}{m.group()}{MARK_STOP}", text)


def _marked_title(field, query):
    """The annotation that marks a title's matched words (PostgreSQL): the whole title,
    stemmed as its vector is. Nothing elsewhere: ``_title_html`` marks it in Python."""
    if not full_text():
        return {}
    return {"title_marked": SearchHeadline(
        field, _tsquery(query), config=text_search_config(), highlight_all=True,
        start_sel=MARK_START, stop_sel=MARK_STOP)}


def _title_html(row, title, query, prefix=""):
    """A hit's title as safe HTML, its matched words marked; the author's own marks go."""
    if full_text():
        return marked_html(prefix + row.title_marked)
    plain = title.replace(MARK_START, "").replace(MARK_STOP, "")
    return marked_html(_mark(plain, query))


def _snippet(row, query):
    text = plain_markdown(row.snippet_text)
    return marked_html(text if full_text() else _cut(text, query))


def _where(text, owner):
    """Where a hit is, saying so when it belongs to an archived model."""
    return f"{text} (archived)" if owner.archived_at is not None else text


def _sections(ids, query, today):
    body = runbook_selectors.current_body()
    sections = runbook_selectors.sections_to_search(include_archived=True)
    qs = sections.filter(pk__in=ids).select_related("runbook").defer("search_vector").annotate(
        review_state=review_state_expression(today),
        snippet_text=_headline(body, query) if full_text() else body,
        **_marked_title(F("title"), query))
    return {s.pk: Hit(type=SECTION, id=s.pk, title=s.title,
                      title_html=_title_html(s, s.title, query),
                      where=_where(s.runbook.title, s.runbook),
                      url=reverse("runbook:section", args=[s.pk]),
                      snippet=_snippet(s, query), rank=0.0, review_state=s.review_state)
            for s in qs}


def _definitions(ids, query, today):
    wording = runbook_selectors.current_wording()
    # "formula · wording", so a snippet that shows both does not run them together.
    formula = Case(When(formula="", then=Value("")),
                   default=Concat("formula", Value(" · ")), output_field=TextField())
    text = Concat(formula, wording, output_field=TextField())
    definitions = runbook_selectors.definitions_to_search()
    qs = definitions.filter(pk__in=ids).defer("search_vector").annotate(
        review_state=review_state_expression(today),
        snippet_text=_headline(text, query) if full_text() else text,
        **_marked_title(F("term"), query))
    return {d.pk: Hit(type=DEFINITION, id=d.pk, title=d.term,
                      title_html=_title_html(d, d.term, query), where=d.get_layer_display(),
                      url=reverse("definitions:detail", args=[d.slug]),
                      snippet=_snippet(d, query), rank=0.0, review_state=d.review_state)
            for d in qs}


def _rituals(ids, query, today):
    text = Concat("output", Value("\n"), "agenda", output_field=TextField())
    rituals = cadence_selectors.rituals_to_search(include_archived=True)
    qs = rituals.filter(pk__in=ids).defer("search_vector").annotate(
        snippet_text=_headline(text, query) if full_text() else text,
        **_marked_title(F("name"), query))
    return {r.pk: Hit(type=RITUAL, id=r.pk, title=r.name,
                      title_html=_title_html(r, r.name, query),
                      where=_where(r.get_horizon_display(), r),
                      url=reverse("cadence:ritual", args=[r.pk]),
                      snippet=_snippet(r, query), rank=0.0)
            for r in qs}


def _rows(ids, query, today):
    text = Concat("name", Value("\n"), "description", output_field=TextField())
    rows = raci_selectors.rows_to_search(include_archived=True)
    qs = rows.filter(pk__in=ids).select_related("matrix").defer("search_vector").annotate(
        snippet_text=_headline(text, query) if full_text() else text,
        **_marked_title(F("name"), query))
    return {r.pk: Hit(type=RACI_ROW, id=r.pk, title=r.name, where=_where(r.matrix.title, r.matrix),
                      title_html=_title_html(r, r.name, query),
                      url=reverse("raci:row_in_grid", args=[r.pk]),
                      snippet=_snippet(r, query), rank=0.0)
            for r in qs}


def _releases(ids, query, today):
    pinned = runbook_selectors.pinned_text() if full_text() else Value("")
    text = Concat("note", Value("\n"), pinned, output_field=TextField())
    releases = runbook_selectors.releases_to_search(include_archived=True)
    qs = releases.filter(pk__in=ids).select_related("runbook").defer("search_vector").annotate(
        snippet_text=_headline(text, query) if full_text() else text,
        **_marked_title(F("name"), query))
    return {r.pk: Hit(type=RELEASE, id=r.pk, title=f"{r.label} {r.name}",
                      title_html=_title_html(r, f"{r.label} {r.name}", query,
                                             prefix=f"{r.label} "),
                      where=_where(r.runbook.title, r.runbook),
                      url=reverse("runbook:release", args=[r.runbook_id, r.number]),
                      snippet=_snippet(r, query), rank=0.0)
            for r in qs}


def _metrics(ids, query, today):
    text = F("formula")
    qs = insights_selectors.metrics_to_search().filter(pk__in=ids).annotate(
        snippet_text=_headline(text, query) if full_text() else text,
        **_marked_title(F("name"), query))
    return {m.pk: Hit(type=METRIC, id=m.pk, title=m.name,
                      title_html=_title_html(m, m.name, query),
                      where=f"{m.get_layer_display()}, {m.get_period_display().lower()}",
                      url=reverse("scorecard") + f"#metric-{m.slug}",
                      snippet=_snippet(m, query) if m.formula else "", rank=0.0)
            for m in qs}


_READERS = {SECTION: _sections, DEFINITION: _definitions, RITUAL: _rituals, RACI_ROW: _rows,
            METRIC: _metrics, RELEASE: _releases}


def hits(rows, *, query, today):
    """The page's ``(type, id, rank, order)`` rows as ``Hit``s, in the same order: one
    query per type on the page."""
    wanted = {}
    for type_, pk, _rank, _order in rows:
        wanted.setdefault(type_, []).append(pk)
    found = {type_: _READERS[type_](ids, query, today) for type_, ids in wanted.items()}
    page = []
    for type_, pk, rank, _order in rows:
        hit = found[type_].get(pk)
        if hit is not None:  # deleted between the two reads
            hit.rank = round(float(rank), 6)
            page.append(hit)
    return page


def grouped(page):
    """``[(type, label, [hits])]`` for the pages: a group per type, the group of the best
    hit first, each in rank order."""
    groups = {}
    for hit in page:
        groups.setdefault(hit.type, []).append(hit)
    return [(t, TYPE_LABELS[t], hits) for t, hits in groups.items()]


# Did you mean … ? ------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# The least ``pg_trgm`` similarity (its own default) and ``difflib`` ratio for a word to
# be offered instead of one nothing holds.
TRIGRAM_THRESHOLD, DIFFLIB_CUTOFF = 0.3, 0.6
# Shorter words have too few trigrams to be told from one another.
SHORTEST_CORRECTED = 3


def _titles():
    """The live model's titles and the definitions' terms: what a word is corrected to."""
    return runbook_selectors.sections_to_search().values_list("title").order_by().union(
        runbook_selectors.definitions_to_search().values_list("term").order_by(),
        cadence_selectors.rituals_to_search().values_list("name").order_by(),
        raci_selectors.rows_to_search().values_list("name").order_by(),
        all=True,
    )


def _closest_words_trigram(asked):
    """``{asked word: closest title word}`` by ``pg_trgm`` similarity, in one query."""
    titles, params = _titles().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (asked) asked, word "
            "FROM unnest(%s::text[]) AS asked, (SELECT DISTINCT regexp_split_to_table("
            f"lower(t.title), '[^[:alnum:]]+') AS word FROM ({titles}) AS t(title)) AS words "
            "WHERE word <> '' AND similarity(word, asked) >= %s "
            "ORDER BY asked, similarity(word, asked) DESC, word",
            [asked, *params, TRIGRAM_THRESHOLD])
        return dict(cursor.fetchall())


def _closest_words_difflib(asked):
    """The same by ``difflib``'s ratio, over the same titles (one query)."""
    words = sorted({w for (title,) in _titles() for w in _WORD.findall(title.lower())})
    closest = {}
    for word in asked:
        found = [word] if word in words else difflib.get_close_matches(
            word, words, n=1, cutoff=DIFFLIB_CUTOFF)
        if found:
            closest[word] = found[0]
    return closest


def closest(*, query):
    """The query with each word that no title or term holds replaced by the closest one
    that does ("pipline" → "pipeline"), or None when there is nothing better to offer.
    Asked when a query finds nothing."""
    asked = sorted({w.lower() for t in query.terms if not t.excluded
                    for w in _WORD.findall(t.text) if len(w) >= SHORTEST_CORRECTED})
    if not asked:
        return None
    words = (_closest_words_trigram if full_text() else _closest_words_difflib)(asked)
    suggestion = _WORD.sub(lambda m: words.get(m.group().lower(), m.group())
                           if len(m.group()) >= SHORTEST_CORRECTED else m.group(), query.text)
    return suggestion if suggestion.lower() != query.text.lower() else None
