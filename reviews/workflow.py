"""The claim and verdict state machines, declared in one place.

Each move names the states it may start from, the state it leads to and the roles allowed
to make it. Services look moves up here; nothing else decides whether a move is legal.
"""

from dataclasses import dataclass

from accounts.roles import Role

from .models import ClaimState, VerdictState

CHECKERS = frozenset({Role.FACT_CHECKER, Role.EDITOR})
EDITORS = frozenset({Role.EDITOR})


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    description: str


def _move(name, sources, target, roles, description) -> Move:
    return Move(name, frozenset(str(s) for s in sources), str(target), roles, description)


CLAIM_MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        _move(
            "queue",
            {ClaimState.TRIAGE, ClaimState.DISMISSED},
            ClaimState.QUEUED,
            EDITORS,
            "put a claim in the review queue",
        ),
        _move(
            "dismiss",
            {ClaimState.TRIAGE, ClaimState.QUEUED},
            ClaimState.DISMISSED,
            EDITORS,
            "dismiss a claim",
        ),
        _move(
            "take",
            {ClaimState.QUEUED, ClaimState.ASSIGNED},
            ClaimState.ASSIGNED,
            CHECKERS,
            "take a claim from the queue",
        ),
        _move(
            "renew",
            {ClaimState.ASSIGNED},
            ClaimState.ASSIGNED,
            CHECKERS,
            "renew the lease on a claim",
        ),
        _move(
            "release",
            {ClaimState.ASSIGNED},
            ClaimState.QUEUED,
            CHECKERS,
            "give a claim back to the queue",
        ),
        _move(
            "expire",
            {ClaimState.ASSIGNED},
            ClaimState.QUEUED,
            frozenset(),
            "return a claim whose lease ran out to the queue",
        ),
        _move(
            "submit",
            {ClaimState.ASSIGNED, ClaimState.RETURNED},
            ClaimState.SUBMITTED,
            CHECKERS,
            "submit a verdict for sign-off",
        ),
        _move(
            "approve",
            {ClaimState.SUBMITTED},
            ClaimState.PUBLISHED,
            EDITORS,
            "approve and publish a verdict",
        ),
        _move(
            "return",
            {ClaimState.SUBMITTED},
            ClaimState.RETURNED,
            EDITORS,
            "return a verdict to its fact-checker",
        ),
    )
}

# Which verdict state each claim move leaves the open verdict in (when it touches it).
VERDICT_STATE_AFTER = {
    "submit": VerdictState.SUBMITTED,
    "approve": VerdictState.PUBLISHED,
    "return": VerdictState.RETURNED,
}

# A verdict's text may change only while its claim is being checked or was sent back.
EDITABLE_VERDICT_STATES = frozenset({VerdictState.DRAFT, VerdictState.RETURNED})
