"""Every role × every write action × every door (UI, API, console, and the write service
called directly): allowed or refused.

Acceptance point 1 of issue 6. One row per case: ``(action, door, role, expected)``.
Roles (docs/design.md, "Seats and roles"):

- ``lead``: member of "RevOps leads" (heads no function);
- ``head_own``: the head of Sales acting on a Sales-owned object;
- ``head_other``: the same Sales head acting on a Marketing-owned object (a crafted
  request: the UI and console would not offer it);
- ``viewer``: any other active user; ``anonymous``: nobody signed in;
- API only: ``read_token`` (a read-scope token of a user who could otherwise do it: a
  lead's, or for the sign-off the Sales head's) and ``write_token`` (the Sales head's
  write-scope token: exactly what the head may).

Every case checks the HTTP answer and the database: a refused write changes nothing
(the action's probe reads the same before and after), an allowed one changes it.
What each action posts, and which doors offer it, is in ``tests/core/access_actions.py``.

Every case starts from the same rows, made once rather than per case: the people and
their sessions once for the module (``people``), the objects an action builds once for
the cases that share them (``built``: pytest runs those cases one after another), each in
a transaction rolled back afterwards, while each case's own writes are rolled back by its
test transaction. A case gets fresh copies of the Python objects.
"""

import copy
from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from revops import services
from revops.defaults import ensure_defaults
from revops.errors import Refused
from revops.models import ApiToken, AuditEntry, Door, Function
from tests.core.access_actions import ACTIONS, LEADS, NOBODY, OWNED, READER, SIGNER, Ctx
from tests.core.test_audit_coverage import CALLS, audited_services
from tests.factories import LeadFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

ROLES = ["lead", "head_own", "head_other", "viewer", "anonymous"]
TOKEN_ROLES = ["read_token", "write_token"]

# Who is allowed, by the action's rule (docs/design.md, "Seats and roles").
ALLOWED = {
    OWNED: {"lead", "head_own", "write_token"},
    LEADS: {"lead"},
    SIGNER: {"head_own", "write_token"},
    NOBODY: set(),
    READER: {"lead", "head_own", "head_other", "viewer", "write_token"},
}


def _table():
    rows = []
    for name, action in ACTIONS.items():
        for door in action.doors:
            for role in ROLES + (TOKEN_ROLES if door == "api" else []):
                expected = "allow" if role in ALLOWED[action.who] else "deny"
                rows.append((name, door, role, expected))
    return rows


TABLE = _table()

# Refusals answered without an error message: the refused field is read-only for the user
# and the posted value is dropped (a head's own section's owner in the console); the
# console's sign-off action signs the user's own function, never the one targeted; the
# profile page saves the poster's own zone and ignores a crafted ``user``.
QUIET_REFUSALS = {("section-owner", "console"), ("signoff", "console"),
                  ("profile-other-ui", "ui")}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """The people of every case, made once, in a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_defaults(Function, Group)  # a transactional test run before may have flushed them
        with time_machine.travel(NOW, tick=False):
            made = {
                "lead": LeadFactory(username="lead"),
                "sales_head": make_head("sales", "sales-head"),
                "marketing_head": make_head("marketing", "marketing-head"),
                "viewer": UserFactory(username="viewer"),
            }
        yield made
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def sessions(people, django_db_blocker):
    """A signed-in session of each person (by user id), made once with the people."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        made = {}
        for user in people.values():
            client = Client()
            client.force_login(user)
            made[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return made


@pytest.fixture(scope="module")
def built(request, people, sessions, django_db_blocker):
    """What the case's action builds (``request.param``: its setup and the target
    function), made once for the cases that share it, in a savepoint rolled back before
    the next ones (after ``sessions``, which it must not roll back), with the people as
    the setup left them. Each case takes a copy."""
    setup, slug = request.param
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(NOW, tick=False):
            target, other = _functions(slug)
            users = copy.deepcopy(people)
            state = setup(Ctx(target=target, other=other, users=users, lead_client=None,
                              now=NOW))
        yield users, state
        transaction.set_rollback(True)


def _target_slug(role):
    return "marketing" if role == "head_other" else "sales"


def _functions(slug):
    """The target function and another one."""
    other = "sales" if slug == "marketing" else "marketing"
    return Function.objects.get(slug=slug), Function.objects.get(slug=other)


def _signed_in(client, user, sessions):
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[user.pk]
    return client


def _actor(role, action, people):
    if role in {"head_own", "head_other", "write_token"}:
        return people["sales_head"]
    if role == "read_token":
        # A token of someone the rule would let write, so only the scope refuses it.
        return people["sales_head"] if action.who == SIGNER else people["lead"]
    return people.get(role)


def _client(role, door, actor, sessions, action):
    client = APIClient() if door == "api" else Client()
    if role in TOKEN_ROLES:
        scope = ApiToken.Scope.READ if role == "read_token" else action.token_scope
        _, raw = services.api_token_create(actor=actor, door=Door.CLI, user=actor,
                                           name=f"matrix {role}", scope=scope)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    elif actor is not None:
        _signed_in(client, actor, sessions)
    return client


def _assert_refused_answer(response, action_name, role, door, deny):
    status = response.status_code
    if role == "anonymous" and door == "ui":
        assert status == 302 and response["Location"].startswith("/accounts/login/"), status
    elif role == "anonymous" and door == "api":
        assert status == 401, status
    elif door == "console" and role == "anonymous":
        # Signed out: sent to the console's login, whatever the URL.
        assert status == 302 and response["Location"].startswith("/admin/login/"), status
    elif door == "console" and role == "viewer":
        # Signed in but not a console user: told the console is not for them.
        assert status == 403 and b"for function heads and" in response.content, status
    elif role == "read_token":
        assert status == 403, status
    else:
        assert status in deny, (status, response.content[:500])
        if status == 302 and (action_name, door) not in QUIET_REFUSALS:
            # A refusal answered with a redirect says why (UI sign-off, console actions).
            levels = {m.level_tag for m in get_messages(response.wsgi_request)}
            assert levels & {"error", "info"}, levels


@pytest.mark.parametrize(
    ("case", "built"),
    [(case, (ACTIONS[case[0]].setup, _target_slug(case[2]))) for case in TABLE],
    ids=[f"{a}-{d}-{r}-{e}" for a, d, r, e in TABLE],
    indirect=["built"],
    # Module scope makes pytest run the cases with equal ``built`` keys one after another,
    # and ``built`` is made once for them.
    scope="module",
)
def test_access(case, built, sessions):
    action_name, door, role, expected = case
    action = ACTIONS[action_name]
    people, state = copy.deepcopy(built)
    target, other = _functions(_target_slug(role))
    lead_client = _signed_in(Client(), people["lead"], sessions)
    ctx = Ctx(target=target, other=other, users=people, lead_client=lead_client, now=NOW)
    if door == "service":
        _check_service(action, role, expected, ctx, state, people)
        return
    perform, ok, deny = action.doors[door]
    client = _client(role, door, _actor(role, action, people), sessions, action)

    before = action.probe(ctx, state)
    response = perform(client, ctx, state)
    after = action.probe(ctx, state)

    if expected == "allow":
        assert response.status_code in ok, (response.status_code, response.content[:800])
        assert after != before, f"allowed, but nothing changed: {before!r}"
    else:
        _assert_refused_answer(response, action_name, role, door, deny)
        assert after == before, f"refused, but the database changed: {before!r} → {after!r}"


def _check_service(action, role, expected, ctx, state, people):
    """The fourth door: the service itself, with the role's user as ``actor``."""
    actor = _actor(role, action, people) or AnonymousUser()
    before = action.probe(ctx, state)
    if expected == "allow":
        action.doors["service"](actor, ctx, state)
        assert action.probe(ctx, state) != before, f"allowed, but nothing changed: {before!r}"
    else:
        with pytest.raises(Refused):
            action.doors["service"](actor, ctx, state)
        after = action.probe(ctx, state)
        assert after == before, f"refused, but the database changed: {before!r} → {after!r}"


def test_the_table_covers_every_role_on_every_door_offered():
    """Readable size check: each action × door has every role once."""
    by_action_door = {}
    for name, door, role, _ in TABLE:
        by_action_door.setdefault((name, door), []).append(role)
    for (_, door), roles in by_action_door.items():
        assert sorted(roles) == sorted(ROLES + (TOKEN_ROLES if door == "api" else []))
    assert len(TABLE) > 150


# The service door, generated from the write services ----------------------------------
#
# The actions above call the services their doors lead to; a write service no door leads
# to yet (or whose door is only a job) would not be called by anyone here. So the service
# door is also generated from the list of write services (every service taking ``door``,
# each with its call in ``CALLS``): each is called with a lead, a viewer (heading
# nothing) and nobody signed in as its actor, and must write or raise ``Refused`` as its
# rule says. A new write service fails until it has a call and a rule.
SELF = "self"  # any signed-in person, on what is theirs: their token, zone, concern, item
SERVICE_RULES = {
    **dict.fromkeys(CALLS, LEADS),
    **dict.fromkeys(["revops.api_token_create", "revops.api_token_revoke",
                     "revops.api_tokens_revoke", "revops.profile_update",
                     "cadence.feed_token_create", "cadence.feed_token_revoke",
                     "cadence.feed_tokens_revoke", "runbook.concern_raise",
                     "overview.handover_item_accept"], SELF),
    **dict.fromkeys(["raci.signoff_create", "runbook.definition_agree",
                     "changes.proposal_approve", "changes.proposal_reject",
                     "changes.acknowledge"], SIGNER),
    "changes.proposal_comment": SELF,
    # Owned: a lead may, a head on what their function owns (the rows above), a viewer not.
    **dict.fromkeys(["runbook.section_review", "runbook.section_revise",
                     "runbook.section_update", "runbook.definition_create",
                     "runbook.definition_update", "runbook.definition_revise",
                     "runbook.definition_review", "cadence.occurrence_record",
                     "cadence.ritual_create", "cadence.ritual_update", "cadence.ritual_delete",
                     "cadence.ritual_archive", "cadence.rituals_give_owner_person",
                     "cadence.actions_give_owner", "changes.proposal_open",
                     "changes.proposal_revert"], OWNED),
}
SERVICE_ALLOWED = {LEADS: {"lead"}, OWNED: {"lead"}, SIGNER: set(), SELF: {"lead", "viewer"}}


def test_every_write_service_has_a_rule_and_a_call():
    assert set(SERVICE_RULES) == set(CALLS) == audited_services()


@pytest.mark.parametrize("role", ["lead", "viewer", "anonymous"])
@pytest.mark.parametrize("name", sorted(n for n, call in CALLS.items() if call))
def test_each_write_service_asks_the_policy(name, role, request):
    """Called directly with the role's user as actor, through a door no setup uses."""
    rule = SERVICE_RULES[name]
    if role == "anonymous" and rule in {SELF, SIGNER}:
        pytest.skip("what is one's own, or one's function's, needs someone signed in")
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    if role == "anonymous":
        with pytest.raises(Refused):
            CALLS[name](actor, Door.CONSOLE)
    elif role in SERVICE_ALLOWED[rule]:
        CALLS[name](actor, Door.CONSOLE)
        assert AuditEntry.objects.filter(actor=actor, door=Door.CONSOLE).exists()
    else:
        with pytest.raises(Refused):
            CALLS[name](actor, Door.CONSOLE)
    if role not in SERVICE_ALLOWED[rule]:
        assert not AuditEntry.objects.filter(door=Door.CONSOLE).exists()
