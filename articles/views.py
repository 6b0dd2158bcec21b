"""Pages for articles: adding one, and an article with all its claims, where editors triage.

Writes go through articles.services (ingest) and reviews.services (triage, posted to the
review pages)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import CHECKERS
from factcheck.errors import DomainError
from factcheck.pages import render_page, role_required
from factchecks.views import with_suggestions
from reviews import selectors as review_selectors
from reviews.forms import AssignForm, BoostForm, DismissForm
from reviews.models import Claim, ClaimState, VerdictState
from reviews.rendering import marked_up_body
from reviews.workflow import ASSIGN_MOVES, TRIAGE_MOVES, Move, allowed_moves, may, role_may

from . import selectors, services
from .extraction.scorer import ScorerUnavailable
from .forms import IngestForm
from .models import Article

IN_PROGRESS = (Article.IngestState.PENDING, Article.IngestState.FETCHING)
LIST_SIZE = 100


@role_required(*CHECKERS)
@require_GET
def article_list(request):
    articles = selectors.article_list_with_claim_counts()[:LIST_SIZE]
    return render_page(request, "articles/article_list.html", {"articles": articles})


def _ingest(form: IngestForm, user) -> tuple[Article, bool]:
    data = form.cleaned_data
    if data["input_format"] == Article.InputFormat.URL:
        return services.article_submit_url(url=data["url"].strip(), submitted_by=user)
    return services.article_submit_content(
        content=data["content"],
        input_format=data["input_format"],
        title=data["title"],
        url=data["url"].strip(),
        publisher=data["publisher"],
        author=data["author"],
        submitted_by=user,
    )


@role_required(*CHECKERS)
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = IngestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                article, created = _ingest(form, request.user)
            except DomainError as refused:
                form.add_error(None, refused.message)
            except ScorerUnavailable:
                # A deployment without the claim model: nothing was stored (one transaction).
                form.add_error(
                    None,
                    "Claims cannot be extracted right now, so the article was not stored. "
                    "Try again later, or tell whoever runs the service.",
                )
                status = 503
            else:
                if not created:
                    messages.info(request, "This article was already here: nothing was added.")
                elif article.ingest_state == Article.IngestState.FETCHING:
                    messages.success(
                        request, "Fetching the page; its claims appear here once it is read."
                    )
                else:
                    count = review_selectors.article_claim_count(article=article)
                    messages.success(
                        request, f"Article stored: {count} claim{'s' if count != 1 else ''} found."
                    )
                return redirect("article-detail", article.pk)
    return render_page(request, "articles/article_new.html", {"form": form}, status=status)


def _claims_with_verdicts(article: Article, user) -> list[Claim]:
    """The article's claims, each with `current_verdict`: the verdict `user` may see on it (a
    draft or a submitted verdict only for its author and editors), or None; and `may`: the
    triage moves and assignments `user` may make on it; and the published fact-checks
    suggested for it."""
    claims = review_selectors.article_claims_with_verdicts(article=article, user=user)
    for claim in claims:
        moves = TRIAGE_MOVES + ASSIGN_MOVES
        claim.may = may(allowed_moves(claim, user, verdict=claim.current_verdict, among=moves))
    with_suggestions(claims, user=user)
    return claims


@role_required(*CHECKERS)
@require_GET
def article_detail(request, pk: int):
    article = get_object_or_404(selectors.articles_in_newsroom(), pk=pk)
    ingest_failed = article.ingest_state == Article.IngestState.FAILED
    claims = _claims_with_verdicts(article, request.user)
    counts = {value: 0 for value, _label in ClaimState.choices}
    for claim in claims:
        counts[claim.state] += 1
    return render_page(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "state_counts": [
                {"state": value, "label": label, "count": counts[value]}
                for value, label in ClaimState.choices
                if counts[value]
            ],
            "body_html": marked_up_body(
                article.body,
                claims,
                href=lambda claim: reverse("claim-workspace", args=[claim.pk]),
            ),
            "in_progress": article.ingest_state in IN_PROGRESS,
            "ingest_failed": ingest_failed,
            "may_retry": ingest_failed and services.article_retry_refusal(article=article) is None,
            "may_remove": ingest_failed
            and services.article_removal_refusal(article=article, user=request.user) is None,
            # The public summary exists only once something on the article is published.
            "has_public_summary": review_selectors.article_has_published_verdict(article=article),
            "may_triage": any(role_may(request.user, move) for move in TRIAGE_MOVES),
            "may_sign_off": role_may(request.user, Move.APPROVE),
            "dismiss_form": DismissForm(),
            "boost_form": BoostForm(),
            # Read once, for every row that offers the assignment.
            "assign_choices": list(AssignForm().fields["user"].choices)
            if any(claim.may["assign"] or claim.may["reassign"] for claim in claims)
            else [],
            "VerdictState": VerdictState,
        },
    )


@role_required(*CHECKERS)
@require_GET
def article_ingest_status(request, pk: int):
    """Polled while a URL is being fetched; once it is read, the whole page reloads."""
    article = get_object_or_404(selectors.articles_in_newsroom(), pk=pk)
    if article.ingest_state in IN_PROGRESS:
        return render(request, "articles/_ingest_status.html", {"article": article})
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


@role_required(*CHECKERS)
@require_POST
def article_retry(request, pk: int):
    """Fetch the page of an article that could not be read again (`services.article_retry`)."""
    article = get_object_or_404(selectors.articles_in_newsroom(), pk=pk)
    try:
        article = services.article_retry(article=article, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        if article.ingest_state == Article.IngestState.FETCHING:
            messages.success(
                request, "Fetching the page again; its claims appear here once it is read."
            )
        elif article.ingest_state == Article.IngestState.FAILED:
            messages.error(request, "Tried again, and the page could not be read this time either.")
        else:
            messages.success(request, "The page was read this time.")
    return redirect("article-detail", pk)


@role_required(*CHECKERS)
@require_POST
def article_remove(request, pk: int):
    """Remove an article that could not be read (`services.article_remove`)."""
    article = get_object_or_404(selectors.articles_in_newsroom(), pk=pk)
    try:
        services.article_remove(article=article, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("article-detail", pk)
    messages.success(request, f"Article {pk} removed: its URL may be submitted again.")
    return redirect("article-list")
