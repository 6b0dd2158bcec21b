"""Every write in the review workflow: the queue, leases, evidence, verdicts and sign-off.

Each service runs in one transaction, checks the move against `workflow`, the caller's role
and lease (on the database clock), writes, and records a ReviewEvent. Side effects (fetching
evidence) are scheduled after commit by the services they belong to.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from accounts.roles import Role, user_has_role
from articles.models import Article
from factcheck.errors import (
    Conflict,
    InvalidInput,
    InvalidTransition,
    LeaseExpired,
    NotPermitted,
    StaleVersion,
)
from factcheck.prepared import FixedStatement
from factcheck.rows import ModelColumns

from . import signals
from .models import (
    OPEN_VERDICT_STATES,
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
from .workflow import CLAIM_MOVES, EDITABLE_VERDICT_STATES, VERDICT_STATE_AFTER, Move

MAX_BOOST = 100


# --- helpers --------------------------------------------------------------------------------


def _state_label(state: str) -> str:
    return ClaimState(state).label.lower()


def _check_role(move: Move, user) -> None:
    if not any(user_has_role(user, role) for role in move.roles):
        roles = " or ".join(sorted(role.value for role in move.roles)) or "the service"
        raise NotPermitted(f"Only {roles} may {move.description}.")


def _check_move(move_name: str, claim: Claim, user) -> Move:
    move = CLAIM_MOVES[move_name]
    _check_role(move, user)
    if claim.state not in move.sources:
        raise InvalidTransition(
            f"Cannot {move.description}: the claim is {_state_label(claim.state)}.",
            details={"claim_state": claim.state, "move": move.name},
        )
    return move


def _lock_claim(claim_id: int) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim_id)


def _lease_is_live(claim: Claim) -> bool:
    # Compared on the database clock, which every worker shares.
    return Claim.objects.filter(pk=claim.pk, lease_expires_at__gt=Now()).exists()


def _check_holds_lease(claim: Claim, user) -> None:
    if claim.assignee_id != user.pk:
        holder = "nobody" if claim.assignee_id is None else "another fact-checker"
        raise Conflict(
            f"This claim is held by {holder}, not by you. Take it from the queue first.",
            details={"claim_state": claim.state},
        )
    if not _lease_is_live(claim):
        raise LeaseExpired(
            "Your lease on this claim has expired and it went back to the queue. "
            "Take it again to continue.",
            details={"lease_expires_at": claim.lease_expires_at},
        )


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


def claim_priority(*, score: float, boost: int = 0, published_at: datetime | None = None) -> float:
    """Queue priority: check-worthiness first, recent articles ahead, an editor's boost on top.

    Recency adds up to 10 points for an article published today, fading over 30 days.
    """
    recency = 0.0
    if published_at is not None:
        age_days = max((timezone.now() - published_at).total_seconds() / 86400, 0.0)
        recency = max(0.0, 10.0 * (1 - age_days / 30))
    return round(score * 100 + recency + boost, 3)


# --- creating claims ------------------------------------------------------------------------


def claims_record_extracted(
    *, article, extracted: Iterable, threshold: float, extractor_version: str = ""
) -> list[Claim]:
    """Store newly extracted claims of `article`; spans already stored are left untouched
    (re-extraction adds, never deletes or changes). Claims at or above `threshold` enter
    the queue; the rest wait in triage. Returns the claims created."""
    existing = set(Claim.objects.filter(article=article).values_list("start", "end"))
    created = []
    for item in extracted:
        if (item.start, item.end) in existing:
            continue
        existing.add((item.start, item.end))
        state = ClaimState.QUEUED if item.score >= threshold else ClaimState.TRIAGE
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
    return created


# --- the queue ------------------------------------------------------------------------------

# The dequeue itself: the top queued claim, or a claim whose lease ran out, locked with
# SKIP LOCKED so that concurrent callers never get the same one, and assigned to the
# reviewer on the database clock. `bench/queue.py` runs it bare as the ceiling.
_DEQUEUE_PICK = """
WITH queued AS (
    SELECT id, priority, created_at, state, assignee_id
      FROM reviews_claim
     WHERE state = 'queued'
     ORDER BY priority DESC, created_at ASC, id ASC
     LIMIT 1
     FOR UPDATE SKIP LOCKED
), lapsed AS (
    SELECT id, priority, created_at, state, assignee_id
      FROM reviews_claim
     WHERE state = 'assigned' AND lease_expires_at < now()
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
_DEQUEUE_ASSIGN = """
UPDATE reviews_claim AS c
   SET state = 'assigned',
       assignee_id = %(reviewer)s,
       lease_expires_at = now() + make_interval(secs => %(lease_seconds)s),
       updated_at = now()
  FROM pick
 WHERE c.id = pick.id
RETURNING {returning}"""

DEQUEUE_SQL = _DEQUEUE_PICK + _DEQUEUE_ASSIGN.format(
    returning="c.id, pick.old_state, pick.old_assignee_id"
)

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
    + """
), handover AS (
    UPDATE reviews_verdict AS v
       SET author_id = %(reviewer)s, version = v.version + 1, updated_at = now()
      FROM taken, reviews_verdict AS before
     WHERE before.claim_id = taken.id AND before.state = 'draft'
       AND before.author_id <> %(reviewer)s AND v.id = before.id
    RETURNING v.id, before.author_id AS former_author_id
), recorded AS (
    INSERT INTO reviews_reviewevent
           (claim_id, article_id, verdict_id, actor_id, action, from_state, to_state, comment)
    SELECT claim_id, article_id, verdict_id, actor_id, action, from_state, to_state, comment
      FROM (
        SELECT 1 AS seq, taken.id AS claim_id, taken.article_id, NULL::bigint AS verdict_id,
               NULL::integer AS actor_id, 'expire' AS action, 'assigned' AS from_state,
               'queued' AS to_state,
               'Lease of user ' || taken.old_assignee_id || ' expired.' AS comment
          FROM taken WHERE taken.old_state = 'assigned'
        UNION ALL
        SELECT 2, taken.id, taken.article_id, NULL, %(reviewer)s, 'take', 'queued',
               'assigned', ''
          FROM taken
        UNION ALL
        SELECT 3, taken.id, taken.article_id, handover.id, NULL, 'hand_over', 'assigned',
               'assigned',
               'Draft of user ' || handover.former_author_id || ' passed to user '
               || %(reviewer)s || ', the new holder.'
          FROM taken, handover
      ) AS event
     ORDER BY seq
)
SELECT {claim_columns}, article.title,
       (SELECT count(*) FROM reviews_evidencelink e WHERE e.claim_id = taken.id)
  FROM taken JOIN articles_article article ON article.id = taken.article_id
"""
)


@cache
def _take_next_statement() -> tuple[FixedStatement, ModelColumns]:
    claim_columns = ModelColumns(Claim)
    statement = FixedStatement(
        "take_next_claim",
        _TAKE_NEXT_SQL.format(claim_columns=claim_columns.select_list("taken")),
        {"reviewer": "bigint", "lease_seconds": "double precision"},
    )
    return statement, claim_columns


def _take_next_postgresql(reviewer, lease: timedelta) -> Claim | None:
    statement, claim_columns = _take_next_statement()
    with connection.cursor() as cursor:
        statement.execute(cursor, {"reviewer": reviewer.pk, "lease_seconds": lease.total_seconds()})
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


def _take_next_embedded(reviewer, lease: timedelta) -> Claim | None:
    # Embedded SQLite serialises writers, so a plain read-then-update is safe there.
    with transaction.atomic():
        claim = (
            Claim.objects.filter(
                Q(state=ClaimState.QUEUED)
                | Q(state=ClaimState.ASSIGNED, lease_expires_at__lt=timezone.now())
            )
            .order_by("-priority", "created_at", "id")
            .first()
        )
        if claim is None:
            return None
        if claim.state == ClaimState.ASSIGNED:
            _record(
                claim=claim,
                actor=None,
                action="expire",
                from_state=ClaimState.ASSIGNED,
                to_state=ClaimState.QUEUED,
                comment=f"Lease of user {claim.assignee_id} expired.",
            )
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.ASSIGNED,
            assignee=reviewer,
            lease_expires_at=timezone.now() + lease,
            updated_at=timezone.now(),
        )
        _record(
            claim=claim,
            actor=reviewer,
            action="take",
            from_state=ClaimState.QUEUED,
            to_state=ClaimState.ASSIGNED,
        )
        draft = (
            Verdict.objects.filter(claim=claim, state=VerdictState.DRAFT)
            .exclude(author=reviewer)
            .first()
        )
        if draft is not None:
            Verdict.objects.filter(pk=draft.pk).update(
                author=reviewer, version=F("version") + 1, updated_at=Now()
            )
            _record(
                claim=claim,
                actor=None,
                action="hand_over",
                from_state=ClaimState.ASSIGNED,
                to_state=ClaimState.ASSIGNED,
                verdict=draft,
                comment=f"Draft of user {draft.author_id} passed to user {reviewer.pk}, "
                "the new holder.",
            )
    return Claim.objects.select_related("article", "assignee").get(pk=claim.pk)


def claim_take_next(*, reviewer) -> Claim | None:
    """Hand `reviewer` the top claim of the queue under a lease, or None when it is empty.

    Claims whose lease ran out count as queued. A draft someone else left on the claim
    passes to the new holder. Concurrent callers never get the same claim. The claim comes
    with its assignee and its article's title; the article's other fields load when read.
    """
    _check_role(CLAIM_MOVES["take"], reviewer)
    if connection.vendor == "postgresql":
        return _take_next_postgresql(reviewer, _lease_duration())
    return _take_next_embedded(reviewer, _lease_duration())


def _apply_move(
    move_name: str, *, claim: Claim, by, holder_only: bool = False, comment: str = "", **changes
) -> Claim:
    """Lock the claim, check the move (and the caller's lease when `holder_only`), write
    `changes`, record the event, and return the claim as stored."""
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        move = _check_move(move_name, claim, by)
        if holder_only:
            _check_holds_lease(claim, by)
        Claim.objects.filter(pk=claim.pk).update(state=move.target, updated_at=Now(), **changes)
        _record(
            claim=claim,
            actor=by,
            action=move_name,
            from_state=claim.state,
            to_state=move.target,
            comment=comment,
        )
        claim.refresh_from_db()
    return claim


def claim_renew(*, claim: Claim, by) -> Claim:
    return _apply_move(
        "renew", claim=claim, by=by, holder_only=True, lease_expires_at=Now() + _lease_duration()
    )


def claim_release(*, claim: Claim, by) -> Claim:
    return _apply_move(
        "release", claim=claim, by=by, holder_only=True, assignee=None, lease_expires_at=None
    )


def claim_queue(*, claim: Claim, by) -> Claim:
    return _apply_move("queue", claim=claim, by=by, dismiss_reason="")


def claim_dismiss(*, claim: Claim, by, reason: str, comment: str = "") -> Claim:
    if reason not in DismissReason.values:
        choices = ", ".join(DismissReason.values)
        raise InvalidInput(f"Give a reason for dismissing: one of {choices}.")
    return _apply_move(
        "dismiss",
        claim=claim,
        by=by,
        comment=comment or DismissReason(reason).label,
        dismiss_reason=reason,
    )


def claim_boost(*, claim: Claim, by, boost: int) -> Claim:
    """Set an editor's manual boost (added to the priority; negative values lower it)."""
    if not user_has_role(by, Role.EDITOR):
        raise NotPermitted("Only editors may boost a claim's priority.")
    if not -MAX_BOOST <= boost <= MAX_BOOST:
        raise InvalidInput(f"A boost must lie between -{MAX_BOOST} and {MAX_BOOST}.")
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        if claim.state in (ClaimState.PUBLISHED, ClaimState.DISMISSED):
            raise InvalidTransition(f"Cannot boost a claim that is {_state_label(claim.state)}.")
        Claim.objects.filter(pk=claim.pk).update(
            boost=boost, priority=F("priority") - claim.boost + boost, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action="boost",
            from_state=claim.state,
            to_state=claim.state,
            comment=f"Boost {claim.boost} -> {boost}.",
        )
        claim.refresh_from_db()
    return claim


def claims_expire_leases() -> int:
    """Return claims whose lease ran out to the queue (the queue also hands them out
    directly; this keeps listings truthful). Returns how many were returned."""
    count = 0
    with transaction.atomic():
        expired = list(
            Claim.objects.select_for_update(skip_locked=True).filter(
                state=ClaimState.ASSIGNED, lease_expires_at__lt=Now()
            )[:1000]
        )
        for claim in expired:
            Claim.objects.filter(pk=claim.pk).update(
                state=ClaimState.QUEUED, assignee=None, lease_expires_at=None, updated_at=Now()
            )
            _record(
                claim=claim,
                actor=None,
                action="expire",
                from_state=ClaimState.ASSIGNED,
                to_state=ClaimState.QUEUED,
                comment=f"Lease of user {claim.assignee_id} expired.",
            )
            count += 1
    return count


# --- evidence -------------------------------------------------------------------------------


def _check_may_work_on(claim: Claim, user) -> None:
    """The holder works on a claim being checked; a returned claim belongs to its author."""
    _check_role(CLAIM_MOVES["submit"], user)
    if claim.state == ClaimState.ASSIGNED:
        _check_holds_lease(claim, user)
    elif claim.state == ClaimState.RETURNED:
        if claim.assignee_id != user.pk:
            raise Conflict("This claim was returned to another fact-checker.")
    else:
        raise InvalidTransition(
            f"Cannot work on this claim: it is {_state_label(claim.state)}. "
            "Take it from the queue first."
        )


def evidence_add(*, claim: Claim, by, url: str, stance: str, note: str = "") -> EvidenceLink:
    """Attach an evidence link; its source is fetched by the workers after commit."""
    from sources.services import source_for_url

    if stance not in Stance.values:
        raise InvalidInput(f"Stance must be one of {', '.join(Stance.values)}.")
    with transaction.atomic():
        claim = _lock_claim(claim.pk)
        _check_may_work_on(claim, by)
        source = source_for_url(url=url)
        if EvidenceLink.objects.filter(claim=claim, source=source).exists():
            raise Conflict("This source is already evidence for the claim.")
        link = EvidenceLink.objects.create(
            claim=claim, url=url, source=source, stance=stance, note=note, added_by=by
        )
        _record(
            claim=claim,
            actor=by,
            action="add_evidence",
            from_state=claim.state,
            to_state=claim.state,
            comment=f"{stance}: {source.url}",
        )
    return link


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
        _check_may_work_on(claim, by)
        if Verdict.objects.filter(claim=claim, state__in=OPEN_VERDICT_STATES).exists():
            raise Conflict("This claim already has a verdict in progress: update that one.")
        verdict = Verdict.objects.create(claim=claim, author=by, **fields)
        _record(
            claim=claim,
            actor=by,
            action="draft",
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
    fields = _clean_verdict_fields(fields)
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        _check_may_work_on(claim, by)
        if verdict.author_id != by.pk:
            raise NotPermitted("Only the verdict's author may edit it.")
        verdict = _compare_and_swap(verdict, expected_version, EDITABLE_VERDICT_STATES, **fields)
        _record(
            claim=claim,
            actor=by,
            action="edit",
            from_state=claim.state,
            to_state=claim.state,
            verdict=verdict,
        )
    return verdict


def verdict_submit(*, verdict: Verdict, by, expected_version: int) -> Verdict:
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        move = _check_move("submit", claim, by)
        _check_may_work_on(claim, by)
        if verdict.author_id != by.pk:
            raise NotPermitted("Only the verdict's author may submit it.")
        missing = [f for f in ("rating", "headline", "rationale") if not getattr(verdict, f)]
        if missing:
            raise InvalidInput(
                f"Complete the verdict before submitting it: {', '.join(missing)} missing.",
                details={"missing": missing},
            )
        if not claim.evidence.exists():
            raise InvalidInput("Add at least one evidence link before submitting the verdict.")
        verdict = _compare_and_swap(
            verdict,
            expected_version,
            EDITABLE_VERDICT_STATES,
            state=VERDICT_STATE_AFTER["submit"],
            submitted_at=Now(),
        )
        # The author keeps the claim while it waits for sign-off; the lease is no longer needed.
        Claim.objects.filter(pk=claim.pk).update(
            state=move.target, lease_expires_at=None, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action="submit",
            from_state=claim.state,
            to_state=move.target,
            verdict=verdict,
        )
    return verdict


def verdict_approve(*, verdict: Verdict, by, expected_version: int, comment: str = "") -> Verdict:
    """Publish a submitted verdict. Four eyes: the approver is never its author."""
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        move = _check_move("approve", claim, by)
        if verdict.author_id == by.pk:
            raise NotPermitted(
                "Nobody approves their own verdict: another editor must sign it off."
            )
        fetched = claim.evidence.filter(source__state="fetched").exists()
        if not fetched:
            raise InvalidTransition(
                "Approval needs at least one evidence link whose source was fetched "
                "successfully. Wait for the fetch, or ask for more evidence."
            )
        try:
            verdict = _compare_and_swap(
                verdict,
                expected_version,
                {VerdictState.SUBMITTED},
                state=VERDICT_STATE_AFTER["approve"],
                signed_off_by=by,
                signed_off_at=Now(),
                signoff_comment=comment,
                published_at=Now(),
            )
        except IntegrityError as exc:  # pragma: no cover - the claim lock makes this unreachable
            raise Conflict("This claim already has a published verdict.") from exc
        Claim.objects.filter(pk=claim.pk).update(state=move.target, updated_at=Now())
        # Other apps hear of the publication once it is committed (webhooks tell subscribers).
        signals.verdict_publication_announce(verdict=verdict)
        _record(
            claim=claim,
            actor=by,
            action="approve",
            from_state=claim.state,
            to_state=move.target,
            verdict=verdict,
            comment=comment,
        )
    return verdict


def verdict_return(*, verdict: Verdict, by, expected_version: int, comment: str) -> Verdict:
    """Send a submitted verdict back to its author with a comment saying what to fix."""
    if not comment or not comment.strip():
        raise InvalidInput("Say what needs fixing: a comment is required to return a verdict.")
    with transaction.atomic():
        claim = _lock_claim(verdict.claim_id)
        move = _check_move("return", claim, by)
        if verdict.author_id == by.pk:
            raise NotPermitted("Nobody signs off their own verdict: another editor must review it.")
        verdict = _compare_and_swap(
            verdict,
            expected_version,
            {VerdictState.SUBMITTED},
            state=VERDICT_STATE_AFTER["return"],
            signoff_comment=comment.strip(),
        )
        Claim.objects.filter(pk=claim.pk).update(
            state=move.target, assignee_id=verdict.author_id, updated_at=Now()
        )
        _record(
            claim=claim,
            actor=by,
            action="return",
            from_state=claim.state,
            to_state=move.target,
            verdict=verdict,
            comment=comment.strip(),
        )
    return verdict
