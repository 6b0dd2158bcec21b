"""Thin API views: validate input, call a service, shape the answer."""

import re

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsChecker, IsEditor
from factcheck.errors import InvalidInput, NotFound, PreconditionRequired
from reviews import selectors, services

from .filters import ClaimFilter
from .serializers import (
    BoostInputSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    DismissInputSerializer,
    EvidenceInputSerializer,
    EvidenceLinkSerializer,
    ReturnInputSerializer,
    ReviewEventSerializer,
    SignOffInputSerializer,
    VerdictInputSerializer,
    VerdictSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The verdict's ETag as last read: a write to a changed verdict gets 412.",
)
_ETAG_VERSION = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def _etag(verdict) -> str:
    return f'"{verdict.version}"'


def expected_version(request) -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired(
            "Send the verdict's ETag in an If-Match header, so that a concurrent change "
            "is not silently overwritten."
        )
    match = _ETAG_VERSION.match(header)
    if not match:
        raise InvalidInput(f"If-Match must be the verdict's ETag, e.g. '\"3\"'; got {header!r}.")
    return int(match.group(1))


def verdict_response(verdict, *, status_code=status.HTTP_200_OK) -> Response:
    response = Response(VerdictSerializer(verdict).data, status=status_code)
    response["ETag"] = _etag(verdict)
    return response


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims in review: list and filter them, and make each workflow move."""

    permission_classes = [IsChecker]
    filterset_class = ClaimFilter
    lookup_value_regex = r"\d+"
    ordering = ["-priority", "created_at", "id"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.claim_detail_queryset(self.request.user)
        return selectors.claims_visible_to(self.request.user).order_by(
            "-priority", "created_at", "id"
        )

    def get_serializer_class(self):
        return ClaimDetailSerializer if self.action == "retrieve" else ClaimSerializer

    def _claim(self):
        return get_object_or_404(
            selectors.claims_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

    def _claim_response(self, claim) -> Response:
        claim = selectors.claim_detail_queryset(self.request.user).get(pk=claim.pk)
        return Response(ClaimDetailSerializer(claim).data)

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Extend your lease on a claim you hold."""
        return self._claim_response(services.claim_renew(claim=self._claim(), by=request.user))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Give a claim you hold back to the queue."""
        return self._claim_response(services.claim_release(claim=self._claim(), by=request.user))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def queue(self, request, pk=None):
        """Put a triaged (or dismissed) claim in the review queue."""
        return self._claim_response(services.claim_queue(claim=self._claim(), by=request.user))

    @extend_schema(request=DismissInputSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def dismiss(self, request, pk=None):
        data = _input(DismissInputSerializer, request)
        claim = services.claim_dismiss(
            claim=self._claim(), by=request.user, reason=data["reason"], comment=data["comment"]
        )
        return self._claim_response(claim)

    @extend_schema(request=BoostInputSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsEditor])
    def boost(self, request, pk=None):
        data = _input(BoostInputSerializer, request)
        claim = services.claim_boost(claim=self._claim(), by=request.user, boost=data["boost"])
        return self._claim_response(claim)

    @extend_schema(request=EvidenceInputSerializer, responses={201: EvidenceLinkSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Add an evidence link; the workers fetch its source and the link shows the state."""
        data = _input(EvidenceInputSerializer, request)
        link = services.evidence_add(claim=self._claim(), by=request.user, **data)
        return Response(EvidenceLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReviewEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The audit trail of the claim: every move, who made it and when."""
        events = selectors.claim_events(claim=self._claim())
        return Response(ReviewEventSerializer(events, many=True).data)

    # --- the claim's verdict -----------------------------------------------------------------

    def _verdict(self, claim):
        verdict = selectors.verdict_visible_on_claim(claim=claim, user=self.request.user)
        if verdict is None:
            raise NotFound("This claim has no verdict you can see yet.")
        return verdict

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=VerdictSerializer,
        description="The verdict on the claim; its ETag is what writes send in If-Match.",
    )
    @extend_schema(
        methods=["POST"],
        request=VerdictInputSerializer,
        responses={201: VerdictSerializer},
        description="Start the verdict on a claim you hold.",
    )
    @extend_schema(
        methods=["PATCH"],
        request=VerdictInputSerializer,
        responses=VerdictSerializer,
        parameters=[IF_MATCH],
        description="Edit your draft (If-Match required).",
    )
    @action(detail=True, methods=["get", "post", "patch"])
    def verdict(self, request, pk=None):
        claim = self._claim()
        if request.method == "GET":
            return verdict_response(self._verdict(claim))
        data = _input(VerdictInputSerializer, request)
        if request.method == "POST":
            verdict = services.verdict_create(claim=claim, by=request.user, **data)
            return verdict_response(verdict, status_code=status.HTTP_201_CREATED)
        verdict = services.verdict_update(
            verdict=self._verdict(claim),
            by=request.user,
            expected_version=expected_version(request),
            **data,
        )
        return verdict_response(verdict)

    @extend_schema(request=None, parameters=[IF_MATCH], responses=VerdictSerializer)
    @action(detail=True, methods=["post"], url_path="verdict/submit")
    def verdict_submit(self, request, pk=None):
        """Submit your verdict for sign-off (needs at least one evidence link)."""
        claim = self._claim()
        verdict = services.verdict_submit(
            verdict=self._verdict(claim),
            by=request.user,
            expected_version=expected_version(request),
        )
        return verdict_response(verdict)

    @extend_schema(
        request=SignOffInputSerializer, parameters=[IF_MATCH], responses=VerdictSerializer
    )
    @action(
        detail=True, methods=["post"], url_path="verdict/approve", permission_classes=[IsEditor]
    )
    def verdict_approve(self, request, pk=None):
        """Approve and publish a submitted verdict (not your own)."""
        data = _input(SignOffInputSerializer, request)
        claim = self._claim()
        verdict = services.verdict_approve(
            verdict=self._verdict(claim),
            by=request.user,
            expected_version=expected_version(request),
            comment=data["comment"],
        )
        return verdict_response(verdict)

    @extend_schema(
        request=ReturnInputSerializer, parameters=[IF_MATCH], responses=VerdictSerializer
    )
    @action(detail=True, methods=["post"], url_path="verdict/return", permission_classes=[IsEditor])
    def verdict_return(self, request, pk=None):
        """Return a submitted verdict to its author with a comment."""
        data = _input(ReturnInputSerializer, request)
        claim = self._claim()
        verdict = services.verdict_return(
            verdict=self._verdict(claim),
            by=request.user,
            expected_version=expected_version(request),
            comment=data["comment"],
        )
        return verdict_response(verdict)


class QueueNextView(APIView):
    """Take the top claim of the queue under a lease: 200 with the claim, 204 when empty."""

    permission_classes = [IsChecker]

    @extend_schema(
        request=None,
        responses={
            200: ClaimDetailSerializer,
            204: OpenApiResponse(description="The queue is empty."),
        },
    )
    def post(self, request):
        claim = services.claim_take_next(reviewer=request.user)
        if claim is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        selectors.claim_with_evidence(claim)
        return Response(ClaimDetailSerializer.represent(claim))
