"""Factories for rows the tests need but do not care about in detail."""

import hashlib

import factory
from django.utils import timezone

from articles.models import Article
from reviews.models import Claim, Verdict

BODY = (
    "State Department spokesman Admiral John Kirby said greater than 90% of the strikes "
    "have not been against ISIL. Zamir Kabulov estimated around 3,500 militants in the area."
)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    input_format = Article.InputFormat.TEXT
    body = factory.Sequence(lambda n: f"{BODY} Paragraph {n}.")
    content_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.body.encode()).hexdigest())
    ingest_state = Article.IngestState.EXTRACTED


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first sentence of its article's body."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.article.body.index(".") + 1)
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    kind = "statistic"
    claimant = "John Kirby"
    score = 0.9
    state = "queued"


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = "mostly_false"
    headline = "Most strikes did hit ISIL positions, monitors say"
    rationale = "Independent monitors recorded **most** strikes on ISIL-held areas."
    state = "draft"


def published(verdict: Verdict, *, editor) -> Verdict:
    now = timezone.now()
    verdict.state = "published"
    verdict.signed_off_by = editor
    verdict.signed_off_at = now
    verdict.published_at = now
    verdict.save()
    return verdict


def queued_claims(count: int, *, article=None, state: str = "queued", priority=None) -> list[Claim]:
    """`count` claims on one article, one per sentence, in one INSERT."""
    sentences = [f"Claim number {i} says {i * 7} percent of strikes missed." for i in range(count)]
    if article is None:
        body = " ".join(sentences)
        article = ArticleFactory(body=body)
    body = article.body
    claims, offset = [], 0
    for i, sentence in enumerate(sentences):
        start = body.index(sentence, offset)
        offset = start + len(sentence)
        claims.append(
            Claim(
                article=article,
                text=sentence,
                start=start,
                end=offset,
                kind="statistic",
                score=0.8,
                state=state,
                priority=priority(i) if priority else 50.0,
            )
        )
    return Claim.objects.bulk_create(claims)
