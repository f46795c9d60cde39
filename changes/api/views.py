"""The change-control endpoints: thin — validate the shape, call one service, render."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from changes import items, selectors, services
from changes.api.serializers import (
    CommentInputSerializer,
    CommentSerializer,
    NoteSerializer,
    ProposalDetailSerializer,
    ProposalOpenSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
)
from changes.models import Kind, State
from revops.models import Door, Layer


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Proposals to change governed items. Every signed-in person may write here: the
    services decide who proposes, approves, objects and acknowledges."""

    write_guard = None
    serializer_class = ProposalSerializer
    query_parameters = ("state", "kind", "layer", "item")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.proposals().prefetch_related("comments__author",
                                                          "comments__function")
        proposals = selectors.proposals()
        params = self.request.query_params
        for name, choices in (("state", State.values), ("kind", Kind.values),
                              ("layer", Layer.values)):
            if params.get(name):
                proposals = proposals.filter(**{name: _choice(params[name], name, choices)})
        if params.get("item"):
            proposals = proposals.filter(item_id=_number(params["item"], "item"))
        return proposals

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "out_of_date": getattr(self, "_dated", {})}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._dated = selectors.out_of_date(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        proposal = self.get_object()
        self._dated = selectors.out_of_date([proposal])
        return Response(ProposalDetailSerializer(proposal,
                                                 context=self.get_serializer_context()).data)

    def _answer(self, proposal, status=200):
        proposal = selectors.proposal_detail(proposal.pk)
        self._dated = selectors.out_of_date([proposal])
        return Response(ProposalDetailSerializer(
            proposal, context=self.get_serializer_context()).data, status=status)

    @extend_schema(request=ProposalOpenSerializer, responses=ProposalDetailSerializer)
    def create(self, request):
        data = _valid(ProposalOpenSerializer, request)
        obj = items.KINDS[data["kind"]].get(data["item"])
        if obj is None:
            raise exceptions.ValidationError({"item": [f"No {data['kind']} {data['item']}."]})
        proposal = services.proposal_open(
            item=obj, fields=data["fields"], reason=data["reason"],
            effective_on=data.get("effective_on"), actor=request.user, door=Door.API)
        return self._answer(proposal, status=201)

    @extend_schema(request=ProposalUpdateSerializer, responses=ProposalDetailSerializer)
    def partial_update(self, request, pk=None):
        """Rewrite (and so rebase) your proposal on the item as it is now."""
        data = _valid(ProposalUpdateSerializer, request)
        proposal = services.proposal_update(
            proposal=self.get_object(), actor=request.user, door=Door.API,
            fields=data.get("fields"), reason=data.get("reason"),
            **({"effective_on": data["effective_on"]} if "effective_on" in data else {}))
        return self._answer(proposal)

    @extend_schema(request=NoteSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = _valid(NoteSerializer, request)
        proposal = services.proposal_approve(proposal=self.get_object(), note=data["note"],
                                             actor=request.user, door=Door.API)
        return self._answer(proposal)

    @extend_schema(request=NoteSerializer, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = _valid(NoteSerializer, request)
        proposal = services.proposal_reject(proposal=self.get_object(), note=data["note"],
                                            actor=request.user, door=Door.API)
        return self._answer(proposal)

    @extend_schema(request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = services.proposal_withdraw(proposal=self.get_object(), actor=request.user,
                                              door=Door.API)
        return self._answer(proposal)

    @extend_schema(request=CommentInputSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        data = _valid(CommentInputSerializer, request)
        comment = services.proposal_comment(proposal=self.get_object(), body=data["body"],
                                            objection=data["objection"], actor=request.user,
                                            door=Door.API)
        return Response(CommentSerializer(comment).data, status=201)

    @extend_schema(request=None, responses={201: inline_serializer("Acknowledgement", {
        "kind": serializers.CharField(), "item_id": serializers.IntegerField(),
        "version": serializers.CharField(), "at": serializers.DateTimeField()})})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Acknowledge the version of the proposal's item that its layer is asked to read."""
        proposal = self.get_object()
        item = items.KINDS[proposal.kind].get(proposal.item_id)
        if item is None:
            raise exceptions.ValidationError({"item": [f"“{proposal.item_label}” is gone."]})
        acknowledgement = services.acknowledge(item=item, actor=request.user, door=Door.API)
        return Response({"kind": acknowledgement.kind, "item_id": acknowledgement.item_id,
                         "version": acknowledgement.version, "at": acknowledgement.at},
                        status=201)


class ChangeLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every applied change, newest first: ``?layer=``, ``?kind=``, ``?item=``,
    ``?person=`` (a username: who proposed or approved it)."""

    serializer_class = ProposalSerializer
    query_parameters = ("layer", "kind", "item", "person")

    def get_queryset(self):
        params = self.request.query_params
        person = None
        if params.get("person"):
            person = get_user_model().objects.filter(username=params["person"]).first()
            if person is None:
                raise exceptions.ValidationError({"person": ["No one has that username."]})
        return selectors.change_log(layer=_choice(params.get("layer", ""), "layer", Layer.values),
                                    kind=_choice(params.get("kind", ""), "kind", Kind.values),
                                    item=_number(params["item"], "item")
                                    if params.get("item") else None, person=person)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _choice(value, name, choices):
    if value and value not in choices:
        raise exceptions.ValidationError({name: [f"Use one of: {', '.join(choices)}."]})
    return value


def _number(value, name):
    if not str(value).isdigit():
        raise exceptions.ValidationError({name: ["Give a number."]})
    return int(value)

