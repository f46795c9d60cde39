"""What this install says about itself to an identity provider, in SCIM terms.

The resources are scim2-models' (pydantic models of RFC 7643), cut down to what RevOps
keeps about a person, so that what a provider writes is what it reads back: a User is a
username, a given and a family name, one e-mail address (with its kind), whether they may
sign in, the provider's own id for them (``externalId``) and, read-only, the groups they
are in. The one Group is "RevOps leads", whose members have lead rights.

Attributes a provider sends that are not declared here (Okta's ``displayName`` and
``locale``, Entra's enterprise extension…) are ignored rather than refused, and Entra's
habits are tolerated: a ``remove`` whose ``value`` names the members to remove, and a
``replace`` on ``emails[type eq "work"].value`` when there is no work address yet. Both
are the ``ScimPolicy`` settings scim2-models provides for them.
"""

from typing import Annotated, Any, ClassVar

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    ExtensibleStringEnum,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

#: The most resources one page of a search returns.
MAX_RESULTS = 200


class Name(ComplexAttribute):
    given_name: str | None = None
    """The person's given name (first name)."""

    family_name: str | None = None
    """The person's family name (last name)."""


class Email(ComplexAttribute):
    class Type(ExtensibleStringEnum):
        work = "work"
        home = "home"
        other = "other"

    # Checked as every address in the app is (Django's EmailField), not by pydantic's
    # stricter rule, so an address RevOps already holds always reads back.
    value: str | None = None
    """The person's e-mail address: where invitations, reminders and briefs go."""

    type: Type | None = None
    """What kind of address it is, e.g. 'work'."""


class GroupMembership(ComplexAttribute):
    value: Annotated[str | None, Mutability.read_only, CaseExact.true] = None
    """The id of a group the person is in."""

    ref: Annotated[Reference["Group"] | None, Mutability.read_only] = Field(
        None, serialization_alias="$ref", validation_alias="$ref")
    """The URI of the group."""

    display: Annotated[str | None, Mutability.read_only] = None
    """The group's name."""


class User(Resource[Any]):
    """A person who may sign in to RevOps."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The person's username in RevOps."""

    name: Name | None = None
    """The components of the person's name."""

    Name: ClassVar[type[ComplexAttribute]] = Name

    active: Annotated[bool | None, Required.true] = None
    """Whether the person may sign in. Setting it to false is their departure: what they
    hold is handed over (or left vacant for deputies) at once. Required here (RFC 7643
    leaves it optional): a person may sign in or not, and there is no third state for a
    removed value to mean."""

    emails: list[Email] | None = None
    """The person's e-mail address. RevOps keeps one: of several, the primary one, else
    the first work address, else the first."""

    Emails: ClassVar[type[ComplexAttribute]] = Email

    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None
    """The groups the person is in: "RevOps leads" or none."""

    Groups: ClassVar[type[ComplexAttribute]] = GroupMembership


class GroupMember(ComplexAttribute):
    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    """The id of a User in the group."""

    ref: Annotated[Reference[User] | None, Mutability.immutable] = Field(
        None, serialization_alias="$ref", validation_alias="$ref")
    """The URI of the User."""

    display: str | None = None
    """The member's name, as RevOps shows it (what a provider sends here is not kept)."""


class Group(Resource[Any]):
    """The RevOps leads: its members have lead rights."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    """The group's name."""

    members: list[GroupMember] | None = None
    """The people in the group."""

    Members: ClassVar[type[ComplexAttribute]] = GroupMember


CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    authentication_schemes=[AuthenticationScheme(
        type=AuthenticationScheme.Type.oauthbearertoken, name="Bearer token",
        description="An API token of scope scim, made by a RevOps lead.", primary=True)],
)

POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

PROVIDER = ScimProvider(models=[User, Group], config=CONFIG, policy=POLICY)
