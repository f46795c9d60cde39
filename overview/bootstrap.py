"""Bootstrap: a complete operating model for a motion in one step.

``bootstrap`` is a RevOps-lead write that composes the apps' own services (run books
and their sections, RACI rows, rituals), so every rule and audit entry of those
services applies. It refuses when a model already exists, unless ``replace`` is given:
then the old model is archived — its run books, current matrix and rituals are stamped
archived (read-only, absent from every reader unless asked for; run books and matrix
renamed "… · archived <time>" so the new model can take their titles, rituals stopped
with their history kept) — and a new one is made. Asking again for the model that is
already there, untouched, changes nothing: the same call twice gives the same model.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from cadence import selectors as cadence_selectors
from cadence import services as cadence_services
from insights import selectors as insights_selectors
from insights import services as insights_services
from overview import motions
from overview import services as overview_services
from raci import selectors as raci_selectors
from raci import services as raci_services
from revops import audit, invitations, locks, people, policy, seats
from revops import services as core_services
from revops.errors import Conflict
from revops.models import AuditEntry, Door, Function
from revops.words import counted
from runbook import selectors as runbook_selectors
from runbook import services as runbook_services

ARCHIVED = " · archived "
DRAFT_SUMMARY = "Drafted from the {label} motion template"


class ModelExists(Conflict):
    """A model is already here and the caller did not ask to replace it."""

    def __init__(self, what):
        self.what = what
        super().__init__(
            "An operating model already exists (" + ", ".join(what) + "). Nothing was "
            "changed; ask to replace it to archive the current model and start again."
        )

    def detail(self):
        return {"existing": self.what}


@dataclass
class Outcome:
    motion: str
    created: bool
    runbooks: list = field(default_factory=list)
    matrix: object = None
    rituals: list = field(default_factory=list)
    archived: dict = field(default_factory=dict)
    invited: list = field(default_factory=list)

    def summary(self):
        """What the model holds, in counts a person or a client can check."""
        rows = raci_selectors.rows_per_layer(matrix=self.matrix)
        return {
            "motion": self.motion,
            "created": self.created,
            "runbooks": [{"id": b.pk, "title": b.title, "motion": b.motion,
                          "sections": b.sections.count()} for b in self.runbooks],
            "raci": {"id": self.matrix.pk, "title": self.matrix.title,
                     "rows": sum(rows.values()), "rows_per_layer": dict(rows)},
            "rituals": dict(Counter(r.horizon for r in self.rituals)),
            "archived": self.archived,
            "invited": self.invited,
        }


def hold_model():
    """Serialize the writes that make or replace the whole model (bootstrap, model
    import): two first bootstraps at once queue, and the second finds the first's model
    as a second identical call would. Then lead rights' lock, as a bootstrap may name
    the RevOps seat's holder: both before any row lock."""
    locks.hold(locks.MODEL)
    seats.hold_lead_rights()


def live_runbooks():
    return runbook_selectors.live_runbooks()


def existing_model():
    """What counts as a model being here: a live run book, a current matrix, or an
    active ritual. Empty when the installation is fresh or everything was archived."""
    what = []
    books = live_runbooks().count()
    if books:
        what.append(counted(books, "run book"))
    if raci_selectors.has_current_matrix():
        what.append("a current RACI matrix")
    rituals = cadence_selectors.active_rituals().count()
    if rituals:
        what.append(counted(rituals, "active ritual"))
    return what


def _matrix_title(template):
    return f"{template.label} RACI"


#: The apps whose objects make up the model.
MODEL_APPS = ("runbook", "raci", "cadence")


def _written_since_made():
    """Whether anyone has written to the model since the last bootstrap made it (or no
    bootstrap made it). Every write service audits, through every door, so the audit
    says it for every kind of object at once — a revision, a review, a concern, a
    release, a definition's agreement, a RACI description or sign-off, a ritual edited
    or an occurrence recorded — where a comparison with the template would have to
    name each one. The background jobs' own entries (staleness, occurrences made ahead)
    are the model ageing, not someone using it."""
    made = (AuditEntry.objects.filter(action="bootstrap").order_by("-id")
            .values_list("id", flat=True).first())
    if made is None:
        return True
    written = Q()
    for app in MODEL_APPS:
        written |= Q(object_type__startswith=f"{app}.")
    return AuditEntry.objects.filter(written, id__gt=made).exclude(door=Door.TASK).exists()


def _is_untouched(template):
    """The live model is exactly what ``template`` makes, with nothing changed since."""
    if _written_since_made():
        return False
    books = list(live_runbooks())
    if [(b.title, b.motion) for b in books] != [(p.title, p.motion) for p in template.runbooks]:
        return False
    if runbook_selectors.sections_of(runbooks=books).exclude(revision=2).exists():
        return False
    matrix = raci_selectors.current_matrix()
    if (matrix is None or matrix.title != _matrix_title(template)
            or matrix.version != 1 or matrix.signoffs.exists()):
        return False
    rituals = cadence_selectors.active_rituals()
    return (sorted(rituals.values_list("name", flat=True))
            == sorted(r.name for r in template.rituals)
            and not rituals.exclude(sequence=0).exists())


def _archived_title(title, stamp, taken):
    base = f"{title}{ARCHIVED}{stamp}"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base} ({n})", n + 1
    taken.add(candidate.lower())
    return candidate[:120]


def archive_model(*, actor, door, now=None):
    """Set the live model aside, readable and read-only: every live run book, the current
    matrix and every live ritual are stamped archived at the same moment (the archive
    page groups them by it). Returns what was archived."""
    policy.require_administer(actor)
    now = now or timezone.now()
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")
    taken = {t.lower() for t in runbook_selectors.runbooks(include_archived=True)
             .values_list("title", flat=True)}
    books = list(live_runbooks())
    for book in books:
        runbook_services.runbook_update(runbook=book, actor=actor, door=door,
                                        title=_archived_title(book.title, stamp, taken))
        runbook_services.runbook_archive(runbook=book, actor=actor, door=door, at=now)
    matrices = list(raci_selectors.live_current_matrices())
    for matrix in matrices:
        raci_services.matrix_update(matrix=matrix, actor=actor, door=door,
                                    title=f"{matrix.title}{ARCHIVED}{stamp}"[:120])
        raci_services.matrix_archive(matrix=matrix, actor=actor, door=door, at=now)
    rituals = list(cadence_selectors.live_rituals())
    for ritual in rituals:
        cadence_services.ritual_archive(ritual=ritual, actor=actor, door=door, at=now)
    return {"runbooks": len(books), "matrices": len(matrices), "rituals": len(rituals)}


def _check_invites(invite):
    functions = {f.slug: f for f in Function.objects.all()}
    errors = {}
    for slug, email in (invite or {}).items():
        if slug not in functions:
            errors[f"invite.{slug}"] = ["No function with this slug."]
            continue
        try:
            validate_email(email)
        except ValidationError:
            errors[f"invite.{slug}"] = ["Enter a valid e-mail address."]
    if errors:
        raise ValidationError(errors)
    return functions


def _username_for(email):
    User = get_user_model()
    base = email.split("@")[0].lower()[:140] or "head"
    name, n = base, 2
    while User.objects.filter(username=name).exists():
        name, n = f"{base}{n}", n + 1
    return name


def _invitees_here(invite):
    """``(field, person)`` for each invited address that already has an account."""
    User = get_user_model()
    return [(f"invite.{slug}", user) for slug, email in (invite or {}).items()
            if (user := User.objects.filter(email__iexact=email).order_by("pk").first())]


def _invite(invite, functions, *, actor, door):
    """Name each invited person the head of their function, creating their account when
    the address is new (no usable password: their invitation carries a one-time link to
    choose one, or says to use single sign-on), then send each person one invitation
    naming every function they now head (``revops.invitations``). Someone deactivated
    cannot be named: a ValidationError on ``invite.<slug>``."""
    User = get_user_model()
    named = []
    for slug, email in (invite or {}).items():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            user = User(username=_username_for(email), email=email)
            user.set_unusable_password()
            user.save()
        named.append((user, functions[slug]))
    # A deactivated person is refused by the field that names them, before any seat moves.
    people.lock_active([(f"invite.{function.slug}", user) for user, function in named])
    for user, function in named:
        if function.head_id != user.pk:
            core_services.function_update(actor=actor, door=door, function=function, head=user)
    heads = {}
    for user, function in named:
        heads.setdefault(user.pk, (user, []))[1].append(function)
    sent = {pk: invitations.invitation_send(user=user, functions=headed, actor=actor, door=door)
            for pk, (user, headed) in heads.items()}
    return [{"function": function.slug, "function_name": function.name,
             "username": user.get_username(), "email": user.email,
             "invitation": sent[user.pk].way_in.value,
             "link_expires_at": sent[user.pk].expires_at}
            for user, function in named]


def _build(template, *, actor, door, now):
    label = template.label.lower()
    books = []
    for index, plan in enumerate(template.runbooks):
        book = runbook_services.runbook_create(title=plan.title, motion=plan.motion,
                                               is_default=index == 0, actor=actor, door=door)
        for section in book.sections.order_by("position"):
            runbook_services.section_revise(
                section=section, body=plan.sections[section.kind], base_revision=1,
                summary=DRAFT_SUMMARY.format(label=label), mark_reviewed=False,
                actor=actor, door=door,
            )
        books.append(book)
    matrix = raci_services.matrix_create(
        title=_matrix_title(template), is_current=True, actor=actor, door=door,
        rows=[{"name": r.name, "cells": r.cells, "layer": r.layer,
               "description": r.description} for r in template.rows])
    functions = {f.slug: f for f in Function.objects.all()}
    sections = {(s.runbook.motion, s.kind): s
                for s in runbook_selectors.sections_of(runbooks=books)}
    default_motion = books[0].motion
    rituals = []
    for plan in template.rituals:
        rituals.append(cadence_services.ritual_create(
            actor=actor, door=door, name=plan.name, horizon=plan.horizon, layer=plan.layer,
            rrule=plan.rrule, timezone=settings.TIME_ZONE, duration_minutes=plan.minutes,
            owner=functions.get(plan.owner),
            attendees=[functions[s] for s in plan.attendees if s in functions],
            output=plan.output, agenda=plan.agenda, purpose=plan.purpose,
            output_section=sections.get((plan.runbook, plan.section))
            or sections[(default_motion, plan.section)],
            now=now,
        ))
    add_core_definitions(sections=sections, default_motion=default_motion, actor=actor,
                         door=door)
    add_starting_metrics(motion=template.motion, sections=sections,
                         default_motion=default_motion, actor=actor, door=door)
    return books, matrix, rituals


def add_core_definitions(*, sections, default_motion, actor, door, at=None):
    """The core definitions (``motions.definitions.CORE``), each tied to its section of
    the ``default_motion`` run book (``sections``: ``{(motion, kind): section}``). A term
    already defined is left as it is (a replaced model keeps the glossary it had).
    Returns the definitions made."""
    functions = {f.slug: f for f in Function.objects.all()}
    taken = runbook_selectors.definition_slugs()
    made = []
    for plan in motions.definitions.CORE:
        if slugify(plan.term) in taken or plan.owner not in functions:
            continue
        made.append(runbook_services.definition_create(
            term=plan.term, body=plan.body, layer=plan.layer, owner=functions[plan.owner],
            agreeing=[functions[s] for s in plan.agreeing if s in functions],
            formula=plan.formula, section=sections.get((default_motion, plan.section)),
            summary="Core definition", actor=actor, door=door, at=at))
    return made


def add_starting_metrics(*, motion, sections, default_motion, actor, door, at=None):
    """``motion``'s starting metrics (``motions.metrics``) with their targets, each on its
    definition: the core one of its term, else its own from ``motions.metrics.DEFINITIONS``
    (made here, tied to its section of the ``default_motion`` run book). A metric or a
    definition already there is left as it is. Returns the metrics made."""
    plans = motions.metrics.plans(motion)
    functions = {f.slug: f for f in Function.objects.all()}
    definitions = runbook_selectors.definitions_by_slug({slugify(p.term) for p in plans})
    taken = insights_selectors.metric_slugs()
    made = []
    for plan in plans:
        if plan.slug in taken:
            continue
        definition = definitions.get(slugify(plan.term))
        if definition is None:
            wording = next(d for d in motions.metrics.DEFINITIONS if d.term == plan.term)
            definition = runbook_services.definition_create(
                term=wording.term, body=wording.body, layer=wording.layer,
                owner=functions[wording.owner],
                agreeing=[functions[s] for s in wording.agreeing if s in functions],
                formula=wording.formula,
                section=sections.get((default_motion, wording.section)),
                summary="Core definition", actor=actor, door=door, at=at)
            definitions[definition.slug] = definition
        made.append(insights_services.metric_create(
            definition=definition, slug=plan.slug, unit=plan.unit, direction=plan.direction,
            period=plan.period, formula=plan.formula, target=plan.target,
            warning=plan.warning, actor=actor, door=door))
    return made


@transaction.atomic
def bootstrap(*, motion, actor, door, replace=False, fiscal_year_start_month=None,
              invite=None, now=None):
    """Make the model of ``motion``'s template. Returns an ``Outcome`` (``created`` is
    False when the same model was already there). ``invite`` maps function slugs to the
    e-mail of the head to name. Raises ``ModelExists`` (409) when another model is here
    and ``replace`` is not given, a ValidationError keyed by field for bad input."""
    policy.require_administer(actor)
    if motion not in motions.MOTIONS:
        raise ValidationError({"motion": [
            f"Choose one of {', '.join(motions.MOTIONS)}, not {motion!r}."]})
    functions = _check_invites(invite)
    missing = {r.owner for r in motions.template(motion).rituals} - set(functions)
    if missing:
        raise ValidationError({"motion": [
            "The template needs the functions " + ", ".join(sorted(missing)) + "."]})
    template = motions.template(motion)
    now = now or timezone.now()
    hold_model()
    # The invitees already here are locked (and a deactivated one refused) before any
    # ritual is moved or archived below: people before the rows they receive.
    people.lock_active(_invitees_here(invite))
    if fiscal_year_start_month is not None:
        # Stored first, so the quarterly rituals made below land on its quarters.
        overview_services.organisation_update(
            actor=actor, door=door, fiscal_year_start_month=fiscal_year_start_month, now=now)
    existing = existing_model()
    if existing and _is_untouched(template):
        invited = _invite(invite, functions, actor=actor, door=door)
        return Outcome(motion, False, list(live_runbooks()),
                       raci_selectors.current_matrix(),
                       list(cadence_selectors.active_rituals()), invited=invited)
    archived = {}
    if existing:
        if not replace:
            raise ModelExists(existing)
        archived = archive_model(actor=actor, door=door, now=now)
    books, matrix, rituals = _build(template, actor=actor, door=door, now=now)
    invited = _invite(invite, functions, actor=actor, door=door)
    outcome = Outcome(motion, True, books, matrix, rituals, archived, invited)
    audit.record(actor=actor, door=door, action="bootstrap", obj=books[0],
                 object_type="model", changes={"motion": motion, "replace": bool(replace),
                                               "archived": archived})
    return outcome
