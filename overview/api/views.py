"""Endpoints that read the model as a whole, and the hand-over."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from overview import departures, lint, search, selectors, services
from overview.api.serializers import (
    DepartureInputSerializer,
    DepartureSerializer,
    FiscalYearChangeSerializer,
    HandoverItemSerializer,
    HandoverRecordSerializer,
    HandoverResultSerializer,
    HandoverSerializer,
    HoldingsSerializer,
    MaturityAssessInputSerializer,
    MaturityAssessmentSerializer,
    ModelLintFindingSerializer,
    OrganisationSerializer,
    ReadinessSerializer,
    SearchPageSerializer,
    SearchResultSerializer,
)
from overview.holdings import holdings_of
from overview.models import Handover, HandoverItem
from overview.readiness import report as readiness_report
from revops import organisation, policy
from revops.api.pagination import Pagination
from revops.models import Door
from runbook.choices import ReviewState


class ReadinessView(APIView):
    """The Friday test: a score and every check, with where to fix it."""

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request):
        report = readiness_report(today=timezone.localdate())
        return Response(ReadinessSerializer(report).data)


class LintView(APIView):
    """``GET /lint/``: one lint over the whole model — the RACI's own lint, then the
    cross-checks between the RACI, the cadence, the run book and the people
    (``accountable_without_ritual``, ``ritual_owner_not_on_layer``,
    ``section_owner_not_on_layer``, ``departed_head``). A plain list, not paginated."""

    @extend_schema(responses=ModelLintFindingSerializer(many=True))
    def get(self, request):
        return Response(ModelLintFindingSerializer(lint.findings(), many=True).data)


def _person(username):
    return get_object_or_404(get_user_model(), username=username)


class HoldingsView(APIView):
    """What a person holds, and what would fail the Friday test if they left. RevOps
    leads see anyone's, a person their own."""

    @extend_schema(responses=HoldingsSerializer)
    def get(self, request, username):
        person = _person(username)
        policy.require_view_holdings_of(request.user, person)
        holdings = holdings_of(person, today=timezone.localdate(), now=timezone.now())
        return Response(HoldingsSerializer(holdings).data)


class HandoverView(APIView):
    """Hand everything a person holds to a successor, in one transaction (leads only)."""

    @extend_schema(request=HandoverSerializer, responses=HandoverResultSerializer)
    def post(self, request, username):
        person = _person(username)
        serializer = HandoverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.person_hand_over(
            actor=request.user, door=Door.API, person=person,
            successor=services.successor_named(serializer.validated_data["to"]),
            deactivate=serializer.validated_data["deactivate"],
        )
        return Response(HandoverResultSerializer(plan).data)


class DepartureView(APIView):
    """The day a person leaves and who succeeds them (leads only). ``POST`` records or
    changes it; on the day the hand-over happens by itself. ``DELETE`` cancels it."""

    read_guard = policy.require_administer

    def _open(self, username):
        departure = departures.open_departure(_person(username))
        if departure is None:
            raise NotFound("No departure is recorded for this person.")
        return departure

    @extend_schema(responses=DepartureSerializer)
    def get(self, request, username):
        return Response(DepartureSerializer(self._open(username)).data)

    @extend_schema(request=DepartureInputSerializer, responses={201: DepartureSerializer})
    def post(self, request, username):
        person = _person(username)
        serializer = DepartureInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        departure = departures.departure_record(
            actor=request.user, door=Door.API, person=person, **serializer.validated_data)
        return Response(DepartureSerializer(departure).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request, username):
        departures.departure_cancel(actor=request.user, door=Door.API,
                                    departure=self._open(username))
        return Response(status=status.HTTP_204_NO_CONTENT)


class HandoverInboxView(generics.ListAPIView):
    """The hand-overs the caller received, newest first, each holding to accept."""

    serializer_class = HandoverRecordSerializer
    pagination_class = Pagination

    queryset = Handover.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (Handover.objects.filter(successor=self.request.user)
                .select_related("person", "successor").prefetch_related("items")
                .order_by("-at", "-id"))


class HandoverItemAcceptView(APIView):
    """The caller, who received the hand-over, has read this holding and accepts it."""

    write_guard = None  # whoever received it: the service decides

    @extend_schema(request=None, responses=HandoverItemSerializer)
    def post(self, request, pk):
        item = get_object_or_404(HandoverItem, pk=pk)
        item = departures.handover_item_accept(actor=request.user, door=Door.API, item=item)
        return Response(HandoverItemSerializer(item).data)


class SearchView(APIView):
    """Search the operating model: sections (their current revision), definitions (term,
    formula, current wording), rituals, RACI rows and, when ``type`` names them,
    releases; best match first, title (or term) matches above heading (or formula)
    matches above body text. On PostgreSQL ``q`` is a web-search query:
    ``"deal desk" -enterprise``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True,
                             description=f"What to look for, {search.MIN_LENGTH} to "
                             f"{search.MAX_LENGTH} characters."),
            OpenApiParameter("type", OpenApiTypes.STR,
                             description="Comma-separated: " + ", ".join(search.TYPES)
                             + " (default: all but release)."),
            OpenApiParameter("owner", OpenApiTypes.STR,
                             description="A function slug: what it owns (sections, "
                             "definitions, rituals) "
                             "or is Accountable for (RACI rows)."),
            OpenApiParameter("state", OpenApiTypes.STR, enum=ReviewState.values,
                             description="Sections and definitions in this review state "
                             "only."),
            OpenApiParameter("include", OpenApiTypes.STR, enum=[search.ARCHIVED],
                             description="“archived”: archived models too (by default "
                             "only the live model is searched)."),
            OpenApiParameter("page", {"type": "integer", "minimum": 1}),
            OpenApiParameter("page_size", {"type": "integer", "minimum": 1,
                                           "maximum": Pagination.max_page_size}),
        ],
        responses=SearchPageSerializer,
    )
    def get(self, request):
        params = request.query_params
        query = search.parse(q=params.get("q"), type=params.get("type"),
                             owner=params.get("owner"), state=params.get("state"),
                             include=params.get("include"))
        today = timezone.localdate()
        paginator = Pagination()
        rows = paginator.paginate_queryset(
            search.matches(user=request.user, query=query, today=today), request, view=self)
        page = search.hits(rows, query=query, today=today)
        return paginator.get_paginated_response(SearchResultSerializer(page, many=True).data)


@extend_schema_view(post=extend_schema(
    request=MaturityAssessInputSerializer,
    responses={200: MaturityAssessmentSerializer, 201: MaturityAssessmentSerializer}))
class MaturityView(generics.ListCreateAPIView):
    """``GET /maturity/``: the quarterly maturity assessments, newest quarter first,
    paginated. ``POST`` records this fiscal quarter's (or the quarter named by
    ``quarter``): 201 when it is new, 200 when the quarter had one and it is updated.
    RevOps leads only; scores are 0–8 and the stage is the lowest pillar's."""

    serializer_class = MaturityAssessmentSerializer

    def get_queryset(self):
        return selectors.assessments()

    def create(self, request, *args, **kwargs):
        data = MaturityAssessInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment, created = services.maturity_assess(
            actor=request.user, door=Door.API, today=timezone.localdate(),
            **data.validated_data)
        body = self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class SettingsView(APIView):
    """``GET /settings/``: the organisation's settings. ``PATCH`` changes them (RevOps
    leads): the answer carries the settings and, under ``changed``, what the change did —
    the sections and definitions whose review state moved and the quarterly rituals put
    on the new quarters (``null`` when nothing changed). Preview first with
    ``GET /settings/preview/?fiscal_year_start_month=``."""


    @extend_schema(responses=OrganisationSerializer)
    def get(self, request):
        return Response(OrganisationSerializer(organisation.current()).data)

    @extend_schema(request=OrganisationSerializer, responses=OrganisationSerializer)
    def patch(self, request):
        data = OrganisationSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        month = data.validated_data.get("fiscal_year_start_month", organisation.current()
                                        .fiscal_year_start_month)
        saved, change = services.organisation_update(
            actor=request.user, door=Door.API, fiscal_year_start_month=month)
        body = OrganisationSerializer(saved).data
        body["changed"] = FiscalYearChangeSerializer(change).data if change else None
        return Response(body)


class SettingsPreviewView(APIView):
    """``GET /settings/preview/?fiscal_year_start_month=4``: what that month would change
    today (``summary``: "3 sections change state"; the sections, definitions and
    quarterly rituals, each with its state or next time before and after). Changes
    nothing."""

    @extend_schema(parameters=[OpenApiParameter("fiscal_year_start_month",
                                                {"type": "integer", "minimum": 1,
                                                 "maximum": 12},
                                                required=True)],
                   responses=FiscalYearChangeSerializer)
    def get(self, request):
        data = OrganisationSerializer(data=request.query_params, partial=False)
        data.is_valid(raise_exception=True)
        change = selectors.fiscal_year_change(
            start_month=data.validated_data["fiscal_year_start_month"],
            today=timezone.localdate(), now=timezone.now())
        return Response(FiscalYearChangeSerializer(change).data)
