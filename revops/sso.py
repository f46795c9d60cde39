"""Single sign-on with OpenID Connect (authorization code flow with PKCE).

mozilla-django-oidc runs the flow: state, nonce and PKCE verifier in the session, the
code exchange, the ID token's signature against the provider's keys. We add what it
leaves to us: discovery from ``OIDC_ISSUER``, the ID token's issuer and audience,
users found by ``sub`` rather than by e-mail (or, on an invited person's first sign-in
through their invitation link, joined to the account they were invited to), lead
membership from the groups claim, and clear pages instead of tracebacks when something
is wrong.

Nothing here logs or audits a token, a code or the client secret.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from revops import audit, people, seats
from revops.defaults import LEADS_GROUP
from revops.models import Door, ExternalIdentity

logger = logging.getLogger(__name__)

#: Short, so that a provider moved or taken down is noticed within minutes rather than
#: sign-in redirecting people to it for an hour.
DISCOVERY_SECONDS = 300
#: Where a browser that came through an invitation link keeps it until the callback.
INVITATION_KEY = "revops_sso_invitation"
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or not with what OpenID Connect promises."""


class ProviderUnreachable(ProviderUnavailable):
    """The identity provider did not answer at all (no connection, or a timeout)."""


class SignInRefused(Exception):
    """A sign-in we will not complete; the message is shown to the person."""


def enabled():
    return bool(settings.OIDC_ISSUER)


def _cached(key):
    """The cached value, or None when it is not there or the cache cannot be read: the
    cache only spares a request, so a cache that is down must not stop a sign-in."""
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 - each cache backend fails its own way
        logger.warning("SSO: the cache cannot be read (%s); fetching", type(exc).__name__)
        return None


def _cache(key, value):
    try:
        cache.set(key, value, DISCOVERY_SECONDS)
    except Exception as exc:  # noqa: BLE001 - as in _cached
        logger.warning("SSO: the cache cannot be written (%s)", type(exc).__name__)


def discovery():
    """The provider's metadata from ``{OIDC_ISSUER}/.well-known/openid-configuration``,
    kept for ``DISCOVERY_SECONDS``. Its ``issuer`` must be the one configured (OpenID
    Discovery §4.3)."""
    issuer = settings.OIDC_ISSUER
    key = "revops:oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    metadata = _cached(key)
    if metadata is not None:
        return metadata
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    except (requests.ConnectionError, requests.Timeout) as exc:
        logger.warning("OpenID discovery at %s failed: %s", url, type(exc).__name__)
        raise ProviderUnreachable(f"{url} did not answer") from exc
    try:
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OpenID discovery at %s failed: %s", url, type(exc).__name__)
        raise ProviderUnavailable(f"{url} did not answer with its metadata") from exc
    if not isinstance(metadata, dict):
        raise ProviderUnavailable(f"{url} did not answer with its metadata")
    if metadata.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailable(f"{url} names another issuer")
    missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - metadata.keys()
    if missing:
        raise ProviderUnavailable(f"{url} lacks {', '.join(sorted(missing))}")
    _cache(key, metadata)
    return metadata


def check_response_issuer(iss, metadata):
    """RFC 9207: the authorization response's ``iss`` must be the issuer we sent the
    person to, and a provider that says it sends ``iss`` must have sent it — without
    it, an answer from another provider (a mix-up) could not be told apart."""
    if iss is None:
        if metadata.get("authorization_response_iss_parameter_supported") is True:
            raise SignInRefused("The answer did not say which identity provider sent it. "
                                "Start again from the sign-in page.")
        return
    if iss != metadata["issuer"]:
        raise SignInRefused("The answer came from another identity provider.")


def email_is_verified(claims, *, provider_verifies):
    """Whether the ``email`` claim may become the account's address: not when the provider
    says it is unverified, nor when it says nothing although it tells verified addresses
    apart (``email_verified`` among its ``claims_supported``)."""
    verified = claims.get("email_verified")
    if isinstance(verified, str):  # some providers send the JSON boolean as text
        verified = verified.strip().lower() == "true"
    if verified is None:
        return not provider_verifies
    return verified is True


# --- Claims to a person: pure, so every case is a row in a table test.

@dataclass(frozen=True)
class Profile:
    subject: str
    username: str
    email: str | None  # None: an address the provider did not verify
    first_name: str
    last_name: str
    is_lead: bool | None  # None: the provider does not decide who leads


def _groups(claims, name):
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def profile_from_claims(claims, *, groups_claim="groups", leads_group="",
                        provider_verifies_email=False):
    """What the ID token and userinfo say about a person, in our terms. An e-mail address
    the provider did not verify (``email_is_verified``) is no address of theirs:
    ``Profile.email`` is then None, and the account keeps the one it has."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("The identity provider did not say who you are (no sub claim).")
    email = str(claims.get("email") or "")
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not (first or last) and claims.get("name"):
        first, _, last = str(claims["name"]).partition(" ")
    username = str(claims.get("preferred_username") or email.partition("@")[0] or subject)
    username = USERNAME_UNSAFE.sub("-", username)[:120] or "user"
    is_lead = leads_group in _groups(claims, groups_claim) if leads_group else None
    if email and not email_is_verified(claims, provider_verifies=provider_verifies_email):
        email = None
    return Profile(subject=subject, username=username,
                   email=None if email is None else email[:254],
                   first_name=first[:150], last_name=last[:150], is_lead=is_lead)


def _free_username(wanted, *, issuer, subject):
    """``wanted`` unless someone has it; then made unique by the identity, never by taking
    over an existing account (a local account with the same name stays that person's)."""
    User = get_user_model()
    if not User.objects.filter(username=wanted).exists():
        return wanted
    digest = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()
    for size in (6, 12, 64):
        candidate = f"{wanted[:120]}-{digest[:size]}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
    raise SignInRefused("No username is free for you; ask a RevOps lead.")


PROFILE_FIELDS = ["username", "email", "first_name", "last_name"]


def _audited(user, is_lead):
    return {**audit.snapshot(user, PROFILE_FIELDS), "revops_lead": is_lead}


def invited_user(uidb64, token):
    """The invited account a one-time invitation link names, or None when the link names
    nobody, is spent (the person signed in or chose a password since), has expired, or
    names someone who already has a way in (``people.awaiting_first_sign_in``)."""
    User = get_user_model()
    try:
        user = User._default_manager.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, User.DoesNotExist, ValidationError):
        return None
    if default_token_generator.check_token(user, token) and people.awaiting_first_sign_in(user):
        return user
    return None


def _joinable(invited):
    """``invited``, locked, while no identity has joined it yet; else None."""
    if invited is None:
        return None
    invited = get_user_model().objects.select_for_update().get(pk=invited.pk)
    return None if ExternalIdentity.objects.filter(user=invited).exists() else invited


@transaction.atomic
def sign_in_from_claims(*, issuer, claims, invited=None, provider_verifies_email=False):
    """The user for a verified sign-in: made on the first one, then refreshed (name,
    e-mail, lead membership) on every one, each change audited as the system's. Function
    heads stay as set in the app: the provider does not know our functions.

    ``invited`` is the account a one-time invitation link named (``invited_user``): a
    first sign-in joins it rather than making a new account, keeping its username and the
    functions it was named head of. That is no take-over: following the link proves the
    person reads the address a lead invited."""
    profile = profile_from_claims(claims, groups_claim=settings.OIDC_GROUPS_CLAIM,
                                  leads_group=settings.OIDC_LEADS_GROUP,
                                  provider_verifies_email=provider_verifies_email)
    if settings.OIDC_LEADS_GROUP:
        # The sign-in may take lead rights away: the lock such writes hold, before any
        # row lock, as a deactivation takes it (revops.seats).
        seats.hold_lead_rights()
    identity = (ExternalIdentity.objects.select_related("user").select_for_update()
                .filter(issuer=issuer, subject=profile.subject).first())
    joined = _joinable(invited) if identity is None else None
    if identity is not None or joined is not None:
        user = identity.user if identity is not None else joined
        was_lead = user.groups.filter(name=LEADS_GROUP).exists()
        before = _audited(user, was_lead)
    else:
        user = get_user_model()(username=_free_username(
            profile.username, issuer=issuer, subject=profile.subject))
        user.set_unusable_password()
        was_lead, before = False, {}
    if profile.email is not None:
        user.email = profile.email
    user.first_name, user.last_name = profile.first_name, profile.last_name
    user.save()
    if identity is None:
        ExternalIdentity.objects.create(user=user, issuer=issuer, subject=profile.subject)
    else:
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
    is_lead = was_lead if profile.is_lead is None else profile.is_lead
    if is_lead != was_lead:
        leads = Group.objects.get(name=LEADS_GROUP)
        if is_lead:
            user.groups.add(leads)
        else:
            try:
                with transaction.atomic():
                    user.groups.remove(leads)
                    seats.require_a_lead_remains()
            except seats.NoLeadLeft:
                # The provider's groups cannot leave the install without a lead: the
                # grant stays until someone else can run it.
                is_lead = True
                logger.warning("SSO: %s kept lead rights: nobody else has them",
                               user.get_username())
    changes = audit.changes_between(before, _audited(user, is_lead))
    if joined is not None:
        changes["single_sign_on"] = [None, issuer]
    if changes:
        audit.record(actor=None, door=Door.UI, action="update" if before else "create",
                     obj=user, changes=changes)
    return user


# --- Authentication backends

class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with endpoints from discovery, the ID token's issuer
    and audience checked, and users found by ``sub``."""

    def __init__(self, *args, **kwargs):
        # Django makes a backend for every request of a signed-in user: read no settings
        # and fetch nothing until a sign-in actually happens.
        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802 - the names the library reads
        return settings.OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self):  # noqa: N802
        return settings.OIDC_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self):  # noqa: N802
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_USER_ENDPOINT(self):  # noqa: N802
        return discovery().get("userinfo_endpoint")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return discovery()["jwks_uri"]

    def authenticate(self, request, *, nonce, code_verifier, **kwargs):
        """Only the callback passes ``nonce`` and ``code_verifier``: a password sign-in
        never reaches the provider, whatever its query string says."""
        if not enabled():
            return None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def _verify_jws(self, payload, key):
        """The library checks the signature and expiry; we also insist on our issuer and
        on being the audience (OpenID Connect Core §3.1.3.7)."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as exc:
            raise SignInRefused("The identity provider's ID token is malformed.") from exc
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused("The ID token is not signed the way we expect.")
        try:
            return jwt.decode(
                payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID, issuer=discovery()["issuer"], leeway=60,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.InvalidAudienceError as exc:
            raise SignInRefused("The ID token was issued for another application.") from exc
        except jwt.InvalidIssuerError as exc:
            raise SignInRefused("The ID token comes from another identity provider.") from exc
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused("The ID token has expired; sign in again.") from exc
        except jwt.PyJWTError as exc:
            raise SignInRefused("The ID token's signature does not verify.") from exc

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub")) != str(payload.get("sub")):
                # OpenID Connect Core §5.3.2: userinfo about someone else is not used.
                raise SignInRefused("The identity provider answered about someone else.")
            claims.update(userinfo)
        metadata = discovery()
        return sign_in_from_claims(
            issuer=metadata["issuer"], claims=claims, invited=self._invited(),
            provider_verifies_email="email_verified" in metadata.get("claims_supported", []))

    def raise_token_response_error(self, response):
        """RFC 6749 §5.2: a 400 or 401 naming an error is the provider refusing this code
        (wrong, spent or expired, or a PKCE verifier that does not match), not a provider
        out of reach."""
        if response.status_code in (400, 401):
            try:
                error = response.json().get("error")
            except (ValueError, AttributeError):
                error = None
            if isinstance(error, str) and error:
                raise SignInRefused(
                    f"{settings.OIDC_PROVIDER_NAME} refused this sign-in ({error[:60]}). "
                    "Start again from the sign-in page.")
        super().raise_token_response_error(response)

    def _invited(self):
        """The invited account this browser came through an invitation link for, if the
        link still holds now (it is checked again: it may have been spent since)."""
        link = self.request.session.pop(INVITATION_KEY, None)
        return invited_user(*link) if link else None

    def get_user(self, user_id):
        """Unlike the library's, a user deactivated in the app is signed out at once."""
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class BreakGlassBackend(ModelBackend):
    """Password sign-in for superusers only: with ``REVOPS_PASSWORD_LOGIN=0`` everyone signs
    in through the provider, and an account made with ``createsuperuser`` is the way in
    when the provider is down."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.is_superuser


# --- Views

def error_page(request, message, *, status):
    return render(request, "registration/sso_error.html",
                  {"message": message, "provider_name": settings.OIDC_PROVIDER_NAME},
                  status=status)


class _Guarded:
    """Provider trouble and refused tokens become a page saying so, never a traceback."""

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            return super().dispatch(request, *args, **kwargs)
        except SignInRefused as exc:
            logger.info("Single sign-on refused: %s", exc)
            return error_page(request, str(exc), status=403)
        except (ProviderUnreachable, requests.ConnectionError, requests.Timeout) as exc:
            logger.warning("Single sign-on: the provider is out of reach (%s)",
                           type(exc).__name__)
            return error_page(
                request, f"{settings.OIDC_PROVIDER_NAME}, the identity provider, cannot be "
                "reached. Try again in a few minutes; if it lasts, tell your IT team.",
                status=503)
        except (ProviderUnavailable, requests.RequestException) as exc:
            # The exception text may quote the provider's answer; its class is enough.
            logger.warning("Single sign-on: the provider failed (%s)", type(exc).__name__)
            return error_page(
                request, f"{settings.OIDC_PROVIDER_NAME} gave an answer we cannot use. "
                "Try again in a minute.", status=502)
        except (SuspiciousOperation, jwt.PyJWTError) as exc:
            logger.info("Single sign-on refused: %s", type(exc).__name__)
            return error_page(request, "This sign-in could not be verified. Start again "
                              "from the sign-in page.", status=400)


class SignInStart(_Guarded, OIDCAuthenticationRequestView):
    """Send the person to the provider (state, nonce and PKCE challenge kept in the
    session by the library)."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the endpoint comes from discovery, per request

    @property
    def OIDC_OP_AUTH_ENDPOINT(self):  # noqa: N802
        return discovery()["authorization_endpoint"]

    @property
    def OIDC_RP_CLIENT_ID(self):  # noqa: N802
        return settings.OIDC_CLIENT_ID


class AcceptInvitation(_Guarded, View):
    """The link in an invitation sent while single sign-on is configured: remember it
    for this browser's sign-in, then go to the provider. The callback joins the
    provider identity to the invited account (``sign_in_from_claims``)."""

    def get(self, request, uidb64, token):
        if invited_user(uidb64, token) is None:
            raise SignInRefused(
                "This invitation link was already used or has expired. If you have signed "
                f"in before, sign in from the sign-in page; if not, sign in with "
                f"{settings.OIDC_PROVIDER_NAME} and ask a RevOps lead to hand the account "
                "you were invited to over to you.")
        request.session[INVITATION_KEY] = [uidb64, token]
        return HttpResponseRedirect(reverse("oidc_authentication_init"))


class SignInCallback(_Guarded, OIDCAuthenticationCallbackView):
    """Where the provider sends the person back with a code."""

    def get(self, request):
        if request.GET.get("error"):
            super().get(request)  # forgets the state, signs out
            return error_page(request, f"{settings.OIDC_PROVIDER_NAME} did not sign you "
                              f"in ({request.GET['error'][:100]}).", status=403)
        state = request.GET.get("state")
        if state is None or state not in request.session.get("oidc_states", {}):
            raise SignInRefused("This sign-in link was already used or has expired. "
                                "Start again from the sign-in page.")
        check_response_issuer(request.GET.get("iss"), discovery())
        return super().get(request)

    def login_failure(self):
        user = getattr(self, "user", None)
        if user is not None and not user.is_active:
            return error_page(self.request, "Your account is deactivated in RevOps. Ask a "
                              "RevOps lead if you need it back.", status=403)
        return error_page(self.request, "The sign-in did not complete. Start again from the "
                          "sign-in page.", status=403)


class SignOut(auth_views.LogoutView):
    """End the session here, then at the provider when it advertises how."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if not (id_token and enabled()):
            return response
        try:
            end_session = discovery().get("end_session_endpoint")
        except ProviderUnavailable:
            return response
        if not end_session:
            return response
        query = urlencode({
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        })
        separator = "&" if "?" in end_session else "?"
        return HttpResponseRedirect(f"{end_session}{separator}{query}")


class SignIn(auth_views.LoginView):
    """Django's password form, the provider's button next to it, or the button alone."""

    def get_context_data(self, **kwargs):
        local = self.request.GET.get("local") == "1"
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": enabled(),
            "sso_provider_name": settings.OIDC_PROVIDER_NAME,
            "password_login": settings.REVOPS_PASSWORD_LOGIN or local,
            "break_glass": not settings.REVOPS_PASSWORD_LOGIN,
        }
