"""The rating scale verdicts use, and how it maps onto schema.org ClaimReview.

ClaimReview's `reviewRating` carries a `ratingValue` between `worstRating` (1) and
`bestRating` (5) and a textual `alternateName`, which is what search engines show. Each
rating below states what a fact-checker must have found to give it.
"""

from dataclasses import dataclass

from django.db import models


class Rating(models.TextChoices):
    FALSE = "false", "False"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    MIXED = "mixed", "Mixed"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    TRUE = "true", "True"


@dataclass(frozen=True)
class RatingDefinition:
    rating: Rating
    value: int
    definition: str

    @property
    def label(self) -> str:
        return self.rating.label


WORST_RATING = 1
BEST_RATING = 5

RATING_SCALE: dict[str, RatingDefinition] = {
    d.rating.value: d
    for d in (
        RatingDefinition(Rating.FALSE, 1, "The claim is inaccurate: the evidence contradicts it."),
        RatingDefinition(
            Rating.MOSTLY_FALSE,
            2,
            "The claim contains an element of truth but ignores facts that would give a "
            "different impression.",
        ),
        RatingDefinition(
            Rating.MIXED,
            3,
            "The claim is partly accurate and partly inaccurate, or the evidence is split.",
        ),
        RatingDefinition(
            Rating.MOSTLY_TRUE,
            4,
            "The claim is accurate but needs clarification or additional information.",
        ),
        RatingDefinition(
            Rating.TRUE, 5, "The claim is accurate and nothing significant is missing."
        ),
    )
}


def rating_value(rating: str) -> int:
    return RATING_SCALE[rating].value


def rating_label(rating: str) -> str:
    return RATING_SCALE[rating].label
