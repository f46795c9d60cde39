"""Benchmark: search (``overview.search``, what ``GET /api/v1/search/`` runs) over
10k sections (``BENCH_SIZE=large``: 100k, ≈16,700 run books), and the cost of saving a
revision with the section's search vector kept current.

Each section's current revision is a Markdown body of 1–3 KB: headings and sentences
drawn, with a fixed seed, from a RevOps vocabulary, one topic per section (see
``Bodies``), so some words are in a quarter of the sections and others in a handful.
300 rituals and 1,000 RACI rows are searched alongside. 200 queries mix common and
rare words, two-word queries, "phrases", -exclusions, stemmed forms and words found
nowhere; each runs a whole API page (count, page of 50, titles and snippets). Then
200 revisions are saved with the vector kept current and 200 with the vector refresh
switched off.

    .venv/bin/python bench/search.py [--sections 100000]
"""

import argparse
import itertools
import random
import statistics
import time
from contextlib import nullcontext
from unittest import mock

from common import SIZE, header, measure, scratch_database
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cadence.models import Ritual
from overview import search
from raci.models import Matrix, Row
from revops import rendering
from revops.models import Door, Function
from runbook import search as runbook_search
from runbook import services
from runbook.models import Revision, Runbook, Section, SectionKind

SEED = 20261202
VOCABULARY = (
    "pipeline forecast quota territory renewal expansion churn discount approval deal desk "
    "routing lead account opportunity stage commit coverage capacity hiring ramp attainment "
    "compensation plan board review quarter annual budget pricing packaging contract "
    "procurement legal security signature handoff onboarding kickoff success health score "
    "adoption usage product trial conversion funnel campaign attribution source channel "
    "partner reseller marketplace invoice billing collections revenue recognition margin "
    "bookings arr mrr nrr grr cohort segment enterprise midmarket smb vertical region emea "
    "apac americas sdr bdr ae csm se manager director vp cro cfo ceo revops finance "
    "marketing sales success support engineering data warehouse crm salesforce hubspot "
    "dashboard report metric definition owner sla escalation incident playbook outage "
    "migration integration sync field validation dedupe enrichment scoring intent signal "
    "meeting cadence weekly monthly standup retro inspection hygiene close date amount "
    "probability slippage pushed lost won reason competitor objection champion economic "
    "buyer persona icp tam sam segmenting capacity model headcount plan target stretch "
    "spiff accelerator clawback dispute exception waiver threshold matrix raci sign off"
)
WORDS = VOCABULARY.split()
GLUE = ("the a every each our their with within before after when if then and or to of "
        "for by on in is are must should may never always at least most")
FILLER = GLUE.split()
RARE = ["quokka", "narwhal", "okapi", "axolotl", "pangolin", "tapir", "wombat", "ibis"]


SKEW = 0.5
CUMULATIVE = list(itertools.accumulate(1 / (i + 1) ** SKEW for i in range(len(WORDS))))


def word(rng):
    return rng.choices(WORDS, cum_weights=CUMULATIVE)[0]


def sentence(rng, topic=WORDS):
    words = [rng.choice(topic) if rng.random() < 0.55 else rng.choice(FILLER)
             for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


class Bodies:
    """1–3 KB of Markdown each, on one of 400 topics: a topic is 8 words drawn with a
    Zipf-like skew (so the commonest word is in about a quarter of the sections and the
    rarest in a few hundred), and 60 sentences of them. A body is three to six headed
    parts of its topic's sentences, sometimes a list, now and then a rare word."""

    def __init__(self, rng):
        self.rng = rng
        self.topics = []
        for _ in range(400):
            # dict, not set: a set's order follows PYTHONHASHSEED, and the data with it.
            words = list(dict.fromkeys(word(rng) for _ in range(8)))
            self.topics.append((words, [sentence(rng, words) for _ in range(60)]))

    def __call__(self):
        rng = self.rng
        words, pool = rng.choice(self.topics)
        target = rng.randint(1000, 3000)
        parts, size = [], 0
        while size < target:
            heading = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
            parts.append(f"## {heading.capitalize()}\n")
            parts.append(" ".join(rng.choices(pool, k=rng.randint(2, 5))) + "\n")
            if rng.random() < 0.4:
                parts.append("\n".join(f"- {line}" for line in rng.choices(pool, k=3)) + "\n")
            if rng.random() < 0.02:
                parts.append(f"Ask the {rng.choice(RARE)} team.\n")
            size = sum(map(len, parts))
        return "\n".join(parts)


def build(n_sections, rng, body):
    functions = list(Function.objects.order_by("position"))
    kinds = SectionKind.values
    runbooks = Runbook.objects.bulk_create(
        [Runbook(title=f"Bench run book {i}") for i in range(-(-n_sections // 6))],
        batch_size=5000)
    sections = Section.objects.bulk_create(
        [Section(runbook_id=r.pk, kind=kind, position=p, owner=functions[(i + p) % 6],
                 title=(SectionKind(kind).label if rng.random() < 0.9
                        else f"{word(rng).capitalize()} "
                             f"{word(rng)}"),
                 revision=1, last_reviewed_on=timezone.localdate() if i % 3 else None)
         for i, r in enumerate(runbooks) for p, kind in enumerate(kinds)][:n_sections],
        batch_size=5000)
    html = rendering.render("Bench")  # the page is not what is measured: one rendering
    for start in range(0, len(sections), 5000):
        Revision.objects.bulk_create(
            [Revision(section_id=s.pk, number=1, body=body(), body_html=html,
                      door=Door.CLI) for s in sections[start:start + 5000]])
    Ritual.objects.bulk_create([
        Ritual(name=" ".join(word(rng) for _ in range(3)).capitalize(),
               horizon="weekly", layer="insights", owner=functions[i % 6],
               rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", output=sentence(rng),
               agenda="\n".join(f"{k}. {sentence(rng)}" for k in range(1, 5)),
               schedule_start=timezone.now())
        for i in range(300)])
    matrix = Matrix.objects.create(title="Bench RACI")
    Row.objects.bulk_create([
        Row(matrix=matrix, name=f"{sentence(rng)[:-1]} {i}", description=sentence(rng),
            position=i, accountable=functions[i % 6])
        for i in range(1000)])
    return sections


def queries(rng):
    """200 queries: 60 single words (common to rare), 40 two-word, 30 phrases, 30 with an
    exclusion, 20 stemmed forms, 10 rare words and 10 words found nowhere."""
    common, rest = WORDS[:40], WORDS[40:]
    found = []
    found += [rng.choice(common if i % 2 else rest) for i in range(60)]
    found += [f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(40)]
    found += [f'"{a} {b}"' for a, b in (rng.sample(common, 2) for _ in range(30))]
    found += [f"{rng.choice(WORDS)} -{rng.choice(common)}" for _ in range(30)]
    found += [rng.choice(["routing", "forecasting", "approvals", "renewals", "escalated",
                          "discounting", "planned", "reviewing"]) for _ in range(20)]
    found += [rng.choice(RARE) for _ in range(10)]
    found += [f"zzq{i}xv" for i in range(10)]
    return found


def one_search(user, text, today):
    query = search.parse(q=text)
    matched = search.matches(user=user, query=query, today=today)
    count = matched.count()
    page = search.hits(list(matched[:50]), query=query, today=today)
    return count, page


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_searches(user, rng):
    today = timezone.localdate()
    texts = queries(rng)
    for text in texts[:20]:  # warm the caches, as a running server's are
        one_search(user, text, today)
    timings, counts, matched = [], set(), []
    for text in texts:
        seconds, n_queries, (count, _page) = measure(lambda t=text: one_search(user, t, today))
        timings.append(seconds * 1000)
        counts.add(n_queries)
        matched.append(count)
    worst = sorted(zip(timings, texts, matched, strict=True), reverse=True)[:5]
    print(f"search ×{len(texts)}: p50 {percentile(timings, 50):.1f} ms, "
          f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms; "
          f"queries per search {sorted(counts)}; matches median "
          f"{statistics.median(matched):.0f}, max {max(matched)}")
    print("slowest: " + "; ".join(f"{t:.0f} ms {q!r} ({n})" for t, q, n in worst))


def bench_revisions(sections, rng, body, n=200):
    """Median and p95 of ``section_revise`` with and without the vector refresh."""
    picked = rng.sample(sections, 2 * n)
    bodies = [body() for _ in range(2 * n)]

    def save(section, text):
        section.refresh_from_db()
        services.section_revise(section=section, body=text, base_revision=section.revision,
                                actor=None, door=Door.CLI, mark_reviewed=False)

    # Alternated, so both see the same load on a shared machine.
    results = {"with search vector": [], "without": []}
    for i, (section, text) in enumerate(zip(picked, bodies, strict=True)):
        label = "without" if i % 2 else "with search vector"
        off = mock.patch.object(runbook_search, "refresh_sections", lambda *a, **k: None)
        with off if i % 2 else nullcontext():
            began = time.perf_counter()
            save(section, text)
            results[label].append((time.perf_counter() - began) * 1000)
    for label, timings in results.items():
        print(f"revision save {label}: median {statistics.median(timings):.2f} ms, "
              f"p95 {percentile(timings, 95):.2f} ms")
    ratio = statistics.median(results["with search vector"]) / statistics.median(
        results["without"])
    print(f"revision save with / without: {ratio:.2f}×")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int,
                        default=100_000 if SIZE == "large" else 10_000)
    args = parser.parse_args()
    header(f"search over {args.sections:,} sections", repeated=False)
    rng = random.Random(SEED)
    with scratch_database():
        user = get_user_model().objects.create(username="bench-reader")
        began = time.perf_counter()
        body = Bodies(rng)
        sections = build(args.sections, rng, body)
        built = time.perf_counter() - began
        seconds, _, _ = measure(runbook_search.refresh_sections)
        print(f"built in {built:.1f} s; every search vector written in {seconds:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum would have, by now
                cursor.execute("VACUUM ANALYZE")
        bench_searches(user, rng)
        bench_revisions(sections, rng, body)


if __name__ == "__main__":
    main()
