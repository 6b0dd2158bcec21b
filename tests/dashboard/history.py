"""A known history of the desk for the dashboard's tests, in two parts.

The past is written as the audit trail records it, each move at a set time, since the services
stamp moves with the database's clock: two claims published in the last days and one
dismissed. Today's work is done through the services: bob's verdict awaits sign-off, alice
holds one claim and has another returned to her, and one claim waits in the queue.

    the past (days ago, hour)           claim
    10 09  extracted into the queue     unemployment (P2)
     9 09  taken; 12 released; 8 09 taken again
     6 09  extracted into triage        crime (T)
     5 09  extracted into triage        exports (P1)
     4 10  queued                       exports
     3 10  taken                        exports
     3 03  submitted; 09 approved       unemployment: mostly true, 6 h at sign-off
     2 08  submitted; 10 approved       exports: false, 2 h at sign-off
     1 15  dismissed                    crime

From first queued to published: exports 48 h, unemployment 168 h (median 108 h, 90th
percentile 156 h); from submitted to signed off: 2 h and 6 h (median 4 h, 90th 5.6 h).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from reviews import services
from reviews.models import Claim, ReviewEvent, Verdict
from tests.factories import article_ingested, claim_queued, claim_taken, verdict_submitted

SENTENCES = {
    "exports": "Exports rose 12% in 2023.",
    "unemployment": "Unemployment fell to 4% last year.",
    "crime": "Crime doubled in a decade.",
}
MOVES = {
    "exports": [
        (5, 9, "extract", "", "triage"),
        (4, 10, "queue", "triage", "queued"),
        (3, 10, "take", "queued", "assigned"),
        (3, 11, "add_evidence", "assigned", "assigned"),
        (2, 8, "submit", "assigned", "submitted"),
        (2, 10, "approve", "submitted", "published"),
    ],
    "unemployment": [
        (10, 9, "extract", "", "queued"),
        (9, 9, "take", "queued", "assigned"),
        (9, 12, "release", "assigned", "queued"),
        (8, 9, "take", "queued", "assigned"),
        (3, 3, "submit", "assigned", "submitted"),
        (3, 9, "approve", "submitted", "published"),
    ],
    "crime": [
        (6, 9, "extract", "", "triage"),
        (1, 15, "dismiss", "triage", "dismissed"),
    ],
}
HOSTILE = "Officials said <script>alert(1)</script> that 90% of roads are new."
# How often each rating is given in the busier past.
RATING_WEIGHTS = {"false": 3, "mostly_false": 3, "mixed": 2, "mostly_true": 2, "true": 1}
RATINGS = {"exports": "false", "unemployment": "mostly_true"}


def at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def week_of(days_ago: int) -> date:
    """The Monday of the week `days_ago` days back."""
    when = day(days_ago)
    return when - timedelta(days=when.weekday())


@dataclass
class Desk:
    submitted: Verdict
    held: Claim
    returned: Verdict
    queued: Claim
    past: dict[str, Claim]


def claims_moved(moves: dict[str, list[tuple]], *, title: str = "Figures of the year") -> dict:
    """Claims of one new article, one for each text in `moves`, each in the state its last
    move (days ago, hour, action, from state, to state) left it in, with no verdict."""
    body = " ".join(moves)
    article = article_ingested(found=[], body=body, title=title)
    claims = {}
    for text, claim_moves in moves.items():
        start = body.index(text)
        state = claim_moves[-1][4]
        claims[text] = Claim.objects.create(
            article=article,
            text=text,
            start=start,
            end=start + len(text),
            kind="statistic",
            score=0.3 if claim_moves[0][4] == "triage" else 0.9,
            priority=90,
            state=state,
            dismiss_reason="opinion" if state == "dismissed" else "",
            created_at=at(*claim_moves[0][:2]),
        )
    return claims


def _moves_recorded(claim: Claim, moves: list[tuple], *, verdict=None, actor=None) -> None:
    for days_ago, hour, action, from_state, to_state in moves:
        ReviewEvent.objects.create(
            claim=claim,
            article_id=claim.article_id,
            verdict=verdict if action in ("submit", "approve") else None,
            actor=None if action == "extract" else actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            created_at=at(days_ago, hour),
        )


def claims_with_history(moves: dict[str, list[tuple]]) -> dict:
    """As `claims_moved`, with each claim's moves in the audit trail at their times."""
    claims = claims_moved(moves, title="Claims on the move")
    for text, claim in claims.items():
        _moves_recorded(claim, moves[text])
    return claims


def _past(*, checkers: dict, editors: dict) -> dict[str, Claim]:
    by_text = claims_moved({SENTENCES[name]: MOVES[name] for name in SENTENCES})
    claims = {name: by_text[SENTENCES[name]] for name in SENTENCES}
    authors = {"exports": checkers["alice"], "unemployment": checkers["bob"]}
    signers = {"exports": editors["erin"], "unemployment": editors["fiona"]}
    for name, claim in claims.items():
        verdict = None
        if name in RATINGS:
            (submitted,) = [at(d, h) for d, h, action, *_ in MOVES[name] if action == "submit"]
            (approved,) = [at(d, h) for d, h, action, *_ in MOVES[name] if action == "approve"]
            verdict = Verdict.objects.create(
                claim=claim,
                state="published",
                rating=RATINGS[name],
                headline=f"On {name}",
                rationale="The register says so.",
                author=authors[name],
                version=3,
                submitted_at=submitted,
                signed_off_by=signers[name],
                signed_off_at=approved,
                published_at=approved,
            )
        _moves_recorded(
            claim, MOVES[name], verdict=verdict, actor=authors.get(name, editors["erin"])
        )
    return claims


def desk_history(*, alice, bob, erin, fiona) -> Desk:
    """The history above; today's part is built in queue order (each claim is the one the
    queue hands out when it is taken)."""
    past = _past(checkers={"alice": alice, "bob": bob}, editors={"erin": erin, "fiona": fiona})
    submitted = verdict_submitted(author=bob)
    held = claim_taken(reviewer=alice)
    sent_back = verdict_submitted(author=alice)
    returned = services.verdict_return(
        verdict=sent_back, by=erin, expected_version=sent_back.version, comment="Cite the register."
    )
    queued = claim_queued(body=HOSTILE, text=HOSTILE)
    return Desk(submitted=submitted, held=held, returned=returned, queued=queued, past=past)


def busy_past(*, checkers: list, editors: list, claims: int = 160, seed: int = 7) -> None:
    """A busier past, for pictures of the page: `claims` claims extracted over the last twelve
    weeks, most taken, checked and published, some dismissed, a few still queued or awaiting
    sign-off, each move written at its time (seeded, so each run draws the same)."""
    rng = random.Random(seed)
    now = timezone.now()
    sentences = [f"Figure {number} rose by {number % 40 + 2}%." for number in range(claims)]
    body = " ".join(sentences)
    article = article_ingested(found=[], body=body, title="A busy quarter")
    rows, offset = [], 0
    for sentence in sentences:
        rows.append(
            Claim(
                article=article,
                text=sentence,
                start=offset,
                end=offset + len(sentence),
                kind="statistic",
                score=0.8,
                priority=80,
            )
        )
        offset += len(sentence) + 1
    events, verdicts = [], []
    for claim in rows:
        moves = []
        when = now - timedelta(days=rng.uniform(0.5, 84))
        moves.append((when, "extract", "", "queued"))
        fate = rng.random()
        if fate < 0.15:
            moves.append((when + timedelta(hours=rng.uniform(1, 30)), "dismiss", "queued",
                          "dismissed"))  # fmt: skip
        elif fate > 0.9:
            pass
        else:
            author = rng.choice(checkers)
            taken = when + timedelta(hours=rng.expovariate(1 / 20))
            submitted = taken + timedelta(hours=rng.expovariate(1 / 30))
            approved = submitted + timedelta(hours=rng.expovariate(1 / 8))
            moves += [
                (taken, "take", "queued", "assigned"),
                (submitted, "submit", "assigned", "submitted"),
                (approved, "approve", "submitted", "published"),
            ]
            moves = [move for move in moves if move[0] < now]
            state = moves[-1][3]
            if state in ("submitted", "published"):
                claim.assignee = author
                verdicts.append(
                    Verdict(
                        claim=claim,
                        state=state,
                        rating=rng.choices(list(RATING_WEIGHTS), list(RATING_WEIGHTS.values()))[0],
                        headline=f"On {claim.text}",
                        rationale="The register says otherwise.",
                        author=author,
                        version=2,
                        submitted_at=submitted,
                        signed_off_by=rng.choice(editors) if state == "published" else None,
                        signed_off_at=approved if state == "published" else None,
                        published_at=approved if state == "published" else None,
                    )
                )
            elif state == "assigned":
                # Work started before now whose lease would have lapsed: back in the queue.
                moves.append((now - timedelta(minutes=1), "expire", "assigned", "queued"))
        claim.state = moves[-1][3]
        if claim.state == "dismissed":
            claim.dismiss_reason = "not_check_worthy"
        events.append((claim, moves))
    Claim.objects.bulk_create(rows)
    Verdict.objects.bulk_create(verdicts)
    by_claim = {verdict.claim_id: verdict for verdict in verdicts}
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            claim=claim,
            article=article,
            verdict=by_claim.get(claim.pk) if action in ("submit", "approve") else None,
            action=action,
            from_state=from_state,
            to_state=to_state,
            created_at=when,
        )
        for claim, moves in events
        for when, action, from_state, to_state in moves
    )
