"""Pages. Public pages need no sign-in and show published material only."""

import json

from django.shortcuts import get_object_or_404, render

from articles.models import Article

from .claimreview import claimreview_for_verdict
from .models import Verdict


def verdict_public(request, pk: int):
    verdict = get_object_or_404(
        Verdict.objects.select_related("claim__article", "signed_off_by").prefetch_related(
            "claim__evidence__source"
        ),
        pk=pk,
        state="published",
    )
    claimreview = claimreview_for_verdict(verdict)
    return render(
        request,
        "reviews/verdict_public.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "article": verdict.claim.article,
            # Escaped for a <script> block: no "</script>" can close it early.
            "claimreview_json": json.dumps(claimreview, ensure_ascii=False)
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026"),
        },
    )


def article_public(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    verdicts = (
        Verdict.objects.filter(claim__article=article, state="published")
        .select_related("claim")
        .order_by("claim__start")
    )
    return render(
        request, "reviews/article_public.html", {"article": article, "verdicts": verdicts}
    )
