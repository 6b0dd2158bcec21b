"""The ClaimReview of a published verdict, for the pages that import it from here: it is
built, with every other shape of a published verdict, by `reviews.presenters`."""

from .presenters import claimreview_for_verdict

__all__ = ["claimreview_for_verdict"]
