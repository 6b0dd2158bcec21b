"""Every write in the review workflow: the queue, leases, evidence, verdicts and sign-off.

Each service runs in one transaction, asks the rulebook (`workflow.check`: the caller's role,
the claim's state, the lease on the database clock, the verdict's author) on the claim it
locked, raises its refusal, writes, and records a ReviewEvent. Side effects (fetching
evidence) are scheduled after commit by the services they belong to.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Now
from django.utils import timezone

from accounts.roles import CHECKERS, user_has_any_role
from articles.models import Article
from factcheck.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    StaleVersion,
)
from factcheck.prepared import FixedStatement
from factcheck.rows import ModelColumns
from sources.models import Source

from . import selectors, signals
from .models import (
    Claim,
    ClaimState,
    DismissReason,
    EvidenceLink,
    ReviewEvent,
    Stance,
    Verdict,
    VerdictState,
)
from .ratings import Rating
from .workflow import (
    QUEUE_ORDER,
    RULES,
    VERDICT_EDITABLE,
    VERDICT_OPEN,
    Move,
    can,
    check,
    claim_work_refusal,
    handed_out_groups,
    queue_position,
    role_refusal,
)

MAX_BOOST = 100


# --- helpers --------------------------------------------------------------------------------


def _lock_claim(claim_id: int) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim_id)


def _lease_duration() -> timedelta:
    return timedelta(minutes=settings.CLAIM_LEASE_MINUTES)


def _record(
    *,
    claim: Claim,
    actor,
    action: str,
    from_state: str,
    to_state: str,
    comment: str = "",
    verdict: Verdict | None = None,
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        claim=claim,
        article_id=claim.article_id,
        verdict=verdict,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def article_event_record(
    *, article: Article, actor, action: str, from_state: str, to_state: str, comment: str = ""
) -> ReviewEvent:
    """Add a move of an article (submitted, extracted, failed...) to the newsroom's one audit
    trail, where the moves of its claims and verdicts are. Caller holds the transaction."""
    return ReviewEvent.objects.create(
        article=article,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
    )


def claim_event_record(*, claim: Claim, actor, action: str, comment: str = "") -> ReviewEvent:
    """Add something done on a claim that moves nothing (a note written on it) to its audit
    trail, in the state the claim is in. Caller holds the transaction."""
    return _record(
        claim=claim,
        actor=actor,
        action=action,
        from_state=claim.state,
        to_state=claim.state,
        comment=comment,
    )


# Recency: an article published as its claims are found adds this many points to their
# priority, fading to none over RECENCY_DAYS.
RECENCY_POINTS = 10.0
RECENCY_DAYS = 30


def priority_recency(*, published_at: datetime | None, at: datetime) -> float:
    """The points an article's recency adds to the priority of a claim found in it at `at`:
    RECENCY_POINTS for an article published then, fading to none over RECENCY_DAYS; none for
    an article whose date is not known."""
    if published_at is None:
        return 0.0
    age_days = max((at - published_at).total_seconds() / 86400, 0.0)
    return max(0.0, RECENCY_POINTS * (1 - age_days / RECENCY_DAYS))


def claim_priority(*, score: float, boost: int = 0, published_at: datetime | None = None) -> float:
    """Queue priority: check-worthiness first, recent articles ahead, an editor's boost on top.

    Recency (`priority_recency`) is counted once, when the claim is found. Later changes
    shift the stored priority: a boost by its difference, a confirmed match with a published
    fact-check by CHECKED_BEFORE_PENALTY. `presenters.priority_explained` shows the parts.
    """
    recency = priority_recency(published_at=published_at, at=timezone.now())
    return round(score * 100 + recency + boost, 3)


# --- creating claims ------------------------------------------------------------------------


def claims_record_extracted(
    *,
    article,
    extracted: Iterable,
    enters_queue: Callable[[Any], bool],
    extractor_version: str = "",
) -> list[Claim]:
    """Store newly extracted claims of `article`; spans already stored are left untouched
    (re-extraction adds, never deletes or changes). Claims for which `enters_queue` (the
    articles app's rule) is true enter the queue; the rest wait in triage. Returns the claims
    created."""
    existing = set(Claim.objects.filter(article=article).values_list("start", "end"))
    created = []
    for item in extracted:
        if (item.start, item.end) in existing:
            continue
        existing.add((item.start, item.end))
        state = ClaimState.QUEUED if enters_queue(item) else ClaimState.TRIAGE
        claim = Claim.objects.create(
            article=article,
            text=item.text,
            start=item.start,
            end=item.end,
            kind=str(item.kind),
            claimant=(item.claimant or "")[:300],
            quantities=list(item.quantities),
            score=min(max(float(item.score), 0.0), 1.0),
            reasons=list(item.reasons),
            state=state,
            priority=claim_priority(score=item.score, published_at=article.published_at),
            extractor_version=extractor_version,
        )
        _record(claim=claim, actor=None, action="extract", from_state="", to_state=state)
        created.append(claim)
    signals.claims_extraction_announce(claim_ids=[claim.pk for claim in created])
    return created


# --- the queue ------------------------------------------------------------------------------


def _literal(name: str) -> str:
    """A state or move of the workflow as an SQL literal. Written into the statement rather
    than passed as a parameter, so that the planner matches the partial indexes whose
    condition names the state (`claim_queue_idx`, `claim_lease_idx`)."""
    return "'" + str(name) + "'"


_QUEUED, _ASSIGNED = _literal(ClaimState.QUEUED), _literal(ClaimState.ASSIGNED)

# `selectors.QueueFilters.condition()` in SQL, one condition per filter on a row of
# reviews_claim. Django's `icontains`, `iexact` and `istartswith` compare upper-cased text, as
# these do. Only the filters given are written into the statement, each combination its own
# prepared statement, planned once like the unfiltered one. Written once as "parameter IS
# NULL or the condition", every take, filtered or not, was planned anew (PostgreSQL never
# chose the generic plan): the median take on 100,000 queued claims went from 0.56 ms to
# 1.31 ms, where a statement with only the filters given stays at 0.56.
_QUEUE_FILTER_SQL = {
    "kind": "reviews_claim.kind = %(kind)s",
    "article": "reviews_claim.article_id = %(article)s",
    "claimant": "strpos(upper(reviews_claim.claimant), upper(%(claimant)s)) > 0",
    "language": """EXISTS (
            SELECT 1 FROM articles_article filtered
             WHERE filtered.id = reviews_claim.article_id
               AND (upper(filtered.language) = upper(%(language)s)
                    OR starts_with(upper(filtered.language), upper(%(language)s) || '-')))""",
}
_QUEUE_FILTER_TYPES = {"kind": "text", "article": "bigint", "claimant": "text", "language": "text"}

# The dequeue itself: the claims `workflow.handed_out()` names that pass the filters, in
# `workflow.QUEUE_ORDER`: the top queued claim, or a claim whose lease ran out, locked with
# SKIP LOCKED so that concurrent callers never get the same one, and assigned to the
# reviewer on the database clock.
_DEQUEUE_PICK = f"""
WITH queued AS (
    SELECT id, priority, created_at, state, assignee_id
      FROM reviews_claim
     WHERE state = {_QUEUED}{{filters}}
     ORDER BY priority DESC, created_at ASC, id ASC
     LIMIT 1
     FOR UPDATE SKIP LOCKED
), lapsed AS (
    SELECT id, priority, created_at, state, assignee_id
      FROM reviews_claim
     WHERE state = {_ASSIGNED} AND lease_expires_at < now(){{filters}}
     ORDER BY priority DESC, created_at ASC, id ASC
     LIMIT 1
     FOR UPDATE SKIP LOCKED
), candidate AS (
    SELECT * FROM queued UNION ALL SELECT * FROM lapsed
), pick AS (
    SELECT id, state AS old_state, assignee_id AS old_assignee_id
      FROM candidate
     ORDER BY priority DESC, created_at ASC, id ASC
     LIMIT 1
)"""
_DEQUEUE_ASSIGN = f"""
UPDATE reviews_claim AS c
   SET state = {_ASSIGNED},
       assignee_id = %(reviewer)s,
       lease_expires_at = now() + make_interval(secs => %(lease_seconds)s),
       updated_at = now()
  FROM pick
 WHERE c.id = pick.id
RETURNING {{returning}}"""

# Taking a claim is one statement and one round trip: the dequeue; when the claim's lease
# had run out, an `expire` event; the `take` event; when someone else's draft is on the
# claim (its lease ran out, or it was released or swept back to the queue), the draft
# passing to the new holder with a `hand_over` event; and the claim as stored, with its
# article's title and how much evidence it has. The events are inserted in the order they
# happened, so their ids tell it.
_TAKE_NEXT_SQL = (
    _DEQUEUE_PICK
    + ", taken AS ("
    + _DEQUEUE_ASSIGN.format(returning="c.*, pick.old_state, pick.old_assignee_id")
    + f"""
), handover AS (
    UPDATE reviews_verdict AS v
       SET author_id = %(reviewer)s, version = v.version + 1, updated_at = now()
      FROM taken, reviews_verdict AS before
     WHERE before.claim_id = taken.id AND before.state = {_literal(VerdictState.DRAFT)}
       AND before.author_id <> %(reviewer)s AND v.id = before.id
    RETURNING v.id, before.author_id AS former_author_id
), recorded AS (
    INSERT INTO reviews_reviewevent
           (claim_id, article_id, verdict_id, actor_id, action, from_state, to_state, comment)
    SELECT claim_id, article_id, verdict_id, actor_id, action, from_state, to_state, comment
      FROM (
        SELECT 1 AS seq, taken.id AS claim_id, taken.article_id, NULL::bigint AS verdict_id,
               NULL::integer AS actor_id, {_literal(Move.EXPIRE)} AS action,
               {_ASSIGNED} AS from_state, {_QUEUED} AS to_state,
               'Lease of user ' || taken.old_assignee_id || ' expired.' AS comment
          FROM taken WHERE taken.old_state = {_ASSIGNED}
        UNION ALL
        SELECT 2, taken.id, taken.article_id, NULL, %(reviewer)s, {_literal(Move.TAKE)},
               {_QUEUED}, {_ASSIGNED}, ''
          FROM taken
        UNION ALL
        SELECT 3, taken.id, taken.article_id, handover.id, NULL, 'hand_over', {_ASSIGNED},
               {_ASSIGNED},
               'Draft of user ' || handover.former_author_id || ' passed to user '
               || %(reviewer)s || ', the new holder.'
          FROM taken, handover
      ) AS event
     ORDER BY seq
)
SELECT {{claim_columns}}, article.title,
       (SELECT count(*) FROM reviews_evidencelink e WHERE e.claim_id = taken.id)
  FROM taken JOIN articles_article article ON article.id = taken.article_id
"""
)


@cache
def _take_next_statement(filtered_by: tuple[str, ...] = ()) -> tuple[FixedStatement, ModelColumns]:
    """The statement taking the next claim that passes the filters named in `filtered_by`
    (keys of `_QUEUE_FILTER_SQL`, in its order)."""
    claim_columns = ModelColumns(Claim)
    filters = "".join(f"\n       AND {_QUEUE_FILTER_SQL[name]}" for name in filtered_by)
    statement = FixedStatement(
        "_".join(("take_next_claim", *filtered_by)),
        _TAKE_NEXT_SQL.format(claim_columns=claim_columns.select_list("taken"), filters=filters),
        {
            "reviewer": "bigint",
            "lease_seconds": "double precision",
            **{name: _QUEUE_FILTER_TYPES[name] for name in filtered_by},
        },
    )
    return statement, claim_columns


def _take_next_in_one_statement(
    reviewer, lease: timedelta, filters: selectors.QueueFilters
) -> Claim | None:
    given = {
        "kind": filters.kind,
        "article": filters.article_id,
        "claimant": filters.claimant,
        "language": filters.language,
    }
    filtered_by = tuple(name for name in _QUEUE_FILTER_SQL if given[name] not in (None, ""))
    statement, claim_columns = _take_next_statement(filtered_by)
    parameters = {
        "reviewer": reviewer.pk,
        "lease_seconds": lease.total_seconds(),
        **{name: given[name] for name in filtered_by},
    }
    with connection.cursor() as cursor:
        statement.execute(cursor, parameters)
        row = cursor.fetchone()
    if row is None:
        return None
    claim = claim_columns.instance(row[: len(claim_columns)])
    article_title, claim.evidence_count = row[len(claim_columns) :]
    claim.article = Article.from_db(
        connection.alias, ["id", "title"], [claim.article_id, article_title]
    )
    claim.assignee = reviewer
    return claim


def _top_of_queue(condition) -> Claim | None:
    """The first claim meeting `condition` in queue order, locked; claims other takers hold
    locked are skipped, so concurrent takers never wait on each other or get the same one.
    (SQLite has no row locks; it serialises writers instead.)"""
    return (
        Claim.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(condition)
        .order_by(*QUEUE_ORDER)
        .first()
    )


def claim_take_next(*, reviewer, filters: selectors.QueueFilters | None = None) -> Claim | None:
    """Hand `reviewer` the top claim of the queue under a lease, or None when it is empty;
    with `filters`, the top claim that passes them, or None when none does.

    Claims whose lease ran out count as queued. A draft someone else left on the claim
    passes to the new holder. Concurrent callers never get the same claim. The claim comes
    with its assignee, its article and how much evidence it has.

    On PostgreSQL this is one statement (`_TAKE_NEXT_SQL`), because taking claims is the
    queue's hot path and the ORM's steps cost twice as much: through the API
    (`bench/queue.py`, 100,000 claims, 16 reviewers, paired runs on 2 cores) 62-92 takes/s
    with the statement against 32-49 with `_take_next_in_steps`, and in one process 1.4-2.0
    ms a take against 15-16 ms. Other databases cannot modify rows inside a WITH clause, so
    they take the same steps with the ORM; the queue's tests hold both to one behaviour.
    """
    refused = role_refusal(reviewer, Move.TAKE)
    if refused is not None:
        raise refused
    filters = filters or selectors.QueueFilters()
    if connection.vendor == "postgresql":
        return _take_next_in_one_statement(reviewer, _lease_duration(), filters)
    return _take_next_in_steps(reviewer, _lease_duration(), filters)


def _take_next_in_steps(
    reviewer, lease: timedelta, filters: selectors.QueueFilters
) -> Claim | None:
    with transaction.atomic():
        # One query per group of `handed_out_groups()`, so that each is answered from its
        # own partial index; the first of the (at most two) candidates is handed out.
        candidates = [
            claim
            for condition in handed_out_groups()
            if (claim := _top_of_queue(condition & filters.condition())) is not None
        ]
        if not candidates:
            return None
        claim = min(candidates, key=queue_position)
        _hand_out(claim, to=reviewer, by=reviewer, move=Move.TAKE, lease=lease)
        return _as_taken(claim.pk)


def _hand_out(claim: Claim, *, to, by, move: Move, lease: timedelta, comment: str = "") -> None:
    """Give `claim`, which the queue hands out (queued, or its holder's lease ran out), to
    `to` under a new lease, as `_TAKE_NEXT_SQL` does: an `expire` event when a lease had run
    out, the `move` event by `by`, and a draft someone else left on the claim passing to `to`.
    Caller holds the claim's lock and has checked the move."""
    if claim.state == ClaimState.ASSIGNED:
        _record(
            claim=claim,
            actor=None,
            action=Move.EXPIRE,
            from_state=ClaimState.ASSIGNED,
            to_state=ClaimState.QUEUED,
            comment=f"Lease of user {claim.assignee_id} expired.",
        )
    Claim.objects.filter(pk=claim.pk).update(
        state=ClaimState.ASSIGNED,
        assignee=to,
        lease_expires_at=Now() + lease,
        updated_at=Now(),
    )
    _record(
        claim=claim,
        actor=by,
        action=move,
        from_state=ClaimState.QUEUED,
        to_state=ClaimState.ASSIGNED,
        comment=comment,
    )
    draft = (
        Verdict.objects.select_for_update()
        .filter(claim=claim, state=VerdictState.DRAFT)
        .exclude(author=to)
        .first()
    )
    if draft is not None:
        Verdict.objects.filter(pk=draft.pk).update(
            author=to, version=F("version") + 1, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=None,
            action="hand_over",
            from_state=ClaimState.ASSIGNED,
            to_state=ClaimState.ASSIGNED,
            verdict=draft,
            comment=f"Draft of user {draft.author_id} passed to user {to.pk}, the new holder.",
        )


def _as_taken(claim_id: int) -> Claim:
    """The claim as taking it returns it: with its article, its assignee and how much
    evidence it has."""
    return (
        Claim.objects.select_related("article", "assignee")
        .annotate(evidence_count=Count("evidence"))
        .get(pk=claim_id)
    )


def claim_take(*, claim: Claim, by) -> Claim:
    """`by` takes `claim` by name, under the lease taking the next claim gives: a queued
    claim (the queue's order is a suggestion), or one whose holder's lease ran out, the
    holder included, who so takes it back. A draft someone else left on it passes to `by`.
    Refused (409) while someone's lease on it runs, naming them and until when."""
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        check(by, Move.TAKE, claim)
        _hand_out(claim, to=by, by=by, move=Move.TAKE, lease=_lease_duration())
    return _as_taken(claim.pk)


def claim_assign(*, claim: Claim, by, assignee) -> Claim:
    """An editor (`by`) gives `claim` to `assignee`, who must hold a role that works the
    queue (InvalidInput naming the `user` field otherwise). `claim_assigned` is sent once
    this commits.

    A claim the queue hands out (queued, or its holder's lease ran out) is assigned as if
    `assignee` had taken it: theirs under a new lease, a draft left on it passing to them.
    A returned claim belongs to its verdict's author, who fixes and resubmits the verdict:
    assigning it to someone else (the author left, or is away) gives them the verdict too,
    as its author (`Move.REASSIGN`). It stays returned, with no lease: a lease running out
    would send it back to the queue, where nobody could take up a returned verdict. A
    correction in progress (a returned claim with a draft) is given on the same terms.

    Refused while someone's lease on the claim runs (naming them), and in any other state."""
    # Asked first, so that only editors learn whether the assignee may be given claims.
    refused = role_refusal(by, Move.ASSIGN)
    if refused is not None:
        raise refused
    if not user_has_any_role(assignee, CHECKERS):
        message = (
            f"{assignee.get_username()} holds no fact-checker or editor role: only they can be "
            "assigned claims."
        )
        raise InvalidInput(message, details={"user": [message]})
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        people = f"{assignee.get_username()} by {by.get_username()}"
        if claim.state == ClaimState.RETURNED:
            _reassign_returned(claim, by=by, assignee=assignee, people=people)
        else:
            check(by, Move.ASSIGN, claim)
            _hand_out(
                claim,
                to=assignee,
                by=by,
                move=Move.ASSIGN,
                lease=_lease_duration(),
                comment=f"Assigned to {people}.",
            )
        signals.claim_assignment_announce(claim_id=claim.pk, assignee_id=assignee.pk, by_id=by.pk)
    return _as_taken(claim.pk)


def _reassign_returned(claim: Claim, *, by, assignee, people: str) -> None:
    """Caller holds the claim's lock."""
    verdict = (
        Verdict.objects.filter(claim=claim, state__in=list(VERDICT_EDITABLE))
        .select_related("author")
        .first()
    )
    check(by, Move.REASSIGN, claim, verdict=verdict)
    if claim.assignee_id == assignee.pk:
        raise Conflict(f"{assignee.get_username()} holds this claim already.")
    Claim.objects.filter(pk=claim.pk).update(assignee=assignee, updated_at=Now())
    Verdict.objects.filter(pk=verdict.pk).update(
        author=assignee, version=F("version") + 1, updated_at=Now()
    )
    _record(
        claim=claim,
        actor=by,
        action=Move.REASSIGN,
        from_state=claim.state,
        to_state=claim.state,
        verdict=verdict,
        comment=f"Assigned to {people}, with the verdict of {verdict.author.get_username()}.",
    )


def _apply_move(
    move: Move,
    *,
    claim: Claim,
    by,
    comment: str = "",
    guard: Callable[[Claim], None] | None = None,
    **changes,
) -> Claim:
    """Lock the claim, check the move against the rulebook (then `guard`, which raises to
    refuse, on the locked claim), write `changes`, record the event, and return the claim as
    stored."""
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        check(by, move, claim)
        if guard is not None:
            guard(claim)
        target = RULES[move].claim_to or claim.state
        Claim.objects.filter(pk=claim.pk).update(state=target, updated_at=Now(), **changes)
        _record(
            claim=claim,
            actor=by,
            action=move,
            from_state=claim.state,
            to_state=target,
            comment=comment,
        )
        claim.refresh_from_db()
    return claim


def claim_renew(*, claim: Claim, by) -> Claim:
    return _apply_move(Move.RENEW, claim=claim, by=by, lease_expires_at=Now() + _lease_duration())


def claim_release(*, claim: Claim, by) -> Claim:
    return _apply_move(Move.RELEASE, claim=claim, by=by, assignee=None, lease_expires_at=None)


def claim_queue(*, claim: Claim, by) -> Claim:
    return _apply_move(Move.QUEUE, claim=claim, by=by, dismiss_reason="")


def _confirmed_checked_before(claim: Claim) -> None:
    if not claim.checked_before:
        raise InvalidInput(
            "Nobody has confirmed a published fact-check that reviews this claim: confirm "
            "one of its matches first, or dismiss it for another reason."
        )


def claim_dismiss(*, claim: Claim, by, reason: str, comment: str = "") -> Claim:
    """Dismiss a claim from triage or the queue. "Checked before" needs a confirmed match
    with a published fact-check (`claim_match_judged`)."""
    if reason not in DismissReason.values:
        choices = ", ".join(DismissReason.values)
        raise InvalidInput(f"Give a reason for dismissing: one of {choices}.")
    return _apply_move(
        Move.DISMISS,
        claim=claim,
        by=by,
        comment=comment or DismissReason(reason).label,
        guard=_confirmed_checked_before if reason == DismissReason.ALREADY_CHECKED else None,
        dismiss_reason=reason,
    )


# A confirmed match with a published fact-check lowers a claim this far in the queue: below
# every claim nobody has checked (check-worthiness gives at most 100, recency 10), unless an
# editor boosts it back.
CHECKED_BEFORE_PENALTY = 110.0


def claim_match_judged(
    *, claim: Claim, by, move: Move, checked_before: bool, comment: str
) -> Claim:
    """Record a person's judgement of a suggested fact-check for `claim` (Move.CONFIRM_MATCH
    or Move.REJECT_MATCH) in the audit trail, and whether the claim now counts as checked
    before (some confirmed match remains), which moves it down or back up the queue.
    Caller holds the transaction that stores the match's new status."""
    if move not in (Move.CONFIRM_MATCH, Move.REJECT_MATCH):
        raise ValueError(f"Not a judgement of a match: {move}")
    claim = _lock_claim(claim.pk)
    check(by, move, claim)
    changes = {}
    if checked_before != claim.checked_before:
        shift = -CHECKED_BEFORE_PENALTY if checked_before else CHECKED_BEFORE_PENALTY
        changes = {"checked_before": checked_before, "priority": F("priority") + shift}
    Claim.objects.filter(pk=claim.pk).update(updated_at=Now(), **changes)
    _record(
        claim=claim,
        actor=by,
        action=move,
        from_state=claim.state,
        to_state=claim.state,
        comment=comment,
    )
    claim.refresh_from_db()
    return claim


def claim_boost(*, claim: Claim, by, boost: int) -> Claim:
    """Set an editor's manual boost (added to the priority; negative values lower it)."""
    refused = role_refusal(by, Move.BOOST)
    if refused is not None:
        raise refused
    if not -MAX_BOOST <= boost <= MAX_BOOST:
        raise InvalidInput(f"A boost must lie between -{MAX_BOOST} and {MAX_BOOST}.")
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        check(by, Move.BOOST, claim)
        Claim.objects.filter(pk=claim.pk).update(
            boost=boost, priority=F("priority") - claim.boost + boost, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action=Move.BOOST,
            from_state=claim.state,
            to_state=claim.state,
            comment=f"Boost {claim.boost} -> {boost}.",
        )
        claim.refresh_from_db()
    return claim


# The most claims one bulk triage takes: a few pages of the triage list. Each is its own
# transaction, so a request this size stays within a web request's time.
BULK_TRIAGE_LIMIT = 500
BULK_TRIAGE_MOVES = (Move.QUEUE, Move.DISMISS)


@dataclass(frozen=True)
class TriageOutcome:
    """What became of one claim of a bulk triage."""

    claim_id: int
    done: bool
    state: str
    """The claim's state afterwards, as far as the move saw it; empty when there is no such
    claim."""
    message: str
    """What was done, or why not, in words for the person who asked."""
    code: str = ""
    """The refusal's error code (`invalid_transition`, `not_found`, ...); empty when done."""


@dataclass(frozen=True)
class BulkTriage:
    move: Move
    outcomes: tuple[TriageOutcome, ...]
    """One per claim asked for, in the order asked, each claim once."""

    @property
    def done(self) -> list[TriageOutcome]:
        return [outcome for outcome in self.outcomes if outcome.done]

    @property
    def refused(self) -> list[TriageOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.done]


def claims_triage_bulk(
    *,
    claim_ids: Iterable[int],
    by,
    move: Move | str,
    reason: str | None = None,
    comment: str = "",
) -> BulkTriage:
    """Queue or dismiss (`move`, with one `reason` and `comment` for every dismissal) each of
    `claim_ids`, in the order given, each once, as `claim_queue` and `claim_dismiss` do: the
    rulebook is asked of each claim under its lock, in a transaction of its own, and each move
    is audited. A claim the rulebook refuses (someone moved it meanwhile, or it is in a state
    the move does not start from) or that does not exist is reported with why, and the rest
    go ahead.

    Raises, having done nothing, when the request itself cannot be made: a move other than
    queue or dismiss, no claims or more than BULK_TRIAGE_LIMIT, a dismissal without a valid
    reason, a reason given to queue, or a caller whose role may not make the move."""
    if move not in BULK_TRIAGE_MOVES:
        raise InvalidInput(f"Triage in bulk queues or dismisses claims, not {str(move)[:40]!r}.")
    move = Move(move)
    refused = role_refusal(by, move)
    if refused is not None:
        raise refused
    ids = list(dict.fromkeys(claim_ids))
    if not ids:
        raise InvalidInput("Select at least one claim.")
    if len(ids) > BULK_TRIAGE_LIMIT:
        raise InvalidInput(
            f"{len(ids):,} claims at once is too many: triage at most {BULK_TRIAGE_LIMIT} "
            "at a time."
        )
    if move == Move.DISMISS and reason not in DismissReason.values:
        choices = ", ".join(DismissReason.values)
        raise InvalidInput(f"Give one reason for dismissing the claims: one of {choices}.")
    if move == Move.QUEUE and reason:
        raise InvalidInput("A reason is given to dismiss claims, not to queue them.")
    found = Claim.objects.in_bulk(ids)
    outcomes = []
    for claim_id in ids:
        claim = found.get(claim_id)
        if claim is None:
            outcomes.append(
                TriageOutcome(claim_id, False, "", f"No claim has the id {claim_id}.", "not_found")
            )
            continue
        try:
            if move == Move.QUEUE:
                claim = claim_queue(claim=claim, by=by)
                done = "Put in the review queue."
            else:
                claim = claim_dismiss(claim=claim, by=by, reason=reason, comment=comment)
                done = f"Dismissed: {DismissReason(reason).label}."
        except DomainError as not_moved:
            state = not_moved.details.get("claim_state", claim.state)
            outcomes.append(
                TriageOutcome(claim_id, False, state, not_moved.message, not_moved.code)
            )
        else:
            outcomes.append(TriageOutcome(claim_id, True, claim.state, done))
    return BulkTriage(move=move, outcomes=tuple(outcomes))


def claims_expire_leases() -> int:
    """Return claims whose lease ran out to the queue (the queue also hands them out
    directly; this keeps listings truthful). Returns how many were returned."""
    rule = RULES[Move.EXPIRE]
    count = 0
    with transaction.atomic():
        expired = list(
            Claim.objects.select_for_update(skip_locked=True).filter(
                state__in=rule.claim_from, lease_expires_at__lt=Now()
            )[:1000]
        )
        for claim in expired:
            Claim.objects.filter(pk=claim.pk).update(
                state=rule.claim_to, assignee=None, lease_expires_at=None, updated_at=Now()
            )
            _record(
                claim=claim,
                actor=None,
                action=Move.EXPIRE,
                from_state=claim.state,
                to_state=rule.claim_to,
                comment=f"Lease of user {claim.assignee_id} expired.",
            )
            count += 1
    return count


# --- evidence -------------------------------------------------------------------------------


def evidence_add(*, claim: Claim, by, url: str, stance: str, note: str = "") -> EvidenceLink:
    """Attach an evidence link; its source is fetched by the workers after commit."""
    from sources.services import source_for_url

    if stance not in Stance.values:
        raise InvalidInput(f"Stance must be one of {', '.join(Stance.values)}.")
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        check(by, Move.ADD_EVIDENCE, claim)
        source = source_for_url(url=url)
        if EvidenceLink.objects.filter(claim=claim, source=source).exists():
            raise Conflict("This source is already evidence for the claim.")
        link = EvidenceLink.objects.create(
            claim=claim, url=url, source=source, stance=stance, note=note, added_by=by
        )
        _record(
            claim=claim,
            actor=by,
            action=Move.ADD_EVIDENCE,
            from_state=claim.state,
            to_state=claim.state,
            comment=f"{stance}: {source.url}",
        )
    return link


def _evidence_on(claim: Claim, evidence_id: int) -> EvidenceLink:
    """The claim's evidence link `evidence_id`, with its source. Caller holds the claim's
    lock, which every write to its evidence takes, so the link stays as read."""
    link = (
        EvidenceLink.objects.select_related("source")
        .filter(pk=evidence_id, claim_id=claim.pk)
        .first()
    )
    if link is None:
        raise NotFound(f"Claim {claim.pk} has no evidence link {evidence_id}.")
    return link


def _published_evidence_guard(claim: Claim, link: EvidenceLink, move: Move) -> None:
    """Refuse to change a link the claim's standing verdict was published with: while a
    correction is open the published verdict stays public as it was, evidence included.
    Caller holds the claim's lock."""
    published_at = (
        Verdict.objects.filter(claim=claim, state=VerdictState.PUBLISHED)
        .values_list("published_at", flat=True)
        .first()
    )
    if published_at is not None and selectors.published_with(
        added_at=link.created_at, published_at=published_at
    ):
        raise Conflict(
            f"Cannot {RULES[move].description}: the published verdict cites this link, and it "
            "stays public as it was until the correction is approved. Add the evidence the "
            "correction needs, and say in the verdict what changed.",
            details={"evidence_id": link.pk},
        )


def _shortened(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def evidence_update(
    *, link: EvidenceLink, by, stance: str | None = None, note: str | None = None
) -> EvidenceLink:
    """Change how an evidence link bears on its claim (`stance`) and its note; what is not
    given stays. Open to the claim's holder while its verdict is unsubmitted (the rulebook:
    Move.EDIT_EVIDENCE). An edit that changes nothing writes nothing, and is refused as any
    edit is."""
    if stance is not None and stance not in Stance.values:
        raise InvalidInput(f"Stance must be one of {', '.join(Stance.values)}.")
    with transaction.atomic():
        claim = _lock_claim(link.claim_id)
        check(by, Move.EDIT_EVIDENCE, claim)
        current = _evidence_on(claim, link.pk)
        changes, said = {}, []
        if stance is not None and stance != current.stance:
            changes["stance"] = stance
            said.append(f"{current.stance} -> {stance}")
        if note is not None and note != current.note:
            changes["note"] = note
            said.append(f'note "{_shortened(current.note)}" -> "{_shortened(note)}"')
        if not changes:
            return current
        _published_evidence_guard(claim, current, Move.EDIT_EVIDENCE)
        EvidenceLink.objects.filter(pk=current.pk).update(**changes)
        _record(
            claim=claim,
            actor=by,
            action=Move.EDIT_EVIDENCE,
            from_state=claim.state,
            to_state=claim.state,
            comment=f"Evidence edited: {', '.join(said)}, {current.source.url}",
        )
        current.refresh_from_db(fields=list(changes))
    return current


def evidence_remove(*, link: EvidenceLink, by) -> None:
    """Remove an evidence link from its claim (its source, which other links may share,
    stays). Open to the claim's holder while its verdict is unsubmitted (the rulebook:
    Move.REMOVE_EVIDENCE); the audit trail keeps what the link said."""
    with transaction.atomic():
        claim = _lock_claim(link.claim_id)
        check(by, Move.REMOVE_EVIDENCE, claim)
        current = _evidence_on(claim, link.pk)
        _published_evidence_guard(claim, current, Move.REMOVE_EVIDENCE)
        current.delete()
        _record(
            claim=claim,
            actor=by,
            action=Move.REMOVE_EVIDENCE,
            from_state=claim.state,
            to_state=claim.state,
            comment=f"Evidence removed: {current.stance}: {current.source.url}",
        )


def evidence_retry_fetch(*, link: EvidenceLink, by) -> EvidenceLink:
    """Fetch an evidence link's page again now (`sources.services.source_fetch_again`: its
    schedule starts over, a worker is woken after commit). Open to any fact-checker or editor
    (the rulebook: Move.RETRY_FETCH). Returns the link with its source as stored after the
    commit: with tasks in-process, once the fetch has run."""
    from sources.services import source_fetch_again

    with transaction.atomic():
        claim = _lock_claim(link.claim_id)
        check(by, Move.RETRY_FETCH, claim)
        current = _evidence_on(claim, link.pk)
        source = current.source
        before = Source.State(source.state).label.lower()
        why = source.last_error or source.last_error_kind
        source_fetch_again(source=source)
        _record(
            claim=claim,
            actor=by,
            action=Move.RETRY_FETCH,
            from_state=claim.state,
            to_state=claim.state,
            comment=f"Fetch retried: {source.url} (was {before}{': ' + why if why else ''})",
        )
    return EvidenceLink.objects.select_related("source", "added_by").get(pk=current.pk)


# --- verdicts -------------------------------------------------------------------------------


def _clean_verdict_fields(fields: dict) -> dict:
    allowed = {"rating", "headline", "rationale"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(f"Unknown verdict fields: {', '.join(sorted(unknown))}.")
    rating = fields.get("rating")
    if rating not in (None, "") and rating not in Rating.values:
        raise InvalidInput(f"Rating must be one of {', '.join(Rating.values)}.")
    return fields


def verdict_create(*, claim: Claim, by, **fields) -> Verdict:
    """Start the verdict on a claim the caller is checking."""
    fields = _clean_verdict_fields(fields)
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        in_progress = Verdict.objects.filter(claim=claim, state__in=VERDICT_OPEN).first()
        check(by, Move.START_VERDICT, claim, verdict=in_progress)
        verdict = Verdict.objects.create(claim=claim, author=by, **fields)
        _record(
            claim=claim,
            actor=by,
            action=Move.START_VERDICT,
            from_state=claim.state,
            to_state=claim.state,
            verdict=verdict,
        )
    return verdict


def _compare_and_swap(verdict: Verdict, expected_version: int, states, **changes) -> Verdict:
    """One UPDATE ... WHERE version = expected: of two concurrent writers exactly one wins."""
    updated = Verdict.objects.filter(
        pk=verdict.pk, version=expected_version, state__in=list(states)
    ).update(version=F("version") + 1, updated_at=Now(), **changes)
    if not updated:
        current = Verdict.objects.get(pk=verdict.pk)
        if current.version != expected_version:
            raise StaleVersion(
                f"The verdict changed since you loaded it (you sent version {expected_version}, "
                f"it is now at version {current.version}). Reload it and apply your change again.",
                details={"current_version": current.version},
            )
        raise InvalidTransition(
            f"The verdict is {VerdictState(current.state).label.lower()}: it cannot change now.",
            details={"verdict_state": current.state},
        )
    verdict.refresh_from_db()
    return verdict


def verdict_update(*, verdict: Verdict, by, expected_version: int, **fields) -> Verdict:
    """Change the verdict's text. Fields given the values they have change nothing, and an
    edit that changes nothing returns the verdict as it is: no new version (which would send
    everyone else holding this one to reload a verdict that did not change), no event. It is
    refused as any edit is: by the rulebook, then by a stale `expected_version`."""
    fields = _clean_verdict_fields(fields)
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        # Every write to a verdict holds its claim's lock, so this is the verdict as it stays.
        current = Verdict.objects.get(pk=verdict.pk)
        check(by, Move.EDIT_VERDICT, claim, verdict=current)
        changes = {name: value for name, value in fields.items() if getattr(current, name) != value}
        if not changes and current.version == expected_version:
            return current
        verdict = _compare_and_swap(verdict, expected_version, VERDICT_EDITABLE, **changes)
        _record(
            claim=claim,
            actor=by,
            action=Move.EDIT_VERDICT,
            from_state=claim.state,
            to_state=claim.state,
            verdict=verdict,
        )
    return verdict


def verdict_submit(*, verdict: Verdict, by, expected_version: int) -> Verdict:
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        check(by, Move.SUBMIT, claim, verdict=verdict)
        missing = [f for f in ("rating", "headline", "rationale") if not getattr(verdict, f)]
        if missing:
            raise InvalidInput(
                f"Complete the verdict before submitting it: {', '.join(missing)} missing.",
                details={"missing": missing},
            )
        if not claim.evidence.exists():
            raise InvalidInput("Add at least one evidence link before submitting the verdict.")
        move = RULES[Move.SUBMIT]
        verdict = _compare_and_swap(
            verdict,
            expected_version,
            move.verdict_from,
            state=move.verdict_to,
            submitted_at=Now(),
        )
        # The author keeps the claim while it waits for sign-off; the lease is no longer needed.
        Claim.objects.filter(pk=claim.pk).update(
            state=move.claim_to, lease_expires_at=None, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action=Move.SUBMIT,
            from_state=claim.state,
            to_state=move.claim_to,
            verdict=verdict,
        )
    return verdict


@dataclass(frozen=True)
class VerdictSaved:
    """What `verdict_save` did."""

    verdict: Verdict
    changed: bool
    """Whether the save wrote a new version: an edit that changes nothing writes none."""
    submitted: bool = False
    submit_refusal: DomainError | None = None
    """Why the verdict, saved, was not submitted when it was asked to be."""
    taken_back: bool = False
    """Whether `by` took the claim back to save: their lease had run out, nobody else had
    taken it."""


def verdict_save(
    *,
    claim: Claim,
    by,
    expected_version: int | None,
    submit: bool = False,
    take_back: bool = False,
    **fields,
) -> VerdictSaved:
    """Save `by`'s verdict on `claim` as the page's verdict form does, then submit it when
    `submit`: start the verdict when the form was loaded without one (`expected_version`
    None), otherwise edit `by`'s verdict in progress against the version the form was loaded
    with.

    Whether `by` may work on the claim is asked first, before anything is compared with what
    is saved, so that a refusal neither shows nor confirms someone else's draft. With
    `take_back`, typed work outlives the lease: when nobody else holds the claim (`by`'s
    lease ran out, or it went back to the queue), `by` takes it back (`claim_take`: a new
    lease, audited) and the save goes on; `taken_back` says so. A draft someone else left on
    it in the meantime passes to `by` with a new version, so the save then meets StaleVersion
    rather than overwrite it.

    The save and the submission are two transactions: a save stands when the submission is
    refused, and `submit_refusal` says why. Raises StaleVersion when the verdict changed since
    the form was loaded (or was started after a form loaded without one), NotFound when `by`
    has no verdict in progress on the claim to edit any more, and any refusal of the save."""
    taken_back = False
    refused = claim_work_refusal(claim=claim, user=by)
    if refused is not None:
        if not (take_back and can(by, Move.TAKE, claim)):
            raise refused
        claim = claim_take(claim=claim, by=by)
        taken_back = True
    current = selectors.open_verdict_by(claim=claim, author=by)
    if expected_version is None:
        if current is not None:
            raise StaleVersion(
                "The verdict was started after you loaded the form.",
                details={"current_version": current.version},
            )
        verdict = verdict_create(claim=claim, by=by, **fields)
        changed = True
    elif current is None:
        raise NotFound("The verdict is no longer open for changes.")
    else:
        verdict = verdict_update(
            verdict=current, by=by, expected_version=expected_version, **fields
        )
        changed = verdict.version != expected_version
    if not submit:
        return VerdictSaved(verdict=verdict, changed=changed, taken_back=taken_back)
    try:
        verdict = verdict_submit(verdict=verdict, by=by, expected_version=verdict.version)
    except StaleVersion:
        raise
    except DomainError as refused:
        return VerdictSaved(
            verdict=verdict, changed=changed, submit_refusal=refused, taken_back=taken_back
        )
    return VerdictSaved(verdict=verdict, changed=changed, submitted=True, taken_back=taken_back)


def verdict_approve(*, verdict: Verdict, by, expected_version: int, comment: str = "") -> Verdict:
    """Publish a submitted verdict. Four eyes: the approver is never its author. A correction
    supersedes the claim's published verdict in the same transaction, so that clients see
    the one or the other, never neither."""
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        check(by, Move.APPROVE, claim, verdict=verdict)
        move = RULES[Move.APPROVE]
        fetched = claim.evidence.filter(source__state=Source.State.FETCHED).exists()
        if not fetched:
            raise InvalidTransition(
                "Approval needs at least one evidence link whose source was fetched "
                "successfully. Wait for the fetch, or ask for more evidence."
            )
        earlier = Verdict.objects.filter(claim=claim, state=VerdictState.PUBLISHED).first()
        if earlier is not None:
            _supersede(earlier, claim=claim, by=by, correction=verdict)
        try:
            verdict = _compare_and_swap(
                verdict,
                expected_version,
                move.verdict_from,
                state=move.verdict_to,
                signed_off_by=by,
                signed_off_at=Now(),
                signoff_comment=comment,
                published_at=Now(),
            )
        except IntegrityError as exc:  # pragma: no cover - the claim lock makes this unreachable
            raise Conflict("This claim already has a published verdict.") from exc
        Claim.objects.filter(pk=claim.pk).update(state=move.claim_to, updated_at=Now())
        # Other apps hear of the publication once it is committed (webhooks tell subscribers).
        signals.verdict_publication_announce(verdict=verdict)
        _record(
            claim=claim,
            actor=by,
            action=Move.APPROVE,
            from_state=claim.state,
            to_state=move.claim_to,
            verdict=verdict,
            comment=comment,
        )
    return verdict


def _supersede(earlier: Verdict, *, claim: Claim, by, correction: Verdict) -> None:
    """Take `earlier` out of publication for `correction`, which is being approved. Caller
    holds the claim's lock and publishes the correction in the same transaction (the
    database holds one published verdict per claim, so this comes first)."""
    check(by, Move.SUPERSEDE, claim, verdict=earlier)
    move = RULES[Move.SUPERSEDE]
    Verdict.objects.filter(pk=earlier.pk).update(
        state=move.verdict_to, version=F("version") + 1, updated_at=Now()
    )
    # The states are the verdict's: the claim's move is the approval recorded next.
    _record(
        claim=claim,
        actor=by,
        action=Move.SUPERSEDE,
        from_state=earlier.state,
        to_state=move.verdict_to,
        verdict=earlier,
        comment=f"Superseded by verdict {correction.pk}, its correction.",
    )


def verdict_return(*, verdict: Verdict, by, expected_version: int, comment: str) -> Verdict:
    """Send a submitted verdict back to its author with a comment saying what to fix."""
    if not comment or not comment.strip():
        raise InvalidInput("Say what needs fixing: a comment is required to return a verdict.")
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        check(by, Move.RETURN, claim, verdict=verdict)
        move = RULES[Move.RETURN]
        verdict = _compare_and_swap(
            verdict,
            expected_version,
            move.verdict_from,
            state=move.verdict_to,
            signoff_comment=comment.strip(),
        )
        Claim.objects.filter(pk=claim.pk).update(
            state=move.claim_to, assignee_id=verdict.author_id, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action=Move.RETURN,
            from_state=claim.state,
            to_state=move.claim_to,
            verdict=verdict,
            comment=comment.strip(),
        )
        signals.verdict_return_announce(verdict=verdict, by_id=by.pk)
    return verdict


# --- corrections ----------------------------------------------------------------------------


def _correction_holder(published: Verdict, *, opened_by):
    """Who works on a correction: the published verdict's author, or the editor opening it
    when the author can no longer work on claims (deactivated, or no longer a checker)."""
    author = published.author
    return author if user_has_any_role(author, CHECKERS) else opened_by


def verdict_correct(*, claim: Claim, by, comment: str) -> Verdict:
    """Open a correction of the claim's published verdict, for `comment`, the reason (it is
    published with the correction).

    The correction is a draft copied from the published verdict (rating, headline,
    rationale), held by that verdict's author (see `_correction_holder`): the claim is
    returned to them, with no lease, and they edit and submit the draft as any verdict.
    The published verdict stays public until another editor approves the correction
    (`verdict_approve`). Refused, by the rulebook, unless `by` is an editor and the claim is
    published with no correction open."""
    refused = role_refusal(by, Move.CORRECT)
    if refused is not None:
        raise refused
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput(
            "Say why the verdict needs correcting: a comment is required, and it is published "
            "with the correction."
        )
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        in_progress = Verdict.objects.filter(claim=claim, state__in=VERDICT_OPEN).first()
        published = (
            Verdict.objects.filter(claim=claim, state=VerdictState.PUBLISHED)
            .select_related("author")
            .first()
        )
        check(by, Move.CORRECT, claim, verdict=in_progress or published)
        move = RULES[Move.CORRECT]
        holder = _correction_holder(published, opened_by=by)
        correction = Verdict.objects.create(
            claim=claim,
            author=holder,
            rating=published.rating,
            headline=published.headline,
            rationale=published.rationale,
            corrects=published,
            correction_note=comment,
            first_published_at=published.first_published_at or published.published_at,
        )
        Claim.objects.filter(pk=claim.pk).update(
            state=move.claim_to, assignee=holder, lease_expires_at=None, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action=Move.CORRECT,
            from_state=claim.state,
            to_state=move.claim_to,
            verdict=correction,
            comment=comment,
        )
        signals.correction_opening_announce(verdict_id=correction.pk, by_id=by.pk)
    return correction
