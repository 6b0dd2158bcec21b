"""Conditional GET for API reads: a strong ETag over the response body, Last-Modified when
the view knows it, and 304 Not Modified for a client that already has the same answer.

Views whose answer depends only on the request's address and on data with a version number
can also keep their rendered answers under that version (`cached_answer`), in the process's
own answer cache (the "answers" cache in settings).
"""

import hashlib
from datetime import UTC, datetime

from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from rest_framework import status
from rest_framework.response import Response

# Answers for an old version are never asked for again; this only frees their memory early.
ANSWER_CACHE_SECONDS = 600


class ConditionalGetMixin:
    """For DRF views. Set `self.last_modified` (an aware datetime) while building the answer
    to also send Last-Modified and honour If-Modified-Since.

    Django decides whether the client's copy is current (`get_conditional_response`); its
    `condition` decorator and ConditionalGetMiddleware do not fit these views: `condition`
    must know the ETag and date before the view runs (these views learn the date while
    building the answer, and the ETag is over the rendered body), and the middleware runs
    after the answer cache, which keeps the rendered answer here.
    """

    last_modified = None
    answer_cache_key = None

    def cached_answer(self, request, version: int | None) -> HttpResponse | None:
        """The answer rendered earlier for this address under `version`, if there is one;
        otherwise the answer this request builds is kept for the next. Pass the version
        read before any of the data the answer shows, or None to cache nothing."""
        if version is None or getattr(request.accepted_renderer, "format", None) != "json":
            return None
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        self.answer_cache_key = f"{version}:{address}"
        kept = caches["answers"].get(self.answer_cache_key)
        if kept is None:
            return None
        self.answer_cache_key = None  # nothing new to keep
        content, content_type, last_modified = kept
        if last_modified is not None:
            self.last_modified = datetime.fromtimestamp(last_modified, tz=UTC)
        return HttpResponse(content, content_type=content_type)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
            return response
        if isinstance(response, Response):
            response.render()
            if self.answer_cache_key is not None:
                kept_modified = self.last_modified.timestamp() if self.last_modified else None
                caches["answers"].set(
                    self.answer_cache_key,
                    (response.content, response["Content-Type"], kept_modified),
                    ANSWER_CACHE_SECONDS,
                )
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        last_modified = self.last_modified
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(last_modified.timestamp()) if last_modified is not None else None,
            response=response,
        )
