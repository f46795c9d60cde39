"""The maturity model's rules, with no database: four pillars scored 0–8, five stages,
and the overall stage set by the weakest pillar.

Why the lowest and not the average: a team whose processes are well written but whose
CRM data cannot be trusted cannot run those processes, so a strong pillar does not
make up for a weak one. The weakest pillar is the *constraint*: the one to work on.

Scores map to stages in bands (docs/design.md states the same table):

====== ==============
score  stage
====== ==============
0–2    Foundational
3–4    Emergent
5–6    Defined
7      Optimized
8      Transformative
====== ==============

so a team scoring 6 on process and 2 on data is Foundational, not Defined.
"""

from dataclasses import dataclass

MIN_SCORE, MAX_SCORE = 0, 8

PILLARS = ("people", "process", "data", "technology")
PILLAR_LABELS = {
    "people": "People",
    "process": "Process",
    "data": "Data",
    "technology": "Technology",
}
PILLAR_QUESTIONS = {
    "people": "Who owns the operating model, who reports to whom, and how decisions "
              "that cross Marketing, Sales and CS get made.",
    "process": "Routing, hand-offs, stage definitions and service levels: written down, "
               "agreed and actually followed.",
    "data": "Whether the CRM and the reports built on it can be trusted: complete, "
            "consistent, kept clean by someone.",
    "technology": "The CRM, the tools around it and how they are wired together, with "
                  "one owner for the integrations.",
}


@dataclass(frozen=True)
class Stage:
    number: int  # 1..5
    name: str
    lowest_score: int  # the first score in this stage's band
    highest_score: int
    summary: str
    red_flags: tuple
    priority_fix: str

    @property
    def band(self):
        if self.lowest_score == self.highest_score:
            return str(self.lowest_score)
        return f"{self.lowest_score}–{self.highest_score}"


STAGES = (
    Stage(1, "Foundational", 0, 2,
          "Each team keeps its own vocabulary and uses the CRM its own way.",
          ("Fields get added to the CRM by whoever needs one, and nobody retires them.",
           "Ask three teams what an MQL is and you get three answers."),
          "Make the few CRM fields that matter mandatory and write one glossary of funnel "
          "terms that every team uses."),
    Stage(2, "Emergent", 3, 4,
          "Some reporting exists, but work moves between teams by hand.",
          ("Leads reach a rep through whoever happens to notice them.",
           "No team has promised another how fast it will act on a hand-off."),
          "Automate the hand-offs between teams and agree a response time for turning "
          "marketing-qualified leads into sales-qualified ones."),
    Stage(3, "Defined", 5, 6,
          "Processes are written down and dashboards exist.",
          ("Dashboards are built, then rarely opened.",),
          "Give each role a dashboard made for its decisions, and put looking at it on "
          "the cadence."),
    Stage(4, "Optimized", 7, 7,
          "Forecasts and scenarios are modelled and mostly right.",
          ("The forecast is accurate but lands too late to change anything.",),
          "Show the pipeline as it moves and raise an alert before a service level is "
          "missed, not after."),
    Stage(5, "Transformative", 8, 8,
          "Product usage flows into the CRM and models suggest the next move.",
          ("People follow what a model recommends without asking why.",),
          "Govern model and AI output: who checks it, when a person overrides it, and how "
          "those calls are recorded."),
)


def stage_for(score):
    """The stage a score 0–8 belongs to; ValueError outside 0–8."""
    if not isinstance(score, int) or isinstance(score, bool) \
            or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"a pillar score is a whole number from {MIN_SCORE} to "
                         f"{MAX_SCORE}, not {score!r}")
    return next(s for s in STAGES if s.lowest_score <= score <= s.highest_score)


def constraint_pillars(scores):
    """The pillars holding the lowest score, in pillar order (more than one on a tie).
    ``scores`` maps every pillar to its score."""
    lowest = min(scores[p] for p in PILLARS)
    return [p for p in PILLARS if scores[p] == lowest]


def overall_stage(scores):
    """The stage of the whole operating model: the stage of its weakest pillar."""
    return stage_for(min(scores[p] for p in PILLARS))


# Evidence: the app's own figures (the system metrics) beside the self-assessment -------

EVIDENCE = {  # system metric → the pillar it speaks to
    "runbook-freshness": "process",
    "ritual-adherence": "process",
    "raci-signoff-coverage": "people",
    "seats-with-deputies": "people",
}
CLAIMS_DEFINED = 5  # from this score a pillar claims to be written, agreed and followed


def _shortfall(key, name, value):
    if key == "runbook-freshness":
        return f"{100 - float(value):g} % of the run book's sections are stale or never reviewed"
    return f"{name.lower()} is {float(value):g} %"


def disagreements(scores, evidence):
    """Where a pillar scored Defined or above (``CLAIMS_DEFINED``) while a system metric
    that speaks to it is off track: one sentence each, in pillar order. ``evidence`` is
    ``(key, name, value, off_track)`` per system metric with a value."""
    notes = []
    for pillar in PILLARS:
        for key, name, value, off_track in evidence:
            if EVIDENCE.get(key) == pillar and off_track \
                    and scores[pillar] >= CLAIMS_DEFINED:
                notes.append(f"{PILLAR_LABELS[pillar]} scored {scores[pillar]}, but "
                             f"{_shortfall(key, name, value)}.")
    return notes
