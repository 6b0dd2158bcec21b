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
from factcheck.paging import page_of
from factchecks.views import with_suggestions
from reviews import selectors as review_selectors
from reviews.forms import ClaimStateForm
from reviews.models import ClaimState
from reviews.presenters import state_tiles, triage_table
from reviews.rendering import marked_up_body

from . import selectors, services
from .extraction.scorer import ScorerUnavailable
from .forms import IngestForm
from .models import Article

IN_PROGRESS = (Article.IngestState.PENDING, Article.IngestState.FETCHING)


@role_required(*CHECKERS)
@require_GET
def article_list(request):
    listing = page_of(request, selectors.article_list_with_claim_counts())
    return render_page(
        request,
        "articles/article_list.html",
        {"articles": list(listing.object_list), "listing": listing},
    )


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


@role_required(*CHECKERS)
@require_GET
def article_detail(request, pk: int):
    """The article, its text with its claims marked, and its claims in pages (in the order
    they stand in the text, of one state when a count tile asks), where editors triage."""
    article = get_object_or_404(selectors.articles_in_newsroom(), pk=pk)
    ingest_failed = article.ingest_state == Article.IngestState.FAILED
    all_claims = review_selectors.article_claims(article=article)
    state_form = ClaimStateForm(request.GET)
    state = state_form.cleaned_data["state"] if state_form.is_valid() else ""
    claims = all_claims.select_related("assignee")
    listing = page_of(request, claims.filter(state=state) if state else claims, anchor="claims")
    # The rows' claims carry their article: the one in hand, with its text, read once.
    page_claims = list(listing.object_list)
    for claim in page_claims:
        claim.article = article
    table = triage_table(page_claims, user=request.user, layout="article")
    with_suggestions(table["rows"], user=request.user)
    counts = review_selectors.claim_counts_by_state(all_claims)
    return render_page(
        request,
        "articles/article_detail.html",
        {
            **table,
            "article": article,
            "claims": table["rows"],
            "listing": listing,
            "list_state": state,
            "list_state_label": ClaimState(state).label if state else "",
            "state_counts": [
                tile
                for tile in state_tiles(request.GET, counts, current=state, anchor="claims")
                if tile["count"]
            ],
            "body_html": marked_up_body(
                article.body,
                all_claims,
                href=lambda claim: reverse("claim-workspace", args=[claim.pk]),
            ),
            "in_progress": article.ingest_state in IN_PROGRESS,
            "ingest_failed": ingest_failed,
            "may_retry": ingest_failed and services.article_retry_refusal(article=article) is None,
            "may_remove": ingest_failed
            and services.article_removal_refusal(article=article, user=request.user) is None,
            # The public summary exists only once something on the article is published.
            "has_public_summary": review_selectors.article_has_published_verdict(article=article),
            "next_url": request.get_full_path(),
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
