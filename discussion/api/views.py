"""Notes on a claim, and what changed in its verdict since the last return: for fact-checkers
and editors only."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsChecker
from discussion import selectors, services
from discussion.permissions import MayNote
from factcheck.errors import NotFound
from reviews import selectors as review_selectors

from .serializers import ChangesSinceReturnSerializer, NoteInputSerializer, NoteSerializer


def _claim(request, claim_id: int):
    return get_object_or_404(review_selectors.claims_visible_to(request.user), pk=claim_id)


class ClaimNotesView(APIView):
    """The notes on a claim, oldest first: a plain list, as a claim's thread is short."""

    permission_classes = [MayNote]

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, claim_id: int):
        notes = selectors.claim_notes(claim=_claim(request, claim_id))
        return Response(NoteSerializer(notes, many=True).data)

    @extend_schema(request=NoteInputSerializer, responses={201: NoteSerializer})
    def post(self, request, claim_id: int):
        """Write a note on the claim. The fact-checkers and editors it names as `@username`
        are told (in their notifications)."""
        claim = _claim(request, claim_id)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(
            claim=claim, by=request.user, text=serializer.validated_data["text"]
        )
        note = selectors.claim_notes(claim=claim).get(pk=note.pk)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class VerdictChangesView(APIView):
    """What changed in the claim's verdict since an editor last returned it."""

    permission_classes = [IsChecker]

    @extend_schema(responses=ChangesSinceReturnSerializer)
    def get(self, request, claim_id: int):
        """The rating, headline and rationale (Markdown as written) as returned and as they are
        now, each with a word-level difference. The verdict is the one the caller sees on the
        claim (see the claim's verdict); 404 when it was never returned."""
        claim = _claim(request, claim_id)
        verdict = review_selectors.verdict_visible_on_claim(claim=claim, user=request.user)
        if verdict is None:
            raise NotFound("This claim has no verdict you can see yet.")
        changes = selectors.verdict_changes_since_return(verdict=verdict)
        if changes is None:
            raise NotFound("This verdict was never returned: there is nothing to compare.")
        return Response(ChangesSinceReturnSerializer(changes).data)
