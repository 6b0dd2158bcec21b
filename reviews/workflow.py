"""The rulebook of the review workflow: the states' named groups, the moves, who may make each
move and from which states, and the conditions on the person making it.

Where the answers are:

- Who may approve a verdict? `RULES[Move.APPROVE]`: the roles (editors), the state the claim
  must be in (awaiting sign-off) and the four-eyes rule (never the verdict's own author).
  `can(user, Move.APPROVE, claim, verdict=verdict)` answers it for one person.
- Which states count as "in review"? `IN_REVIEW`; the other groups (`OPEN`, `SETTLED`,
  `WORKABLE`, `VERDICT_OPEN`, `VERDICT_EDITABLE`) are declared next to it.
- Who may change a claim's evidence, and until when? `RULES[Move.EDIT_EVIDENCE]` and
  `RULES[Move.REMOVE_EVIDENCE]`: its holder, as with adding it, until the verdict is
  submitted (a returned verdict reopens it). `RULES[Move.RETRY_FETCH]`: any fact-checker or
  editor, on a claim that is queued, in review or published.
- When is a claim handed out? `handed_out()`: queued claims, and claims whose holder's lease
  ran out on the database clock, highest `QUEUE_ORDER` first. The same claims may be taken by
  name (`RULES[Move.TAKE]`) or assigned by an editor (`RULES[Move.ASSIGN]`); a returned claim
  is given to another fact-checker with its verdict (`RULES[Move.REASSIGN]`).
- Who may correct a published verdict, and how? `RULES[Move.CORRECT]` (editors, on a published
  claim, one correction at a time) opens it; the holder edits and submits it as any verdict;
  `RULES[Move.APPROVE]` publishes it, four eyes as ever, and `RULES[Move.SUPERSEDE]` is the
  earlier verdict leaving publication in the same step.

The services enforce these rules by calling `check()` before they write; the API permissions,
the pages, the templates (through the moves `allowed_moves()` passes them) and the admin ask
`can()` and `allowed_moves()`. What the rulebook does not judge is the content of the work:
whether a verdict is complete, whether its evidence was fetched, whether a field holds a valid
choice. The services that need it check that after the rule.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum, StrEnum

from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from accounts.roles import CHECKERS, EDITORS, Role, roles_in_words, user_has_any_role
from factcheck.errors import Conflict, DomainError, InvalidTransition, LeaseExpired, NotPermitted

from .models import OPEN_VERDICT_STATES, Claim, ClaimState, Verdict, VerdictState

# --- named groups of states -----------------------------------------------------------------

IN_REVIEW = frozenset({ClaimState.ASSIGNED, ClaimState.SUBMITTED, ClaimState.RETURNED})
"""Claims someone works on: held by a fact-checker, awaiting sign-off, or sent back."""

OPEN = frozenset({ClaimState.QUEUED}) | IN_REVIEW
"""Claims with work left on them: waiting in the queue, or in review."""

SETTLED = frozenset({ClaimState.PUBLISHED, ClaimState.DISMISSED})
"""Claims nobody works on any more."""

WORKABLE = frozenset({ClaimState.ASSIGNED, ClaimState.RETURNED})
"""Claims their holder works on: gathers evidence, writes and submits the verdict."""

VERDICT_OPEN = frozenset(OPEN_VERDICT_STATES)
"""Verdicts in progress. The model declares the list, for the database constraint that holds
one open verdict per claim."""

VERDICT_EDITABLE = frozenset({VerdictState.DRAFT, VerdictState.RETURNED})
"""Verdicts whose text may change: a draft, or one sent back to its author."""

QUEUE_ORDER = ("-priority", "created_at", "id")
"""The order the queue hands claims out in: highest priority first, then oldest."""


# --- the moves ------------------------------------------------------------------------------


class Move(StrEnum):
    """Every move of the workflow. The value is the action its audit event records."""

    QUEUE = "queue"
    DISMISS = "dismiss"
    BOOST = "boost"
    TAKE = "take"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    RENEW = "renew"
    RELEASE = "release"
    EXPIRE = "expire"
    ADD_EVIDENCE = "add_evidence"
    EDIT_EVIDENCE = "edit_evidence"
    REMOVE_EVIDENCE = "remove_evidence"
    RETRY_FETCH = "retry_fetch"
    START_VERDICT = "draft"
    EDIT_VERDICT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    CORRECT = "correct"
    SUPERSEDE = "supersede"
    CONFIRM_MATCH = "confirm_match"
    REJECT_MATCH = "reject_match"


class Author(Enum):
    """Who of the verdict's author and everyone else may make a move on a verdict."""

    ANYONE = "anyone"
    ONLY = "only the author"
    NEVER = "anyone but the author"


@dataclass(frozen=True)
class Rule:
    move: Move | None
    """None for a rule several moves share (`WORK`)."""
    description: str
    roles: tuple[Role, ...]
    """Who may make the move (superusers hold every role); none: only the service itself."""
    claim_from: frozenset[ClaimState]
    claim_to: ClaimState | None = None
    """None: the claim stays in the state it is in."""
    verdict_from: frozenset[VerdictState] = frozenset()
    """The states the verdict must be in; empty: the move needs no verdict."""
    verdict_to: VerdictState | None = None
    starts_verdict: bool = False
    """The move creates the verdict: refused while the claim has one in progress."""
    from_queue: bool = False
    """Only a claim the queue hands out (`handed_out()`): queued, or its holder's lease ran
    out. A claim someone holds is refused, naming them and when their lease runs out."""
    holder_only: bool = False
    """Only the claim's holder: its assignee, while the lease lasts on the database clock for a
    claim being checked; the verdict's author, to whom it went back, for a returned one."""
    author: Author = Author.ANYONE
    author_refusal: str = ""


def _rule(move, description: str, roles, claim_from, claim_to=None, **conditions) -> Rule:
    return Rule(move, description, tuple(roles), frozenset(claim_from), claim_to, **conditions)


RULES: dict[Move, Rule] = {
    rule.move: rule
    for rule in (
        # Triage, by editors.
        _rule(
            Move.QUEUE,
            "put a claim in the review queue",
            EDITORS,
            {ClaimState.TRIAGE, ClaimState.DISMISSED},
            ClaimState.QUEUED,
        ),
        _rule(
            Move.DISMISS,
            "dismiss a claim",
            EDITORS,
            {ClaimState.TRIAGE, ClaimState.QUEUED},
            ClaimState.DISMISSED,
        ),
        _rule(
            Move.BOOST,
            "boost a claim's priority",
            EDITORS,
            {ClaimState.TRIAGE} | OPEN,
        ),
        # The queue and its leases. A claim is taken from the queue, or from a holder whose
        # lease ran out: see `handed_out()`. The queue is a suggestion: any claim it would
        # hand out may be taken by name, or assigned to a fact-checker by an editor.
        _rule(
            Move.TAKE,
            "take a claim from the queue",
            CHECKERS,
            {ClaimState.QUEUED, ClaimState.ASSIGNED},
            ClaimState.ASSIGNED,
            from_queue=True,
        ),
        _rule(
            Move.ASSIGN,
            "assign a claim to a fact-checker",
            EDITORS,
            {ClaimState.QUEUED, ClaimState.ASSIGNED},
            ClaimState.ASSIGNED,
            from_queue=True,
        ),
        # A returned claim stays returned, with no lease: its verdict passes to the new
        # fact-checker, who fixes and resubmits it (see `services.claim_assign`).
        _rule(
            Move.REASSIGN,
            "give a returned verdict to another fact-checker",
            EDITORS,
            {ClaimState.RETURNED},
            verdict_from=VERDICT_EDITABLE,
        ),
        _rule(
            Move.RENEW,
            "renew the lease on a claim",
            CHECKERS,
            {ClaimState.ASSIGNED},
            holder_only=True,
        ),
        _rule(
            Move.RELEASE,
            "give a claim back to the queue",
            CHECKERS,
            {ClaimState.ASSIGNED},
            ClaimState.QUEUED,
            holder_only=True,
        ),
        _rule(
            Move.EXPIRE,
            "return a claim whose lease ran out to the queue",
            (),
            {ClaimState.ASSIGNED},
            ClaimState.QUEUED,
        ),
        # The holder's work on the claim.
        _rule(
            Move.ADD_EVIDENCE,
            "add evidence to a claim",
            CHECKERS,
            WORKABLE,
            holder_only=True,
        ),
        # The verdict stands on its evidence, so what was submitted for sign-off stays as it
        # was until the verdict is returned.
        _rule(
            Move.EDIT_EVIDENCE,
            "edit an evidence link",
            CHECKERS,
            WORKABLE,
            holder_only=True,
        ),
        _rule(
            Move.REMOVE_EVIDENCE,
            "remove an evidence link",
            CHECKERS,
            WORKABLE,
            holder_only=True,
        ),
        # Reading a link's page again changes nobody's work, so anyone working the queue may
        # ask for it wherever a claim's evidence counts: the editor at sign-off needs a fetched
        # source to approve, and a published page shows only fetched sources.
        _rule(
            Move.RETRY_FETCH,
            "fetch an evidence link's page again",
            CHECKERS,
            OPEN | {ClaimState.PUBLISHED},
        ),
        _rule(
            Move.START_VERDICT,
            "start the verdict on a claim",
            CHECKERS,
            WORKABLE,
            verdict_to=VerdictState.DRAFT,
            starts_verdict=True,
            holder_only=True,
        ),
        _rule(
            Move.EDIT_VERDICT,
            "edit a verdict",
            CHECKERS,
            WORKABLE,
            verdict_from=VERDICT_EDITABLE,
            holder_only=True,
            author=Author.ONLY,
            author_refusal="Only the verdict's author may edit it.",
        ),
        _rule(
            Move.SUBMIT,
            "submit a verdict for sign-off",
            CHECKERS,
            WORKABLE,
            ClaimState.SUBMITTED,
            verdict_from=VERDICT_EDITABLE,
            verdict_to=VerdictState.SUBMITTED,
            holder_only=True,
            author=Author.ONLY,
            author_refusal="Only the verdict's author may submit it.",
        ),
        # Sign-off, by editors, never of their own verdict.
        _rule(
            Move.APPROVE,
            "approve and publish a verdict",
            EDITORS,
            {ClaimState.SUBMITTED},
            ClaimState.PUBLISHED,
            verdict_from=frozenset({VerdictState.SUBMITTED}),
            verdict_to=VerdictState.PUBLISHED,
            author=Author.NEVER,
            author_refusal="Nobody approves their own verdict: another editor must sign it off.",
        ),
        _rule(
            Move.RETURN,
            "return a verdict to its fact-checker",
            EDITORS,
            {ClaimState.SUBMITTED},
            ClaimState.RETURNED,
            verdict_from=frozenset({VerdictState.SUBMITTED}),
            verdict_to=VerdictState.RETURNED,
            author=Author.NEVER,
            author_refusal="Nobody signs off their own verdict: another editor must review it.",
        ),
        # Corrections. An editor opens one with a reason: a draft copied from the published
        # verdict goes back to its author (the claim is returned to them, with no lease, so it
        # never re-enters the queue), who edits and submits it as any verdict. The published
        # verdict stays public until another editor approves the correction, which
        # supersedes it in the same step.
        _rule(
            Move.CORRECT,
            "open a correction of a published verdict",
            EDITORS,
            {ClaimState.PUBLISHED},
            ClaimState.RETURNED,
            verdict_from=frozenset({VerdictState.PUBLISHED}),
        ),
        _rule(
            Move.SUPERSEDE,
            "supersede a published verdict with its approved correction",
            EDITORS,
            {ClaimState.SUBMITTED},
            verdict_from=frozenset({VerdictState.PUBLISHED}),
            verdict_to=VerdictState.SUPERSEDED,
        ),
        # Matches with published fact-checks, which the matcher suggests and a person judges.
        _rule(
            Move.CONFIRM_MATCH,
            "confirm that a published fact-check reviews a claim",
            CHECKERS,
            {ClaimState.TRIAGE} | OPEN,
        ),
        _rule(
            Move.REJECT_MATCH,
            "reject a suggested fact-check",
            CHECKERS,
            {ClaimState.TRIAGE} | OPEN,
        ),
    )
}

WORK = _rule(None, "work on this claim", CHECKERS, WORKABLE, holder_only=True)
"""What the holder's moves share: the role, the states and the holder (`claim_work_refusal`)."""

TRIAGE_MOVES = (Move.QUEUE, Move.DISMISS, Move.BOOST)
ASSIGN_MOVES = (Move.ASSIGN, Move.REASSIGN)
HOLDER_MOVES = tuple(move for move, rule in RULES.items() if rule.holder_only)
SIGNOFF_MOVES = (Move.APPROVE, Move.RETURN)
CORRECTION_MOVES = (Move.CORRECT,)


# --- when a claim is handed out -------------------------------------------------------------


def handed_out_groups(*, now=None) -> tuple[Q, Q]:
    """The claims the queue hands out, as two groups: those queued, and those being checked
    whose holder's lease ran out (by `now`, the database clock unless given). The holder
    lost the claim and the next taker gets it, with any draft on it.
    `services.claim_take_next` hands out the first of them in `QUEUE_ORDER`, under a new
    lease, to one taker only."""
    return (
        Q(state=ClaimState.QUEUED),
        Q(state=ClaimState.ASSIGNED, lease_expires_at__lt=Now() if now is None else now),
    )


def handed_out(*, now=None) -> Q:
    """The claims the queue hands out (`handed_out_groups`), as one condition."""
    queued, lapsed = handed_out_groups(now=now)
    return queued | lapsed


def queue_position(claim: Claim) -> tuple:
    """Sorts claims in `QUEUE_ORDER`."""
    return (-claim.priority, claim.created_at, claim.pk)


def lease_is_live(claim: Claim) -> bool:
    """Whether the lease on `claim` still runs, on the database clock, which every worker
    shares. A claim read with `lease_left` (its lease less the database's now) is judged by
    that; any other is asked of the database."""
    if claim.lease_expires_at is None:
        return False
    if hasattr(claim, "lease_left"):
        return claim.lease_left is not None and claim.lease_left.total_seconds() > 0
    return Claim.objects.filter(pk=claim.pk, lease_expires_at__gt=Now()).exists()


# --- asking the rulebook --------------------------------------------------------------------


def _label(claim: Claim) -> str:
    return ClaimState(claim.state).label.lower()


def _role_refusal(user, rule: Rule) -> NotPermitted | None:
    if user_has_any_role(user, rule.roles):
        return None
    return NotPermitted(_who_may(rule))


def _who_may(rule: Rule) -> str:
    return f"Only {roles_in_words(rule.roles) or 'the service'} may {rule.description}."


def who_may(move: Move) -> str:
    """Who may make `move`, in words: "Only editors may approve and publish a verdict."."""
    return _who_may(RULES[move])


def role_refusal(user, move: Move) -> NotPermitted | None:
    """Why `user` holds no role that may make `move`, or None when they hold one."""
    return _role_refusal(user, RULES[move])


def role_may(user, move: Move) -> bool:
    """Whether `user` holds a role that may make `move` on some claim (a page or an endpoint
    that offers the move asks this; the claim's own conditions are judged as it is made)."""
    return role_refusal(user, move) is None


def _holder_refusal(claim: Claim, user, lease_live: Callable[[], bool]) -> DomainError | None:
    if claim.state == ClaimState.RETURNED:
        if claim.assignee_id != user.pk:
            return Conflict("This claim was returned to another fact-checker.")
        return None
    if claim.assignee_id != user.pk:
        holder = "nobody" if claim.assignee_id is None else "another fact-checker"
        return Conflict(
            f"This claim is held by {holder}, not by you. Take it from the queue first.",
            details={"claim_state": claim.state},
        )
    if not lease_live():
        return LeaseExpired(
            "Your lease on this claim has expired and it went back to the queue. "
            "Take it again to continue.",
            details={"lease_expires_at": claim.lease_expires_at},
        )
    return None


def _refusal(
    user, rule: Rule, claim: Claim, verdict: Verdict | None, lease_live: Callable[[], bool]
) -> DomainError | None:
    """`rule` judged for `user`, in this order: the role, a correction already open (to open
    one: named before the claim's state, which it explains), the claim's state (and, to take or
    assign a claim, that it is handed out), the holder and the lease, the verdict in progress
    (to start one), the verdict's author, the verdict's state."""
    refused = _role_refusal(user, rule)
    if refused is not None:
        return refused
    details = {"claim_state": claim.state, "move": rule.move.value if rule.move else ""}
    if rule.move == Move.CORRECT and _is_open_correction(verdict):
        return Conflict(
            "A correction of this claim's published verdict is already open (the claim is "
            f"{_label(claim)}): finish that one, which another editor then approves, "
            "before opening another.",
            details={**details, "correction_id": verdict.pk},
        )
    if claim.state not in rule.claim_from:
        queued = rule.holder_only and claim.state == ClaimState.QUEUED
        hint = " Take it from the queue first." if queued else ""
        return InvalidTransition(
            f"Cannot {rule.description}: the claim is {_label(claim)}.{hint}", details=details
        )
    if (
        rule.from_queue
        and claim.state != ClaimState.QUEUED
        and not Claim.objects.filter(handed_out(), pk=claim.pk).exists()
    ):
        return _held_refusal(user, rule, claim, details)
    if rule.holder_only:
        refused = _holder_refusal(claim, user, lease_live)
        if refused is not None:
            return refused
    if rule.starts_verdict:
        if verdict is not None and verdict.state in VERDICT_OPEN:
            return Conflict("This claim already has a verdict in progress: update that one.")
        return None
    if not rule.verdict_from:
        return None
    if verdict is None:
        return InvalidTransition(f"Cannot {rule.description}: the claim has no verdict yet.")
    is_author = verdict.author_id == user.pk
    if (rule.author == Author.ONLY and not is_author) or (
        rule.author == Author.NEVER and is_author
    ):
        return NotPermitted(rule.author_refusal)
    if verdict.state not in rule.verdict_from:
        return InvalidTransition(
            f"The verdict is {VerdictState(verdict.state).label.lower()}: it cannot change now.",
            details={"verdict_state": verdict.state},
        )
    return None


def _held_refusal(user, rule: Rule, claim: Claim, details: dict) -> Conflict:
    """`claim` is held under a lease that still runs: who holds it, and until when."""
    until = timezone.localtime(claim.lease_expires_at).strftime("%H:%M %Z")
    if claim.assignee_id == user.pk:
        return Conflict(
            f"Cannot {rule.description}: you hold it already, and your lease runs until "
            f"{until}. Renew the lease to keep it longer.",
            details={**details, "lease_expires_at": claim.lease_expires_at},
        )
    holder = claim.assignee.get_username()
    return Conflict(
        f"Cannot {rule.description}: {holder} holds it, and their lease runs until {until}.",
        details={**details, "held_by": holder, "lease_expires_at": claim.lease_expires_at},
    )


def _is_open_correction(verdict: Verdict | None) -> bool:
    return verdict is not None and verdict.corrects_id is not None and verdict.state in VERDICT_OPEN


class _Lease:
    """The lease's liveness, asked of the database at most once."""

    def __init__(self, claim: Claim):
        self.claim = claim
        self.live: bool | None = None

    def __call__(self) -> bool:
        if self.live is None:
            self.live = lease_is_live(self.claim)
        return self.live


def refusal(
    user, move: Move, claim: Claim, *, verdict: Verdict | None = None
) -> DomainError | None:
    """Why `user` may not make `move` on `claim` now, as the domain error a service raises;
    None when they may.

    `verdict` is the claim's verdict the move acts on: its verdict in progress, when it has
    one (a move that starts the verdict is refused while there is one), else its published
    one (which a correction corrects; a correction is refused while one is open). The first
    condition that fails gives the answer (see `_refusal` for the order). A service asks this
    of the claim it locked, so the answer holds while it writes."""
    return _refusal(user, RULES[move], claim, verdict, _Lease(claim))


def check(user, move: Move, claim: Claim, *, verdict: Verdict | None = None) -> None:
    """Raise the refusal unless `user` may make `move` on `claim` now (see `refusal`)."""
    refused = refusal(user, move, claim, verdict=verdict)
    if refused is not None:
        raise refused


def can(user, move: Move, claim: Claim, *, verdict: Verdict | None = None) -> bool:
    return refusal(user, move, claim, verdict=verdict) is None


def allowed_moves(
    claim: Claim, user, *, verdict: Verdict | None = None, among: Iterable[Move] = tuple(Move)
) -> frozenset[Move]:
    """The moves (of `among`: every move unless given) that `user` may make on `claim` now.
    The lease is asked of the database once, however many moves need it."""
    lease = _Lease(claim)
    return frozenset(
        move for move in among if _refusal(user, RULES[move], claim, verdict, lease) is None
    )


def claim_work_refusal(*, claim: Claim, user) -> DomainError | None:
    """Why `user` may not work on `claim` now: gather its evidence, write and submit its
    verdict; None when they may. The holder may, while their lease lasts on the database
    clock; a returned claim belongs to the verdict's author. A page asks this before it shows
    or does anything with the claim's verdict, so that it never shows or confirms work the API
    would not."""
    return _refusal(user, WORK, claim, None, _Lease(claim))


def claim_may_work(*, claim: Claim, user) -> None:
    """Raise the refusal unless `user` may work on `claim` now (see `claim_work_refusal`)."""
    refused = claim_work_refusal(claim=claim, user=user)
    if refused is not None:
        raise refused


def may(moves: Iterable[Move]) -> dict[str, bool]:
    """`moves` for a template: `may.renew`, `may.approve`, ... for each move, true when allowed."""
    return {move.name.lower(): move in moves for move in Move}
