"""Where scim2-server reads and writes: people and the leads group, through our services.

scim2-server does the protocol (it validates requests, applies a PUT or a PATCH to the
resource it read here, and hands back the whole new resource); this storage only reads
people into SCIM resources and turns a changed resource into the service calls that
make the change, with the token's owner as the actor and the SCIM door. The rules stay
the services': ``active: false`` is the departure, removing a lead from the group may be
refused because a lead must remain. Their refusals become SCIM errors here (403, 409,
400), and each request runs in one transaction (``operation``), so a refusal leaves
nothing changed.
"""

import hashlib
import json
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as DjangoGroup
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from scim2_models import (
    ConflictException,
    ForbiddenException,
    InvalidValueException,
    Meta,
    MutabilityException,
    NotFoundException,
    NotImplementedException,
    PreconditionFailedException,
    UniquenessException,
)
from scim2_server.storage import ScimStorage, SearchPage

from revops import policy
from revops import services as core_services
from revops.defaults import LEADS_GROUP
from revops.errors import Conflict, Refused
from revops.models import AuditEntry, Door
from revops.people import name_of
from scim import filters, services
from scim.resources import MAX_RESULTS, Email, Group, GroupMember, GroupMembership, Name, User

GROUP_FIXED = ("RevOps has one group, “RevOps leads”, whose members have lead rights: "
               "link your provider's group to it. Groups are not created or deleted here.")

#: The SCIM attribute a field of ours stands for, to name it in an error.
ATTRIBUTES = {"username": "userName", "first_name": "name.givenName",
              "last_name": "name.familyName", "email": "emails.value",
              "email_type": "emails.type", "external_id": "externalId"}


def _version(resource):
    """A weak version of what the resource says, so a write can tell whether the resource
    changed since it was read in the same request."""
    body = json.dumps(resource.model_dump(exclude={"meta"}), sort_keys=True, default=str)
    return 'W/"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'


def _with_meta(resource, *, resource_type, created, last_modified):
    resource.meta = Meta(resource_type=resource_type, created=created,
                         last_modified=max(created, last_modified or created))
    resource.meta.version = _version(resource)
    return resource


@contextmanager
def _answers():
    """The services' refusals as SCIM errors (RFC 7644 §3.12)."""
    try:
        yield
    except Refused as refusal:
        raise ForbiddenException(detail=str(refusal)) from refusal
    except Conflict as conflict:
        rule = conflict.detail().get("rule")
        detail = f"{conflict} (rule: {rule})" if rule else str(conflict)
        raise ConflictException(detail=detail) from conflict
    except ValidationError as error:
        pairs = [(field, message.code, message.message % (message.params or {}))
                 for field, messages in error.error_dict.items() for message in messages
                 ] if hasattr(error, "error_dict") else [(None, e.code, m) for e, m in zip(
                     error.error_list, error.messages, strict=True)]
        detail = "; ".join(f"{ATTRIBUTES.get(field, field)}: {message}" if field else message
                           for field, _, message in pairs)
        if any(code == "unique" for _, code, _ in pairs):
            raise UniquenessException(detail=detail) from error
        raise InvalidValueException(detail=detail) from error


def _chosen_email(emails):
    """The one address RevOps keeps: the primary one (a sub-attribute we do not keep,
    read from what the provider sent), else the first work address, else the first."""
    emails = [e for e in emails or [] if e.value]
    for email in emails:
        if email.unknown_attributes.get("primary") is True:
            return email
    for email in emails:
        if email.type == Email.Type.work:
            return email
    return emails[0] if emails else None


class RevOpsStorage(ScimStorage):
    """People as SCIM Users, the leads group as the one SCIM Group. ``actor`` is the
    owner of the token the request came with."""

    def __init__(self, actor):
        self.actor = actor

    def operation(self):
        return transaction.atomic()

    # -- reading --------------------------------------------------------------------

    def _people(self):
        memberships = DjangoGroup.user_set.through.objects.filter(
            user_id=OuterRef("pk"), group__name=LEADS_GROUP)
        return (get_user_model().objects.filter(scim_identity__deleted_at__isnull=True)
                .select_related("scim_identity")
                .annotate(in_leads_group=Exists(memberships)))

    def _leads_group(self):
        return policy.ensure_leads_group()

    def _person(self, resource_id, *, lock=False):
        people = self._people()
        if lock:
            people = people.select_for_update(of=("self",))
        person = (people.filter(pk=int(resource_id)).first()
                  if resource_id.isdigit() and len(resource_id) <= 18 else None)
        if person is None:
            raise NotFoundException(detail=f"No user {resource_id}")
        return person

    def user_resource(self, person, leads_group):
        identity = getattr(person, "scim_identity", None)
        name = (Name(given_name=person.first_name or None, family_name=person.last_name or None)
                if person.first_name or person.last_name else None)
        email_type = identity.email_type if identity else ""
        emails = ([Email(value=person.email, type=email_type or None)]
                  if person.email else None)
        groups = ([GroupMembership(value=str(leads_group.pk), ref=f"Groups/{leads_group.pk}",
                                   display=leads_group.name)]
                  if person.in_leads_group else None)
        resource = User(id=str(person.pk), user_name=person.username, name=name,
                        active=person.is_active, emails=emails, groups=groups,
                        external_id=(identity.external_id or None) if identity else None)
        return _with_meta(resource, resource_type="User", created=person.date_joined,
                          last_modified=identity.changed_at if identity else None)

    def group_resource(self, group):
        members = self._people().filter(groups=group).order_by("pk")
        resource = Group(id=str(group.pk), display_name=group.name, members=[
            GroupMember(value=str(p.pk), ref=f"Users/{p.pk}", display=name_of(p))
            for p in members] or None)
        # The group is as old as the install (its first person); it last changed when
        # someone last gained or lost lead rights through it.
        created = (get_user_model().objects.order_by("date_joined")
                   .values_list("date_joined", flat=True).first() or timezone.now())
        changed = (AuditEntry.objects.filter(changes__has_key="revops_lead")
                   .values_list("at", flat=True).first())
        return _with_meta(resource, resource_type="Group", created=created,
                          last_modified=changed)

    def _group(self, resource_id):
        group = self._leads_group()
        if resource_id != str(group.pk):
            raise NotFoundException(detail=f"No group {resource_id}")
        return group

    def get(self, resource_type, resource_id, *, response_parameters=None):
        if resource_type.name == "User":
            return self.user_resource(self._person(resource_id), self._leads_group())
        return self.group_resource(self._group(resource_id))

    def search(self, resource_types, search_request, *, position=None):
        """Users by id, then the group (a search at the root finds both kinds)."""
        start = search_request.start_index_0 or 0
        count = MAX_RESULTS if search_request.count is None else search_request.count
        scim_filter = search_request.filter
        names = {resource_type.name for resource_type in resource_types}
        people = get_user_model().objects.none()
        if "User" in names:
            people = self._people()
            if scim_filter is not None:
                people = people.filter(filters.user_filter(scim_filter.ast))
        groups = []
        if "Group" in names:
            group = self.group_resource(self._leads_group())
            if scim_filter is None or scim_filter.match(group):
                groups.append(group)
        total = people.count()
        page = list(people.order_by("pk")[start:start + count]) if count else []
        leads_group = self._leads_group()
        found = [self.user_resource(person, leads_group) for person in page]
        group_start = max(start - total, 0)
        found += groups[group_start:group_start + count - len(found)]
        return SearchPage(total + len(groups), found)

    # -- writing --------------------------------------------------------------------

    @staticmethod
    def _user_fields(resource):
        email = _chosen_email(resource.emails)
        name = resource.name or Name()
        fields = {
            "username": resource.user_name or "",
            "first_name": name.given_name or "",
            "last_name": name.family_name or "",
            "email": email.value if email else "",
            "email_type": str(email.type.value if hasattr(email.type, "value") else email.type)
            if email and email.type else "",
            "external_id": resource.external_id or "",
        }
        for field, value in fields.items():
            if "\x00" in value:
                raise InvalidValueException(
                    detail=f"{ATTRIBUTES[field]}: a NUL character is not text.")
        return fields

    def create(self, resource_type, resource):
        if resource_type.name != "User":
            raise NotImplementedException(detail=GROUP_FIXED)
        with _answers():
            person = services.user_provision(
                actor=self.actor, door=Door.SCIM, **self._user_fields(resource),
                active=resource.active is not False)
        return self.get(resource_type, str(person.pk))

    def update(self, resource_type, resource, *, expected_version=None):
        if resource_type.name == "User":
            person = self._person(resource.id, lock=True)
            current = self.user_resource(person, self._leads_group())
        else:
            current = self.group_resource(self._group(resource.id))
        if expected_version is not None and current.meta.version != expected_version:
            raise PreconditionFailedException
        with _answers():
            if resource_type.name == "User":
                services.user_update(actor=self.actor, door=Door.SCIM, user=person,
                                     active=resource.active, **self._user_fields(resource))
            else:
                self._update_leads(current, resource)
        return self.get(resource_type, resource.id)

    def _update_leads(self, current, resource):
        if (resource.display_name or "").casefold() != LEADS_GROUP.casefold():
            raise MutabilityException(detail=f"The group is named “{LEADS_GROUP}”: "
                                             "lead rights come with that name.")
        before = {m.value for m in current.members or []}
        after = {m.value for m in resource.members or [] if m.value}
        unknown = [v for v in after - before if not v.isdigit()]
        people = self._people().filter(pk__in=[int(v) for v in (before ^ after) - {*unknown}])
        found = {str(p.pk): p for p in people}
        missing = sorted((after - before) - set(found))
        if missing:
            raise InvalidValueException(detail=f"No user {', '.join(missing)}: members are "
                                               "Users of this service.")
        core_services.leads_change(
            actor=self.actor, door=Door.SCIM,
            add=[found[v] for v in sorted(after - before)],
            remove=[found[v] for v in sorted(before - after) if v in found])

    def delete(self, resource_type, resource_id, *, expected_version=None):
        if resource_type.name != "User":
            raise NotImplementedException(detail=GROUP_FIXED)
        person = self._person(resource_id, lock=True)
        with _answers():
            services.user_delete(actor=self.actor, door=Door.SCIM, user=person)

