"""Pages. Public pages need no sign-in and show published material only; the workflow pages
serve fact-checkers and editors. Every change a page makes goes through reviews.services,
and a refusal by a service is shown to the person as a message."""

import json
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import CHECKERS
from factcheck.errors import DomainError, InvalidInput, NotFound, StaleVersion
from factcheck.pages import is_htmx, redirect_back, render_page, role_required
from factcheck.paging import page_of
from factchecks.views import with_suggestions
from sources.selectors import retry_offered

from . import selectors, services
from .forms import (
    ApproveForm,
    AssignForm,
    BoostForm,
    BulkTriageForm,
    ClaimSearchForm,
    CorrectionForm,
    DismissForm,
    EvidenceEditForm,
    EvidenceForm,
    QueueFilterForm,
    QueueListForm,
    ReturnForm,
    VerdictForm,
    named_errors,
)
from .models import Claim, ClaimState, DismissReason, Stance, Verdict, VerdictState
from .presenters import (
    claimreview_for_verdict,
    history_in_words,
    priority_explained,
    state_tiles,
    triage_table,
)
from .ratings import RATING_SCALE
from .rendering import markdown_html, marked_up_body
from .workflow import (
    ASSIGN_MOVES,
    CORRECTION_MOVES,
    HOLDER_MOVES,
    RULES,
    SIGNOFF_MOVES,
    Move,
    allowed_moves,
    can,
    claim_work_refusal,
    may,
    refusal,
    role_may,
)

# The states' names for the templates, which compare with them rather than spell them out.
STATES = {"ClaimState": ClaimState, "VerdictState": VerdictState}
RECENTLY_PUBLISHED = 10


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _claim_href(claim: Claim) -> str:
    return reverse("claim-workspace", args=[claim.pk])


def move_page(move: Move):
    """A page that makes `move`: open to the roles the rulebook allows it (the claim's own
    conditions are judged by the service that makes it)."""
    return role_required(*RULES[move].roles)


# --- home and the queue ---------------------------------------------------------------------


def home(request):
    """Where each role starts: editors at their sign-off inbox, fact-checkers at the queue."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if role_may(user, Move.APPROVE):
        return redirect("signoff-inbox")
    if role_may(user, Move.TAKE):
        return redirect("queue")
    raise PermissionDenied("Your account holds no role that has pages here.")


@role_required(*CHECKERS)
@require_GET
def queue(request):
    """Your claims, and the claims waiting in the queue (or, from a count tile, those in
    another state), filtered, searched and in pages."""
    visible = selectors.claims_visible_to(request.user)
    form = QueueListForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    filtered = (
        selectors.claims_filtered(visible, filters=form.queue_filters(), search=data["q"])
        if valid
        else visible
    )
    counts = selectors.claim_counts_by_state(filtered)
    state = data.get("state") or ClaimState.QUEUED
    listing = page_of(
        request,
        selectors.without_article_text(selectors.claims_in_state(filtered, state)),
        anchor="waiting",
    )
    my_claims = selectors.claims_in_review_held_by(request.user)
    waiting = list(listing.object_list)
    with_suggestions([*my_claims, *waiting], user=request.user)
    for claim in [*my_claims, *waiting]:
        # Asks the database only of a held claim whose lease may have run out.
        claim.may_take = can(request.user, Move.TAKE, claim)
    for claim in waiting:
        claim.priority_explained = priority_explained(claim)
    # Taking the next claim takes it from the queue as shown: filtered, or not. The search
    # and the state choose what the list shows, not what is taken.
    take_filters = {
        name: form[name].value() for name in QueueFilterForm.FILTERS if valid and form[name].value()
    }
    return render_page(
        request,
        "reviews/queue.html",
        {
            "filters": form,
            "filtered": bool(take_filters or data.get("q")),
            "take_filters": take_filters,
            "search": data.get("q", ""),
            "list_state": state,
            "list_state_label": ClaimState(state).label,
            "state_counts": state_tiles(request.GET, counts, current=state, anchor="waiting"),
            "my_claims": my_claims,
            "waiting": waiting,
            "waiting_count": listing.count,
            "listing": listing,
            "may_triage": role_may(request.user, Move.QUEUE),
            "lease_minutes": settings.CLAIM_LEASE_MINUTES,
            **STATES,
        },
    )


@move_page(Move.TAKE)
@require_POST
def queue_take_next(request):
    """Take the top claim of the queue, narrowed by the filters the queue was shown with."""
    filters = QueueFilterForm(request.POST)
    if not filters.is_valid():
        messages.error(request, f"No claim taken: {_form_errors(filters)}")
        return redirect("queue")
    back = reverse("queue")
    shown = {name: value for name, value in filters.cleaned_data.items() if value}
    if shown:
        back += "?" + urlencode(
            {name: getattr(value, "pk", value) for name, value in shown.items()}
        )
    try:
        claim = services.claim_take_next(reviewer=request.user, filters=filters.queue_filters())
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    if claim is None:
        messages.info(
            request,
            "No claim that matches these filters is waiting."
            if shown
            else "The queue is empty: there is no claim to take.",
        )
        return redirect(back)
    messages.success(request, f"The claim is yours for {settings.CLAIM_LEASE_MINUTES} minutes.")
    return redirect("claim-workspace", claim.pk)


@move_page(Move.TAKE)
@require_POST
def claim_take(request, pk: int):
    """Take this claim (`services.claim_take`): a queued one, or one whose lease ran out."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    try:
        services.claim_take(claim=claim, by=request.user)
    except DomainError as refused:
        messages.error(request, f"Not taken: {refused.message}")
        return redirect_back(request, "claim-workspace", pk)
    messages.success(request, f"The claim is yours for {settings.CLAIM_LEASE_MINUTES} minutes.")
    return redirect("claim-workspace", pk)


@move_page(Move.ASSIGN)
@require_POST
def claim_assign(request, pk: int):
    """Give this claim to a fact-checker (`services.claim_assign`), from the claim's page or
    the article's triage cell, and go back there."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not assigned: {_form_errors(form)}")
        return redirect_back(request, "claim-workspace", pk)
    assignee = form.cleaned_data["user"]
    try:
        claim = services.claim_assign(claim=claim, by=request.user, assignee=assignee)
    except DomainError as refused:
        messages.error(request, f"Not assigned: {refused.message}")
        return redirect_back(request, "claim-workspace", pk)
    name = assignee.get_username()
    if claim.state == ClaimState.RETURNED:
        messages.success(request, f"Assigned to {name}, with its verdict to fix and resubmit.")
    else:
        messages.success(
            request, f"Assigned to {name}: theirs for {settings.CLAIM_LEASE_MINUTES} minutes."
        )
    return redirect_back(request, "claim-workspace", pk)


# --- the claim workspace --------------------------------------------------------------------


def _evidence_context(claim: Claim, *, may_work: bool, user) -> dict:
    """The evidence list and panel: each link with `may_change` (edit and remove are offered:
    `may_work`, unless the standing published verdict cites it, which a correction leaves
    as it is) and `may_retry` (its fetch failed, or waits for another attempt, and `user`
    may ask for one now)."""
    links = selectors.claim_evidence_with_snapshots(claim=claim)
    published_at = selectors.claim_published_at(claim=claim) if may_work else None
    may_retry = can(user, Move.RETRY_FETCH, claim)
    for link in links:
        link.may_change = may_work and not (
            published_at
            and selectors.published_with(added_at=link.created_at, published_at=published_at)
        )
        link.may_retry = may_retry and retry_offered(link.source)
    return {
        "claim": claim,
        "evidence": links,
        "fetch_pending": any(link.fetch_pending for link in links),
        "may_work": may_work,
        "stances": Stance.choices,
    }


def _workspace(
    request,
    claim_id: int,
    *,
    verdict_form: VerdictForm | None = None,
    evidence_form: EvidenceForm | None = None,
    evidence_error: str = "",
    conflict: dict | None = None,
    correction_form: CorrectionForm | None = None,
    unsaved: dict | None = None,
    status: int = 200,
):
    """The claim's page. `unsaved`: what a refused save held (`_typed`), shown as a copy
    when the verdict form is not, so that typed work is never lost."""
    user = request.user
    claim = get_object_or_404(selectors.claims_visible_with_lease_left(user), pk=claim_id)
    article = claim.article
    verdict = selectors.verdict_visible_on_claim(claim=claim, user=user)
    moves = allowed_moves(
        claim,
        user,
        verdict=verdict,
        among=HOLDER_MOVES + CORRECTION_MOVES + (Move.TAKE, *ASSIGN_MOVES),
    )
    may_work = Move.ADD_EVIDENCE in moves
    may_edit_verdict = Move.START_VERDICT in moves or Move.EDIT_VERDICT in moves
    if verdict_form is None and may_edit_verdict:
        verdict_form = VerdictForm(
            initial={
                "rating": verdict.rating,
                "headline": verdict.headline,
                "rationale": verdict.rationale,
                "version": verdict.version,
            }
            if verdict
            else {}
        )
    lease_seconds_left = (
        selectors.lease_seconds_left(claim) if claim.state == ClaimState.ASSIGNED else None
    )
    latest_return = (
        selectors.claim_latest_return(claim=claim) if claim.state == ClaimState.RETURNED else None
    )
    correction = selectors.claim_correction_in_progress(claim=claim)
    if correction is not None and latest_return is not None and latest_return.pk < correction.pk:
        latest_return = None  # a return of the first verdict, before it was published
    with_suggestions([claim], user=user)
    article_claims = list(selectors.article_claims(article=article))
    return render_page(
        request,
        "reviews/claim_workspace.html",
        {
            "claim": claim,
            "article": article,
            "body_html": marked_up_body(
                article.body, article_claims, current_id=claim.pk, href=_claim_href
            ),
            **_claim_steps(article_claims, claim),
            "priority_explained": priority_explained(claim),
            "verdict": verdict,
            "verdict_rating": RATING_SCALE.get(verdict.rating) if verdict else None,
            "rationale_html": markdown_html(verdict.rationale) if verdict else "",
            "verdict_form": verdict_form if may_edit_verdict else None,
            "evidence_form": evidence_form or EvidenceForm(),
            "evidence_error": evidence_error,
            "conflict": conflict,
            "holds_claim": claim.assignee_id == user.pk,
            "lease_seconds_left": lease_seconds_left,
            "lease_minutes": settings.CLAIM_LEASE_MINUTES,
            "latest_return": latest_return,
            "correction": correction,
            "correction_form": correction_form or CorrectionForm(),
            "assign_form": AssignForm() if moves & set(ASSIGN_MOVES) else None,
            "unsaved": unsaved if unsaved and not may_edit_verdict else None,
            "history": history_in_words(selectors.claim_events(claim=claim)),
            "may": may(moves),
            **_evidence_context(claim, may_work=may_work, user=user),
            **STATES,
        },
        status=status,
    )


def _claim_steps(article_claims: list[Claim], claim: Claim) -> dict:
    """Where `claim` stands among its article's claims (in body order), and its neighbours:
    the keyboard's way from claim to claim, the links in the article text being out of the
    Tab order."""
    index = next(i for i, other in enumerate(article_claims) if other.pk == claim.pk)
    return {
        "claim_number": index + 1,
        "claims_in_article": len(article_claims),
        "previous_claim": article_claims[index - 1] if index > 0 else None,
        "next_claim": article_claims[index + 1] if index + 1 < len(article_claims) else None,
    }


@role_required(*CHECKERS)
@require_GET
def claim_workspace(request, pk: int):
    return _workspace(request, pk)


@role_required(*CHECKERS)
@require_GET
def claim_evidence(request, pk: int):
    """The evidence list alone: polled while any source is still being fetched."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    may_work = claim_work_refusal(claim=claim, user=request.user) is None
    return render(
        request,
        "reviews/_evidence_list.html",
        _evidence_context(claim, may_work=may_work, user=request.user),
    )


@move_page(Move.ADD_EVIDENCE)
@require_POST
def evidence_add(request, pk: int):
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = EvidenceForm(request.POST)
    refused = claim_work_refusal(claim=claim, user=request.user)
    error = ""
    if refused is not None:
        error = refused.message
    elif form.is_valid():
        try:
            services.evidence_add(claim=claim, by=request.user, **form.cleaned_data)
        except DomainError as not_added:
            error = not_added.message
        else:
            if not is_htmx(request):
                messages.success(request, "Evidence added; its page is being fetched.")
                return redirect(reverse("claim-workspace", args=[pk]) + "#evidence")
            form = EvidenceForm()
    else:
        error = _form_errors(form)
    status = 400 if error else 200
    if is_htmx(request):
        context = {
            **_evidence_context(claim, may_work=refused is None, user=request.user),
            "evidence_form": form,
            "evidence_error": error,
        }
        return render(request, "reviews/_evidence_panel.html", context, status=status)
    messages.error(request, f"Evidence not added: {error}")
    return _workspace(request, pk, evidence_form=form, status=status)


def _evidence_link_change(request, pk: int, evidence_id: int, change, done: str):
    """Make `change(link)` (a service call) on the claim's evidence link `evidence_id` and
    answer as adding evidence does: the evidence panel for htmx, with the refusal (and its
    status) when there is one; otherwise back to the workspace with a message."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    link = selectors.claim_evidence_link(claim=claim, evidence_id=evidence_id)
    status, error = 200, ""
    try:
        if link is None:
            raise NotFound(f"Claim {claim.pk} has no evidence link {evidence_id}.")
        change(link)
    except DomainError as refused:
        status, error = refused.status_code, refused.message
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(reverse("claim-workspace", args=[pk]) + "#evidence")
    may_work = claim_work_refusal(claim=claim, user=request.user) is None
    context = {
        **_evidence_context(claim, may_work=may_work, user=request.user),
        "evidence_form": EvidenceForm(),
        "evidence_change_error": error,
        "evidence_change_done": "" if error else done,
    }
    return render(request, "reviews/_evidence_panel.html", context, status=status)


@move_page(Move.EDIT_EVIDENCE)
@require_POST
def evidence_edit(request, pk: int, evidence_id: int):
    form = EvidenceEditForm(request.POST)

    def change(link):
        if not form.is_valid():
            raise InvalidInput(_form_errors(form))
        services.evidence_update(link=link, by=request.user, **form.cleaned_data)

    return _evidence_link_change(request, pk, evidence_id, change, "Evidence link saved.")


@move_page(Move.REMOVE_EVIDENCE)
@require_POST
def evidence_remove(request, pk: int, evidence_id: int):
    def change(link):
        services.evidence_remove(link=link, by=request.user)

    return _evidence_link_change(request, pk, evidence_id, change, "Evidence link removed.")


@move_page(Move.RETRY_FETCH)
@require_POST
def evidence_retry(request, pk: int, evidence_id: int):
    def change(link):
        services.evidence_retry_fetch(link=link, by=request.user)

    return _evidence_link_change(request, pk, evidence_id, change, "Fetching the page again now.")


def _verdict_conflict(request, claim: Claim, form: VerdictForm):
    """The person's unsaved values next to the saved ones, with who saved those and when.

    The form comes back with the person's values and the saved version, so saving again is a
    deliberate choice to replace the other version, never a silent overwrite."""
    # Only the caller's own verdict, the one a save compares with: a conflicting save never
    # shows or confirms anyone else's work.
    saved = selectors.open_verdict_by(claim=claim, author=request.user)
    if saved is None:
        messages.error(request, "Not saved: the verdict is no longer open for changes.")
        return _workspace(request, claim.pk, unsaved=_typed(request), status=409)
    last_change = selectors.verdict_last_edit(verdict=saved)
    yours = form.verdict_fields()
    rating_labels = {value: d.label for value, d in RATING_SCALE.items()}
    rows = [
        {
            "label": "Rating",
            "saved": rating_labels.get(saved.rating, "Not rated"),
            "yours": rating_labels.get(yours["rating"], "Not rated"),
            "differs": saved.rating != yours["rating"],
        },
        {
            "label": "Headline",
            "saved": saved.headline,
            "yours": yours["headline"],
            "differs": saved.headline != yours["headline"],
        },
        {
            "label": "Rationale",
            "saved": saved.rationale,
            "yours": yours["rationale"],
            "differs": saved.rationale != yours["rationale"],
        },
    ]
    data = request.POST.copy()
    data["version"] = str(saved.version)
    retry_form = VerdictForm(data)
    retry_form.is_valid()
    conflict = {
        "saved": saved,
        "changed_by": last_change.actor if last_change and last_change.actor else saved.author,
        "changed_at": last_change.created_at if last_change else saved.updated_at,
        "loaded_version": form.cleaned_data.get("version"),
        "rows": rows,
    }
    return _workspace(request, claim.pk, verdict_form=retry_form, conflict=conflict, status=409)


def _typed(request) -> dict:
    """What the verdict form posted, as typed, for a copy on the page when it is not saved."""
    rating = request.POST.get("rating", "")
    definition = RATING_SCALE.get(rating)
    return {
        "rating": definition.label if definition else rating,
        "headline": request.POST.get("headline", ""),
        "rationale": request.POST.get("rationale", ""),
    }


def _taken_back(outcome) -> str:
    return (
        "Your lease had run out, but nobody else had taken the claim: it is yours again for "
        f"{settings.CLAIM_LEASE_MINUTES} minutes. "
        if outcome.taken_back
        else ""
    )


@move_page(Move.EDIT_VERDICT)
@require_POST
def verdict_save(request, pk: int):
    """Save the draft (and submit it, when asked) against the version the form was loaded with,
    through `services.verdict_save`, which makes the moves the API makes: an edit that changes
    nothing saves nothing. A save after the lease ran out takes the claim back when nobody
    else took it. A save refused for any reason shows what was typed: in the form when the
    person may still edit it, else as a copy."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = VerdictForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not saved: {_form_errors(form)}")
        return _workspace(request, pk, verdict_form=form, unsaved=_typed(request), status=400)
    try:
        # The service asks whether the person may work on the claim before it compares
        # anything with what is saved, so a refusal never shows or confirms another's draft.
        outcome = services.verdict_save(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            submit=request.POST.get("action") == "submit",
            take_back=True,
            **form.verdict_fields(),
        )
    except StaleVersion:
        return _verdict_conflict(request, claim, form)
    except DomainError as not_saved:
        messages.error(request, f"Not saved: {not_saved.message}")
        status = 409 if isinstance(not_saved, NotFound) else not_saved.status_code
        return _workspace(request, pk, verdict_form=form, unsaved=_typed(request), status=status)
    if outcome.taken_back:
        messages.info(request, _taken_back(outcome).strip())
    if outcome.submit_refusal is not None:
        prefix = "Draft saved, but not submitted" if outcome.changed else "Not submitted"
        messages.error(request, f"{prefix}: {outcome.submit_refusal.message}")
        return redirect(reverse("claim-workspace", args=[pk]) + "#verdict")
    if outcome.submitted:
        messages.success(request, "Verdict submitted for sign-off. An editor will review it.")
        return redirect("claim-workspace", pk)
    if outcome.changed:
        messages.success(request, f"Draft saved (version {outcome.verdict.version}).")
    else:
        messages.info(request, "Nothing changed since the last save.")
    return redirect(reverse("claim-workspace", args=[pk]) + "#verdict")


@move_page(Move.EDIT_VERDICT)
@require_POST
def verdict_autosave(request, pk: int):
    """The verdict form, saved as its holder types (htmx): `services.verdict_save` as the
    form's Save does, taking the claim back when the lease ran out and nobody else took it,
    never submitting. Answers the autosave status, with the verdict's new version for the
    form (and the lease, when the claim was taken back) swapped in out of band; a save
    refused says why, with a copy of what was typed."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = VerdictForm(request.POST)
    context: dict = {"claim": claim, "lease_minutes": settings.CLAIM_LEASE_MINUTES}
    status = 200
    if not form.is_valid():
        context["problem"], status = _form_errors(form), 400
        return render(request, "reviews/_autosave_status.html", context, status=status)
    try:
        outcome = services.verdict_save(
            claim=claim,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            take_back=True,
            **form.verdict_fields(),
        )
    except StaleVersion:
        context["problem"] = (
            "the verdict changed since you opened it. Save the form to see your text next "
            "to the saved version."
        )
        status = 409
    except DomainError as not_saved:
        context.update(problem=not_saved.message, unsaved=_typed(request))
        status = 409 if isinstance(not_saved, NotFound) else not_saved.status_code
    else:
        verdict = outcome.verdict
        context.update(
            version=verdict.version,
            saved_at=verdict.updated_at if outcome.changed else None,
            unchanged=not outcome.changed,
            taken_back=outcome.taken_back,
        )
        if outcome.taken_back:
            context.update(_lease_context(claim.pk, request.user))
    return render(request, "reviews/_autosave_status.html", context, status=status)


def _lease_context(claim_id: int, user) -> dict:
    """What reviews/_lease.html shows of the lease on the claim `user` holds."""
    claim = selectors.claims_visible_with_lease_left(user).get(pk=claim_id)
    moves = allowed_moves(claim, user, among=(Move.RENEW, Move.RELEASE, Move.TAKE))
    return {
        "claim": claim,
        "lease_seconds_left": selectors.lease_seconds_left(claim),
        "lease_minutes": settings.CLAIM_LEASE_MINUTES,
        "may": may(moves),
    }


@move_page(Move.CORRECT)
@require_POST
def verdict_correct(request, pk: int):
    """Open a correction of the claim's published verdict (`services.verdict_correct`)."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"No correction opened: {_form_errors(form)}")
        return _workspace(request, pk, correction_form=form, status=400)
    try:
        correction = services.verdict_correct(
            claim=claim, by=request.user, comment=form.cleaned_data["comment"]
        )
    except DomainError as refused:
        messages.error(request, f"No correction opened: {refused.message}")
        return redirect(reverse("claim-workspace", args=[pk]) + "#verdict")
    holder = correction.author.get_username()
    messages.success(
        request,
        f"Correction opened and held by {holder}. The published verdict stays public until "
        "another editor approves the correction.",
    )
    return redirect(reverse("claim-workspace", args=[pk]) + "#verdict")


@move_page(Move.RELEASE)
@require_POST
def claim_release(request, pk: int):
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    try:
        services.claim_release(claim=claim, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("claim-workspace", pk)
    messages.success(request, "The claim went back to the queue.")
    return redirect("queue")


@move_page(Move.RENEW)
@require_POST
def claim_renew(request, pk: int):
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    try:
        services.claim_renew(claim=claim, by=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"Your lease now runs {settings.CLAIM_LEASE_MINUTES} minutes from now."
        )
    return redirect("claim-workspace", pk)


@role_required(*CHECKERS)
@require_POST
def markdown_preview(request):
    return HttpResponse(markdown_html(request.POST.get("rationale", "")[:20000]))


# --- sign-off -------------------------------------------------------------------------------


@move_page(Move.APPROVE)
@require_GET
def signoff_inbox(request):
    listing = page_of(request, selectors.verdicts_awaiting_signoff())
    waiting = list(listing.object_list)
    for verdict in waiting:
        verdict.may_sign_off = bool(
            allowed_moves(verdict.claim, request.user, verdict=verdict, among=SIGNOFF_MOVES)
        )
    return render_page(
        request,
        "reviews/signoff_inbox.html",
        {
            "waiting": waiting,
            "listing": listing,
            "recently_published": selectors.verdicts_published_latest(limit=RECENTLY_PUBLISHED),
        },
    )


def _review(request, pk: int, *, return_form=None, approve_form=None, status=200):
    verdict = get_object_or_404(selectors.verdicts_for_signoff_review(), pk=pk)
    claim = verdict.claim
    article = claim.article
    initial = {"version": verdict.version}
    moves = allowed_moves(claim, request.user, verdict=verdict, among=SIGNOFF_MOVES)
    awaiting_signoff = verdict.state == VerdictState.SUBMITTED
    refused = refusal(request.user, Move.APPROVE, claim, verdict=verdict)
    return render_page(
        request,
        "reviews/signoff_review.html",
        {
            "verdict": verdict,
            "claim": claim,
            "article": article,
            "rating": RATING_SCALE.get(verdict.rating),
            "rationale_html": markdown_html(verdict.rationale),
            "body_html": marked_up_body(
                article.body,
                selectors.article_claims(article=article),
                current_id=claim.pk,
                href=_claim_href,
            ),
            "evidence": selectors.claim_evidence_with_snapshots(claim=claim),
            "returned_before": selectors.return_comments(verdict=verdict),
            "awaiting_signoff": awaiting_signoff,
            # Why a verdict awaiting sign-off cannot be signed off by this editor.
            "signoff_refusal": refused.message if refused and awaiting_signoff else "",
            "may": may(moves),
            "approve_form": approve_form or ApproveForm(initial=initial),
            "return_form": return_form or ReturnForm(initial=initial),
            **STATES,
        },
        status=status,
    )


@move_page(Move.APPROVE)
@require_GET
def signoff_review(request, pk: int):
    return _review(request, pk)


@move_page(Move.APPROVE)
@require_POST
def signoff_approve(request, pk: int):
    verdict = get_object_or_404(Verdict, pk=pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not approved: {_form_errors(form)}")
        return _review(request, pk, approve_form=form, status=400)
    try:
        verdict = services.verdict_approve(
            verdict=verdict,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except StaleVersion:
        messages.error(
            request,
            "The verdict changed while you were reviewing it. Review the current version.",
        )
        return redirect("signoff-review", pk)
    except DomainError as refused:
        messages.error(request, f"Not approved: {refused.message}")
        return redirect("signoff-review", pk)
    messages.success(request, f"Approved and published: “{verdict.headline}”.")
    return redirect("signoff-inbox")


@move_page(Move.RETURN)
@require_POST
def signoff_return(request, pk: int):
    verdict = get_object_or_404(Verdict, pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not returned: {_form_errors(form)}")
        return _review(request, pk, return_form=form, status=400)
    try:
        services.verdict_return(
            verdict=verdict,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except StaleVersion:
        messages.error(
            request,
            "The verdict changed while you were reviewing it. Review the current version.",
        )
        return redirect("signoff-review", pk)
    except DomainError as refused:
        messages.error(request, f"Not returned: {refused.message}")
        return _review(request, pk, return_form=form, status=refused.status_code)
    messages.success(request, "Returned to its fact-checker with your comment.")
    return redirect("signoff-inbox")


# --- triage: the article page, and the claims awaiting triage -------------------------------

# The claim tables the triage forms are posted from: an article's claims, or every claim
# awaiting triage (with its article named).
ROW_LAYOUTS = ("article", "triage")


def _row_layout(request) -> str:
    layout = request.POST.get("layout", "")
    return layout if layout in ROW_LAYOUTS else "article"


def _page_url(request) -> str:
    """The page a triage form was posted from, for its rows' forms to return to."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else ""


def _triage_row(request, claim_id: int, *, message: str, error: str, status: int):
    """The claim's row of the table the form was posted from, as it stands now, with what
    became of the move in it."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=claim_id)
    context = triage_table([claim], user=request.user, layout=_row_layout(request))
    (row,) = context["rows"]
    with_suggestions([row], user=request.user)
    row.row_message, row.row_error = message, error
    context.update(claim=row, next_url=_page_url(request))
    return render(request, "reviews/_triage_row.html", context, status=status)


def _triage(request, pk: int, move, not_done: str, form=None) -> HttpResponse:
    """Make `move(claim)` (a service call, answering what was done), after `form` checks
    what was posted. With htmx, answers the claim's row with the outcome in it; otherwise
    goes back to the page with it as a message. A refusal names the claim, and the field
    when a field is wrong: "Claim 12 not dismissed: Reason for dismissing: ..."."""
    claim = get_object_or_404(selectors.claims_visible_to(request.user), pk=pk)
    message, error, status = "", "", 200
    if form is not None and not form.is_valid():
        error, status = f"Claim {claim.pk} {not_done}: {named_errors(form)}", 400
    else:
        try:
            message = move(claim)
        except DomainError as refused:
            error, status = f"Claim {claim.pk} {not_done}: {refused.message}", refused.status_code
    if is_htmx(request):
        return _triage_row(request, claim.pk, message=message, error=error, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect_back(
        request, "article-detail", claim.article_id, anchor=f"claim-row-{claim.pk}"
    )


@move_page(Move.QUEUE)
@require_POST
def claim_queue(request, pk: int):
    def move(claim):
        services.claim_queue(claim=claim, by=request.user)
        return "Claim put in the review queue."

    return _triage(request, pk, move, "not queued")


@move_page(Move.DISMISS)
@require_POST
def claim_dismiss(request, pk: int):
    form = DismissForm(request.POST)

    def move(claim):
        services.claim_dismiss(
            claim=claim,
            by=request.user,
            reason=form.cleaned_data["reason"],
            comment=form.cleaned_data["comment"],
        )
        return "Claim dismissed."

    return _triage(request, pk, move, "not dismissed", form)


@move_page(Move.BOOST)
@require_POST
def claim_boost(request, pk: int):
    form = BoostForm(request.POST)

    def move(claim):
        claim = services.claim_boost(claim=claim, by=request.user, boost=form.cleaned_data["boost"])
        return f"Boost set to {claim.boost}; the claim's priority is now {claim.priority:g}."

    return _triage(request, pk, move, "not boosted", form)


@move_page(Move.QUEUE)
@require_GET
def triage(request):
    """The claims awaiting triage across articles, newest articles first, searched and in
    pages, to queue or dismiss one by one or in bulk."""
    search_form = ClaimSearchForm(request.GET)
    search = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    listing = page_of(request, selectors.claims_awaiting_triage(request.user, search=search))
    table = triage_table(listing.object_list, user=request.user, layout="triage")
    with_suggestions(table["rows"], user=request.user)
    return render_page(
        request,
        "reviews/triage.html",
        {
            **table,
            "search_form": search_form,
            "search": search,
            "listing": listing,
            "next_url": request.get_full_path(),
        },
    )


def _bulk_summary(outcome: services.BulkTriage, reason: str, *, rows: bool) -> str:
    """ "3 claims put in the review queue. 1 not queued: see why in its row." `rows`: whether
    the refusals are told in the rows, or in messages of their own."""
    done, refused = len(outcome.done), len(outcome.refused)
    claims = f"{done} claim{'' if done == 1 else 's'}" if done else "No claim"
    if outcome.move == Move.QUEUE:
        summary, not_done = f"{claims} put in the review queue.", "queued"
    else:
        summary, not_done = f"{claims} dismissed ({DismissReason(reason).label}).", "dismissed"
    if refused:
        where = ("in its row" if refused == 1 else "in their rows") if rows else "below"
        summary += f" {refused} not {not_done}: see why {where}."
    return summary


@move_page(Move.QUEUE)
@require_POST
def claims_triage_bulk(request):
    """Queue or dismiss the selected claims (`services.claims_triage_bulk`): each is moved or
    refused on its own. With htmx, answers a summary where the buttons are, and the table's
    rows as they stand now, each selected one saying what became of it; otherwise goes back
    to the page with the summary and each refusal as messages."""
    form = BulkTriageForm(request.POST)
    problem, status, outcome = "", 200, None
    if not form.is_valid():
        problem, status = f"Nothing triaged: {named_errors(form)}", 400
    else:
        data = form.cleaned_data
        try:
            outcome = services.claims_triage_bulk(
                claim_ids=data["claims"],
                by=request.user,
                move=data["move"],
                reason=data["reason"] or None,
                comment=data["comment"],
            )
        except DomainError as refused:
            problem, status = f"Nothing triaged: {refused.message}", refused.status_code
    refusals = [] if outcome is None else outcome.refused
    not_done = "not queued" if outcome and outcome.move == Move.QUEUE else "not dismissed"
    if not is_htmx(request):
        summary = problem or _bulk_summary(outcome, form.cleaned_data["reason"], rows=False)
        messages.add_message(
            request, messages.ERROR if problem or refusals else messages.SUCCESS, summary
        )
        for refusal_ in refusals:
            messages.error(request, f"Claim {refusal_.claim_id} {not_done}: {refusal_.message}")
        return redirect_back(request, "triage")
    summary = problem or _bulk_summary(outcome, form.cleaned_data["reason"], rows=True)
    context = {"summary": summary, "problem": bool(problem), "show_table": False}
    shown = form.cleaned_data.get("shown") or []
    if outcome is not None and shown:
        claims = selectors.claims_visible_to(request.user).filter(pk__in=shown)
        by_id = {claim.pk: claim for claim in selectors.without_article_text(claims)}
        table = triage_table(
            [by_id[pk] for pk in shown if pk in by_id],
            user=request.user,
            layout=_row_layout(request),
        )
        with_suggestions(table["rows"], user=request.user)
        outcomes = {result.claim_id: result for result in outcome.outcomes}
        for row in table["rows"]:
            result = outcomes.get(row.pk)
            if result is None:
                continue
            if result.done:
                row.row_message = result.message
            else:
                row.row_error = f"Claim {row.pk} {not_done}: {result.message}"
                row.selected = True  # still selected: another move may suit it
        context.update(table, show_table=True, next_url=_page_url(request))
    return render(request, "reviews/_bulk_triage_result.html", context, status=status)


# --- public pages ---------------------------------------------------------------------------


def verdict_public(request, pk: int):
    # The one read of published verdicts: published ones only, evidence without its notes.
    verdict = selectors.published_verdicts().filter(pk=pk).first()
    if verdict is None:
        # A corrected verdict's address leads to its correction, which readers should see.
        successor = selectors.published_successor(verdict_id=pk)
        if successor is None:
            raise Http404("No published verdict with this id.")
        return redirect("verdict-public", successor, permanent=True)
    claimreview = claimreview_for_verdict(verdict)
    return render_page(
        request,
        "reviews/verdict_public.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "article": verdict.claim.article,
            "rating": RATING_SCALE.get(verdict.rating),
            "rationale_html": markdown_html(verdict.rationale),
            "evidence": selectors.public_evidence([verdict])[verdict.pk],
            "first_published_at": verdict.first_published_at or verdict.published_at,
            "corrections": selectors.corrections_up_to(verdict),
            # Escaped for a <script> block: no "</script>" can close it early.
            "claimreview_json": json.dumps(claimreview, ensure_ascii=False)
            .replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026"),
        },
    )


# The stored text of a page is shown up to this many characters: a page's text can run to
# megabytes, which no reader scrolls through on one page.
SNAPSHOT_PAGE_CHARS = 200_000


def evidence_snapshot_public(request, pk: int, evidence_id: int):
    """The text this service stored of a page a published verdict cites, escaped: for the
    evidence its public page lists only (`selectors.public_evidence`)."""
    shown = selectors.public_evidence_snapshot(verdict_id=pk, evidence_id=evidence_id)
    if shown is None:
        raise Http404("No published verdict cites a stored page under this address.")
    text = shown.snapshot.text
    return render_page(
        request,
        "reviews/evidence_snapshot_public.html",
        {
            "verdict": shown.verdict,
            "link": shown.link,
            "snapshot": shown.snapshot,
            "text": text[:SNAPSHOT_PAGE_CHARS],
            "text_cut": len(text) > SNAPSHOT_PAGE_CHARS,
            "text_chars": len(text),
        },
    )


def article_public(request, pk: int):
    # An article nothing was published on is not known here at all, title included.
    article = get_object_or_404(selectors.articles_with_published_verdicts(), pk=pk)
    verdicts = list(selectors.published_verdicts_on_article(article=article))
    evidence = selectors.public_evidence(verdicts)
    for verdict in verdicts:
        verdict.public_evidence = evidence[verdict.pk]
    return render_page(
        request,
        "reviews/article_public.html",
        {"article": article, "verdicts": verdicts, "rating_counts": _rating_counts(verdicts)},
    )


def _rating_counts(verdicts: list[Verdict]) -> list[dict]:
    """How many of `verdicts` carry each rating, in the scale's order, ratings none carries
    left out."""
    counts = Counter(verdict.rating for verdict in verdicts)
    return [
        {"rating": rating, "label": definition.label, "count": counts[rating]}
        for rating, definition in RATING_SCALE.items()
        if counts[rating]
    ]
