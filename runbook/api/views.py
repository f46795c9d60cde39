"""The run book's part of ``/api/v1/``: thin views that validate, call a service, render."""

from functools import partial

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from revops import policy
from revops.api.fastlist import FastListMixin
from revops.api.filters import include_archived
from revops.models import Door
from runbook import diffs, selectors, services
from runbook.api import serializers as s
from runbook.api.filters import DefinitionFilter, RunbookFilter, SectionFilter
from runbook.models import Definition, ReleaseSection, Runbook, Section


class RunbookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Run books; creating one creates its six sections. Writes are for leads."""

    serializer_class = s.RunbookSerializer
    filterset_class = RunbookFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no database read
            return Runbook.objects.none()
        # A list shows the live model (``?include=archived``: archived ones too); an
        # archived run book stays readable by its id.
        listing = self.action == "list" and not include_archived(self.request)
        return selectors.runbooks(include_archived=not listing).prefetch_related(
            Prefetch(
                "sections", queryset=selectors.sections_with_state(
                    today=timezone.localdate(), include_archived=True)
            )
        )

    @extend_schema(request=s.RunbookCreateSerializer, responses={201: s.RunbookSerializer})
    def create(self, request, *args, **kwargs):
        data = s.RunbookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        runbook = services.runbook_create(actor=request.user, door=Door.API, **data.validated_data)
        runbook = self.get_queryset().get(pk=runbook.pk)
        return Response(s.RunbookSerializer(runbook).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], operation_id="v1_runbooks_releases_list",
        responses=s.ReleaseSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_runbooks_releases_create",
        request=s.ReleaseCreateSerializer, responses={201: s.ReleaseSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="releases")
    def releases(self, request, pk=None):
        runbook = self.get_object()
        if request.method == "POST":
            data = s.ReleaseCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            release = services.release_create(
                runbook=runbook, actor=request.user, door=Door.API, **data.validated_data
            )
            body = s.ReleaseSerializer(_releases(runbook).get(pk=release.pk)).data
            body["warnings"] = release.warnings
            return Response(body, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(_releases(runbook))
        return self.get_paginated_response(s.ReleaseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="v1_runbooks_releases_compare",
        parameters=[s.ReleaseCompareQuerySerializer],
        responses={200: s.ReleaseComparisonSerializer, 400: OpenApiResponse(
            description="a or b is missing, not a number, or not a release of this run book.")},
    )
    @action(detail=True, methods=["get"], url_path="releases/compare")
    def compare_releases(self, request, pk=None):
        """Two releases side by side: per section, what each pinned and the diff."""
        runbook = self.get_object()
        query = s.ReleaseCompareQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        comparison = selectors.release_comparison(runbook=runbook, **query.validated_data)
        return Response(s.ReleaseComparisonSerializer(comparison).data)

    @extend_schema(operation_id="v1_runbooks_release_retrieve",
                   responses=s.ReleaseSerializer)
    @action(detail=True, methods=["get"], url_path=r"releases/(?P<number>[0-9]+)")
    def release(self, request, pk=None, number=None):
        runbook = self.get_object()
        release = get_object_or_404(_releases(runbook), number=int(number))
        return Response(s.ReleaseSerializer(release).data)


def _releases(runbook):
    return selectors.releases_for(runbook).prefetch_related(
        Prefetch(
            "entries",
            queryset=ReleaseSection.objects.select_related("section", "revision").order_by(
                "section__position"
            ),
        )
    )


class SectionViewSet(
    FastListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Sections in run-book order. Leads and the owning function's head may revise,
    review and rename them; handing a section to another function is for leads; every
    signed-in reader may raise a concern ("this looks out of date")."""

    filterset_class = SectionFilter
    write_guard = policy.require_create_owned
    object_guard = policy.require_change
    action_guards = {"concerns": policy.require_raise_concern}
    http_method_names = ["get", "post", "patch", "head", "options"]
    list_values = s.SECTION_LIST_VALUES

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no database read
            return Section.objects.none()
        listing = self.action == "list" and not include_archived(self.request)
        return selectors.sections_with_state(today=timezone.localdate(),
                                             include_archived=not listing)

    def list_items(self, rows):
        return s.section_list_items(rows)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.SectionDetailSerializer
        return s.SectionSerializer

    def retrieve(self, request, *args, **kwargs):
        section = self.get_object()
        context = {**self.get_serializer_context(),
                   "current_revision": selectors.current_revision(section)}
        return Response(s.SectionDetailSerializer(section, context=context).data)

    @extend_schema(request=s.SectionUpdateSerializer, responses=s.SectionDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        section = self.get_object()
        data = s.SectionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.section_update(
            section=section, actor=request.user, door=Door.API, **data.validated_data
        )
        return self.retrieve(request, *args, **kwargs)

    # A section's own lists (revisions, reviews, concerns) take none of the section
    # filters: they would be advertised and ignored.
    @extend_schema(
        methods=["GET"], operation_id="v1_sections_revisions_list",
        responses=s.RevisionListSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_sections_revisions_create",
        request=s.RevisionCreateSerializer,
        responses={201: s.RevisionSerializer, 409: OpenApiResponse(
            description="base_revision is not the current revision; nothing was written. "
            "The body carries current_revision.")},
    )
    @action(detail=True, methods=["get", "post"], url_path="revisions", filter_backends=[])
    def revisions(self, request, pk=None):
        section = self.get_object()
        return _list_or_create(
            self, request, rows=selectors.revisions_for(section), read=s.RevisionListSerializer,
            write=s.RevisionCreateSerializer, written=s.RevisionSerializer,
            create=partial(services.section_revise, section=section))

    @extend_schema(operation_id="v1_sections_revision_retrieve",
                   responses=s.RevisionSerializer)
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)")
    def revision(self, request, pk=None, number=None):
        section = self.get_object()
        return Response(s.RevisionSerializer(_revision_or_404(section, number)).data)

    @extend_schema(
        operation_id="v1_sections_revision_diff",
        parameters=[OpenApiParameter("against", {"type": "integer", "minimum": 1},
                                     description="The older revision "
                                                 "(default: the one before).")],
        responses=inline_serializer("RevisionDiff", {
            "section": serializers.IntegerField(), "from": serializers.IntegerField(),
            "to": serializers.IntegerField(), "diff": serializers.CharField()}),
    )
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)/diff")
    def diff(self, request, pk=None, number=None):
        section = self.get_object()
        return Response(_diff(request, section, number, selectors.revision))

    @extend_schema(
        methods=["GET"], operation_id="v1_sections_reviews_list",
        responses=s.ReviewSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_sections_reviews_create",
        request=s.ReviewCreateSerializer, responses={201: s.ReviewSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="reviews", filter_backends=[])
    def reviews(self, request, pk=None):
        section = self.get_object()
        return _list_or_create(
            self, request, rows=section.reviews.select_related("reviewer"),
            read=s.ReviewSerializer, write=s.ReviewCreateSerializer,
            create=partial(services.section_review, section=section))

    @extend_schema(
        methods=["GET"], operation_id="v1_sections_concerns_list",
        responses=s.ConcernSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_sections_concerns_create",
        request=s.ConcernCreateSerializer,
        responses={201: s.ConcernSerializer, 400: OpenApiResponse(
            description="reason is empty or longer than 1000 characters, or the caller "
            "already has an open concern on this section.")},
    )
    @action(detail=True, methods=["get", "post"], url_path="concerns", filter_backends=[])
    def concerns(self, request, pk=None):
        """Readers' "this looks out of date": open ones first. Any signed-in user may
        raise one (one open per person and section); the next review or revision of
        the section answers them."""
        section = self.get_object()
        return _list_or_create(
            self, request, rows=selectors.concerns_for(section), read=s.ConcernSerializer,
            write=s.ConcernCreateSerializer,
            create=partial(services.concern_raise, section=section))


def _list_or_create(view, request, *, rows, read, write, create, written=None):
    """A document's own list (revisions, reviews, concerns, agreements): GET renders a
    page of ``rows`` with ``read``; POST validates the body with ``write``, calls the
    service ``create`` as the caller through the API door and answers 201 with the new
    row rendered by ``written`` (default ``read``)."""
    if request.method == "POST":
        data = write(data=request.data)
        data.is_valid(raise_exception=True)
        made = create(actor=request.user, door=Door.API, **data.validated_data)
        return Response((written or read)(made).data, status=status.HTTP_201_CREATED)
    page = view.paginate_queryset(rows)
    return view.get_paginated_response(read(page, many=True).data)


def _revision_or_404(document, number, find=selectors.revision):
    revision = find(document, int(number))
    if revision is None:
        raise Http404(f"This {document._meta.verbose_name} has no revision {number}.")
    return revision


def _diff(request, document, number, find):
    """Revision ``number`` of a section or definition against ``?against=`` (default: the
    one before), as ``{<kind>, from, to, diff}``; ``find(document, n)`` reads a revision."""
    new = _revision_or_404(document, number, find)
    raw = request.query_params.get("against", str(new.number - 1))
    try:
        against = int(raw)
    except ValueError:
        raise ValidationError({"against": [f"“{raw}” is not a revision number."]}) from None
    old = find(document, against)
    if old is None:
        raise ValidationError(
            {"against": [f"This {document._meta.verbose_name} has no revision {against} "
                         f"(it has 1 to {document.revision})."]}
        )
    return {
        document._meta.model_name: document.pk,
        "from": old.number,
        "to": new.number,
        "diff": diffs.unified(
            old.body, new.body, old_label=f"r{old.number}", new_label=f"r{new.number}"
        ),
    }


class DefinitionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Shared definitions (the glossary), by layer and term. Written, revised and reviewed
    like sections — by leads and the owning function's head — and agreed: the head of
    each agreeing function confirms the current revision."""

    filterset_class = DefinitionFilter
    write_guard = policy.require_create_owned
    object_guard = policy.require_change
    action_guards = {"agreements": policy.require_head}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no database read
            return Definition.objects.none()
        return selectors.definitions_with_state(today=timezone.localdate()).prefetch_related(
            "agreeing")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.DefinitionDetailSerializer
        return s.DefinitionSerializer

    def retrieve(self, request, *args, **kwargs):
        definition = self.get_object()
        context = {**self.get_serializer_context(),
                   "current_revision": selectors.definition_current_revision(definition),
                   "agreements": selectors.agreements_for(definition)}
        return Response(s.DefinitionDetailSerializer(definition, context=context).data)

    @extend_schema(request=s.DefinitionCreateSerializer,
                   responses={201: s.DefinitionDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = s.DefinitionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        definition = services.definition_create(actor=request.user, door=Door.API,
                                                **data.validated_data)
        self.kwargs["pk"] = definition.pk
        response = self.retrieve(request, *args, **kwargs)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.DefinitionUpdateSerializer, responses=s.DefinitionDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        definition = self.get_object()
        data = s.DefinitionUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.definition_update(definition=definition, actor=request.user, door=Door.API,
                                   **data.validated_data)
        return self.retrieve(request, *args, **kwargs)

    @extend_schema(
        methods=["GET"], operation_id="v1_definitions_revisions_list",
        responses=s.DefinitionRevisionListSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_definitions_revisions_create",
        request=s.DefinitionRevisionCreateSerializer,
        responses={201: s.DefinitionRevisionSerializer, 409: OpenApiResponse(
            description="base_revision is not the current revision; nothing was written. "
            "The body carries current_revision.")},
    )
    @action(detail=True, methods=["get", "post"], url_path="revisions", filter_backends=[])
    def revisions(self, request, pk=None):
        definition = self.get_object()
        return _list_or_create(
            self, request, rows=selectors.definition_revisions_for(definition),
            read=s.DefinitionRevisionListSerializer, write=s.DefinitionRevisionCreateSerializer,
            written=s.DefinitionRevisionSerializer,
            create=partial(services.definition_revise, definition=definition))

    @extend_schema(operation_id="v1_definitions_revision_retrieve",
                   responses=s.DefinitionRevisionSerializer)
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)")
    def revision(self, request, pk=None, number=None):
        definition = self.get_object()
        return Response(s.DefinitionRevisionSerializer(
            _revision_or_404(definition, number, selectors.definition_revision)).data)

    @extend_schema(
        operation_id="v1_definitions_revision_diff",
        parameters=[OpenApiParameter("against", {"type": "integer", "minimum": 1},
                                     description="The older revision "
                                                 "(default: the one before).")],
        responses=inline_serializer("DefinitionRevisionDiff", {
            "definition": serializers.IntegerField(), "from": serializers.IntegerField(),
            "to": serializers.IntegerField(), "diff": serializers.CharField()}),
    )
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)/diff")
    def diff(self, request, pk=None, number=None):
        definition = self.get_object()
        return Response(_diff(request, definition, number, selectors.definition_revision))

    @extend_schema(
        methods=["GET"], operation_id="v1_definitions_reviews_list",
        responses=s.DefinitionReviewSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_definitions_reviews_create",
        request=s.ReviewCreateSerializer, responses={201: s.DefinitionReviewSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="reviews", filter_backends=[])
    def reviews(self, request, pk=None):
        definition = self.get_object()
        return _list_or_create(
            self, request, rows=definition.reviews.select_related("reviewer"),
            read=s.DefinitionReviewSerializer, write=s.ReviewCreateSerializer,
            create=partial(services.definition_review, definition=definition))

    @extend_schema(
        methods=["GET"], operation_id="v1_definitions_agreements_list",
        responses=s.AgreementSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"], operation_id="v1_definitions_agreements_create",
        request=s.AgreementCreateSerializer,
        responses={201: s.AgreementSerializer, 409: OpenApiResponse(
            description="revision is not the current revision; nothing was written.")},
    )
    @action(detail=True, methods=["get", "post"], url_path="agreements", filter_backends=[])
    def agreements(self, request, pk=None):
        """Every agreement given, newest first. POST: the head of an agreeing function
        confirms the current revision for it."""
        definition = self.get_object()
        return _list_or_create(
            self, request, rows=definition.agreements.select_related("function", "agreed_by"),
            read=s.AgreementSerializer, write=s.AgreementCreateSerializer,
            create=partial(services.definition_agree, definition=definition))
