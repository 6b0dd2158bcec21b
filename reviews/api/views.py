"""Thin API views: validate input, call a service, shape the answer."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsChecker
from factcheck.errors import InvalidInput, NotFound, PreconditionRequired, StaleVersion
from factcheck.fields import NoInputSerializer
from reviews import selectors, services
from reviews.workflow import Move, role_may, who_may

from .filters import ClaimFilter
from .serializers import (
    AssignInputSerializer,
    BoostInputSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    CorrectionInputSerializer,
    DismissInputSerializer,
    EvidenceInputSerializer,
    EvidenceLinkSerializer,
    EvidenceUpdateInputSerializer,
    QueueNextInputSerializer,
    ReturnInputSerializer,
    ReviewEventSerializer,
    SignOffInputSerializer,
    TriageInputSerializer,
    TriageSerializer,
    VerdictInputSerializer,
    VerdictSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The verdict's ETag as last read (or a list of ETags, or `*`), compared strongly: a "
        'write to a changed verdict gets 412, and so does a weak ETag (`W/"3"`).'
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The verdict's version as a strong entity tag: send it in If-Match to write.",
)
# One element of an If-Match list (RFC 9110, 8.8.3): an optionally weak quoted tag, then a
# comma or the end. Empty list elements are allowed by the list syntax.
_ENTITY_TAG = re.compile(r'[ \t]*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(?:,|\Z)')


def _etag(verdict) -> str:
    return f'"{verdict.version}"'


def _if_match_tags(header: str) -> list[tuple[bool, str]]:
    """The (weak, opaque tag) pairs of an If-Match list; InvalidInput when it is not one."""
    tags, position = [], 0
    while position < len(header):
        match = _ENTITY_TAG.match(header, position)
        if match is None or match.end() == position:
            raise InvalidInput(
                "If-Match must be the verdict's ETag as it was sent, quotes included "
                f'(e.g. "3"), a comma-separated list of them, or *; got {header[:80]!r}.'
            )
        if match.group(2) is not None:
            tags.append((bool(match.group(1)), f'"{match.group(2)}"'))
        position = match.end()
    return tags


# Versions start at 1 (a database constraint), so a write expecting this one never applies.
_NO_VERSION = 0


@contextmanager
def if_match(request, verdict) -> Iterator[int]:
    """The version to hand the service as `expected_version`, from If-Match.

    If-Match uses the strong comparison (RFC 9110, 13.1.1): a weak tag never matches, and `*`
    matches any version. When nothing matches, the service is still called, with a version
    no verdict has: its own refusals (not the author, a lost lease, the wrong state) come
    first, as RFC 9110 (13.2.1) wants, and its 412 gets a message saying what did not match.
    The service compares the version again as it writes, so a change made since the verdict
    was read gets 412 too.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            "Send the verdict's ETag in an If-Match header, so that a concurrent change "
            "is not silently overwritten."
        )
    current = _etag(verdict)
    tags = None if header == "*" else _if_match_tags(header)
    if tags is None or (False, current) in tags:
        yield verdict.version
        return
    if (True, current) in tags:
        message = (
            f"If-Match compares strongly, so the weak ETag W/{current} never matches: send the "
            f"ETag exactly as the verdict sent it, {current}."
        )
    else:
        sent = ", ".join(f"W/{tag}" if weak else tag for weak, tag in tags) or "no ETag"
        sent = sent if len(sent) <= 80 else f"{sent[:80]}…"
        message = (
            f"The verdict changed since you loaded it (you sent {sent}, it is now at "
            f"{current}). Reload it and apply your change again."
        )
    try:
        yield _NO_VERSION
    except StaleVersion as stale:
        raise StaleVersion(message, details=stale.details) from None


def verdict_response(verdict, *, status_code=status.HTTP_200_OK) -> Response:
    response = Response(VerdictSerializer(verdict).data, status=status_code)
    response["ETag"] = _etag(verdict)
    return response


def may_make(move: Move) -> type[BasePermission]:
    """Permission to call an endpoint that makes `move`: the caller holds a role the rulebook
    allows it. The claim's own conditions (its state, the lease, the verdict's author) are
    judged by the service, which answers with the rulebook's refusal."""

    class MayMake(BasePermission):
        message = who_may(move)

        def has_permission(self, request, view) -> bool:
            return role_may(request.user, move)

    MayMake.__name__ = MayMake.__qualname__ = f"May{move.name.title().replace('_', '')}"
    return MayMake


class MayChangeEvidence(BasePermission):
    """Permission to edit (PATCH) or remove (DELETE) an evidence link: the caller holds a
    role the rulebook allows the move (see `may_make`)."""

    MOVES = {"PATCH": Move.EDIT_EVIDENCE, "DELETE": Move.REMOVE_EVIDENCE}

    def has_permission(self, request, view) -> bool:
        move = self.MOVES.get(request.method)
        if move is None:
            return True  # answered 405 by the view
        self.message = who_may(move)
        return role_may(request.user, move)


EVIDENCE_ID = OpenApiParameter(
    "evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evidence link's id."
)


def _input(serializer_class, request) -> dict:
    """The request body, checked by `serializer_class` (an InputSerializer)."""
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

    @extend_schema(request=TriageInputSerializer, responses=TriageSerializer)
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[may_make(Move.QUEUE), may_make(Move.DISMISS)],
        filter_backends=[],
        pagination_class=None,
    )
    def triage(self, request):
        """Queue or dismiss many claims at once: `{"claims": [ids], "move": "queue" |
        "dismiss", "reason"?, "comment"?}`, one reason for every dismissal. Each claim is
        moved in a transaction of its own, as its own queue or dismiss would move it, and
        audited; one the rulebook refuses (someone moved it meanwhile, or it is in a state
        the move does not start from) or that does not exist is answered with why, and the
        rest go ahead: 200 with one answer per claim, in the order sent. 400 when the
        request itself is wrong (more than 500 ids, a dismissal without a reason), nothing
        moved."""
        data = _input(TriageInputSerializer, request)
        triaged = services.claims_triage_bulk(
            claim_ids=data["claims"],
            by=request.user,
            move=data["move"],
            reason=data.get("reason"),
            comment=data["comment"],
        )
        return Response(TriageSerializer(triaged).data)

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.TAKE)])
    def take(self, request, pk=None):
        """Take this claim under a lease, as taking the next one does: a queued claim (the
        queue's order is a suggestion), or one whose holder's lease ran out. 409 while
        someone's lease on it runs, naming them and until when."""
        _input(NoInputSerializer, request)
        return self._claim_response(services.claim_take(claim=self._claim(), by=request.user))

    @extend_schema(request=AssignInputSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.ASSIGN)])
    def assign(self, request, pk=None):
        """Give a claim to a fact-checker (`user`, a username): a queued claim, or one whose
        holder's lease ran out, becomes theirs under a lease; a returned claim becomes theirs
        with its verdict, to fix and resubmit, and stays returned, with no lease."""
        data = _input(AssignInputSerializer, request)
        claim = services.claim_assign(claim=self._claim(), by=request.user, assignee=data["user"])
        return self._claim_response(claim)

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.RENEW)])
    def renew(self, request, pk=None):
        """Extend your lease on a claim you hold."""
        _input(NoInputSerializer, request)
        return self._claim_response(services.claim_renew(claim=self._claim(), by=request.user))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.RELEASE)])
    def release(self, request, pk=None):
        """Give a claim you hold back to the queue."""
        _input(NoInputSerializer, request)
        return self._claim_response(services.claim_release(claim=self._claim(), by=request.user))

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.QUEUE)])
    def queue(self, request, pk=None):
        """Put a triaged (or dismissed) claim in the review queue."""
        _input(NoInputSerializer, request)
        return self._claim_response(services.claim_queue(claim=self._claim(), by=request.user))

    @extend_schema(request=DismissInputSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.DISMISS)])
    def dismiss(self, request, pk=None):
        data = _input(DismissInputSerializer, request)
        claim = services.claim_dismiss(
            claim=self._claim(), by=request.user, reason=data["reason"], comment=data["comment"]
        )
        return self._claim_response(claim)

    @extend_schema(request=BoostInputSerializer, responses=ClaimDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.BOOST)])
    def boost(self, request, pk=None):
        data = _input(BoostInputSerializer, request)
        claim = services.claim_boost(claim=self._claim(), by=request.user, boost=data["boost"])
        return self._claim_response(claim)

    @extend_schema(request=EvidenceInputSerializer, responses={201: EvidenceLinkSerializer})
    @action(detail=True, methods=["post"], permission_classes=[may_make(Move.ADD_EVIDENCE)])
    def evidence(self, request, pk=None):
        """Add an evidence link; the workers fetch its source and the link shows the state."""
        data = _input(EvidenceInputSerializer, request)
        link = services.evidence_add(claim=self._claim(), by=request.user, **data)
        return Response(EvidenceLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    def _evidence_link(self, claim, evidence_id):
        link = selectors.claim_evidence_link(claim=claim, evidence_id=int(evidence_id))
        if link is None:
            raise NotFound(f"Claim {claim.pk} has no evidence link {evidence_id}.")
        return link

    @extend_schema(
        methods=["PATCH"],
        request=EvidenceUpdateInputSerializer,
        responses=EvidenceLinkSerializer,
        parameters=[EVIDENCE_ID],
        description=(
            "Change the link's `stance` or `note` (a field left out stays as it is), as the "
            "claim's holder, until the verdict is submitted (a returned verdict reopens it). "
            "A request that changes nothing answers the link as it is, recording nothing."
        ),
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None},
        parameters=[EVIDENCE_ID],
        description=(
            "Remove the link from the claim, as the claim's holder, until the verdict is "
            "submitted (a returned verdict reopens it). The audit trail keeps what it said."
        ),
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"evidence/(?P<evidence_id>\d+)",
        permission_classes=[MayChangeEvidence],
    )
    def evidence_link(self, request, pk=None, evidence_id=None):
        claim = self._claim()
        link = self._evidence_link(claim, evidence_id)
        if request.method == "DELETE":
            _input(NoInputSerializer, request)
            services.evidence_remove(link=link, by=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = _input(EvidenceUpdateInputSerializer, request)
        link = services.evidence_update(link=link, by=request.user, **data)
        return Response(EvidenceLinkSerializer(link).data)

    @extend_schema(request=None, responses={202: EvidenceLinkSerializer}, parameters=[EVIDENCE_ID])
    @action(
        detail=True,
        methods=["post"],
        url_path=r"evidence/(?P<evidence_id>\d+)/retry",
        permission_classes=[may_make(Move.RETRY_FETCH)],
    )
    def evidence_retry(self, request, pk=None, evidence_id=None):
        """Fetch the link's page again now: its schedule starts over (all attempts again, the
        first due now) and a worker fetches it. Any fact-checker or editor may ask, while the
        claim is queued, in review or published. 409 when the page was fetched, is being
        fetched, or is refused by the fetcher's rules (retrying cannot change that)."""
        _input(NoInputSerializer, request)
        claim = self._claim()
        link = services.evidence_retry_fetch(
            link=self._evidence_link(claim, evidence_id), by=request.user
        )
        return Response(EvidenceLinkSerializer(link).data, status=status.HTTP_202_ACCEPTED)

    # A plain list, neither paged nor filtered: a claim's trail is a few dozen events.
    @extend_schema(responses=ReviewEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
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
        parameters=[ETAG],
        description="The verdict on the claim; its ETag is what writes send in If-Match.",
    )
    @extend_schema(
        methods=["POST"],
        request=VerdictInputSerializer,
        responses={201: VerdictSerializer},
        parameters=[ETAG],
        description="Start the verdict on a claim you hold.",
    )
    @extend_schema(
        methods=["PATCH"],
        request=VerdictInputSerializer,
        responses=VerdictSerializer,
        parameters=[IF_MATCH, ETAG],
        description=(
            "Edit your draft (If-Match required). Fields left out, or sent with the values "
            "they have, are unchanged; a request that changes nothing answers the verdict as "
            "it is, with the same version."
        ),
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
        verdict = self._verdict(claim)
        with if_match(request, verdict) as expected:
            verdict = services.verdict_update(
                verdict=verdict, by=request.user, expected_version=expected, **data
            )
        return verdict_response(verdict)

    @extend_schema(request=None, parameters=[IF_MATCH, ETAG], responses=VerdictSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="verdict/submit",
        permission_classes=[may_make(Move.SUBMIT)],
    )
    def verdict_submit(self, request, pk=None):
        """Submit your verdict for sign-off (needs at least one evidence link)."""
        _input(NoInputSerializer, request)
        verdict = self._verdict(self._claim())
        with if_match(request, verdict) as expected:
            verdict = services.verdict_submit(
                verdict=verdict, by=request.user, expected_version=expected
            )
        return verdict_response(verdict)

    @extend_schema(
        request=SignOffInputSerializer, parameters=[IF_MATCH, ETAG], responses=VerdictSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verdict/approve",
        permission_classes=[may_make(Move.APPROVE)],
    )
    def verdict_approve(self, request, pk=None):
        """Approve and publish a submitted verdict (not your own)."""
        data = _input(SignOffInputSerializer, request)
        verdict = self._verdict(self._claim())
        with if_match(request, verdict) as expected:
            verdict = services.verdict_approve(
                verdict=verdict, by=request.user, expected_version=expected, comment=data["comment"]
            )
        return verdict_response(verdict)

    @extend_schema(
        request=ReturnInputSerializer, parameters=[IF_MATCH, ETAG], responses=VerdictSerializer
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verdict/return",
        permission_classes=[may_make(Move.RETURN)],
    )
    def verdict_return(self, request, pk=None):
        """Return a submitted verdict to its author with a comment."""
        data = _input(ReturnInputSerializer, request)
        verdict = self._verdict(self._claim())
        with if_match(request, verdict) as expected:
            verdict = services.verdict_return(
                verdict=verdict, by=request.user, expected_version=expected, comment=data["comment"]
            )
        return verdict_response(verdict)

    @extend_schema(
        request=CorrectionInputSerializer,
        parameters=[ETAG],
        responses={201: VerdictSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verdict/correct",
        permission_classes=[may_make(Move.CORRECT)],
    )
    def verdict_correct(self, request, pk=None):
        """Open a correction of the claim's published verdict, saying why (`comment`, which is
        published with it): a draft copied from the verdict, held by its author, who edits and
        submits it as any verdict. The published verdict stays public until another editor
        approves the correction, which then supersedes it."""
        data = _input(CorrectionInputSerializer, request)
        verdict = services.verdict_correct(
            claim=self._claim(), by=request.user, comment=data["comment"]
        )
        return verdict_response(verdict, status_code=status.HTTP_201_CREATED)


class QueueNextView(APIView):
    """Take the top claim of the queue under a lease: 200 with the claim, 204 when empty. The
    queue's filters, sent as the body, narrow it to the claims that pass them."""

    permission_classes = [may_make(Move.TAKE)]

    @extend_schema(
        request=QueueNextInputSerializer,
        responses={
            200: ClaimDetailSerializer,
            204: OpenApiResponse(description="No claim (that passes the filters) is waiting."),
        },
    )
    def post(self, request):
        serializer = QueueNextInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.claim_take_next(reviewer=request.user, filters=serializer.queue_filters())
        if claim is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        selectors.claim_with_evidence(claim)
        return Response(ClaimDetailSerializer.represent(claim))
