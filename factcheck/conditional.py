"""Conditional GET for API reads: a strong ETag over the response body, Last-Modified when
the view knows it, and 304 Not Modified for a client that already has the same answer."""

import hashlib

from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import status
from rest_framework.response import Response


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [part.strip() for part in header.split(",")]
    return "*" in candidates or etag in candidates or f"W/{etag}" in candidates


class ConditionalGetMixin:
    """For DRF views. Set `self.last_modified` (an aware datetime) while building the answer
    to also send Last-Modified and honour If-Modified-Since."""

    last_modified = None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != status.HTTP_200_OK:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        last_modified = self.last_modified
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        if_none_match = request.headers.get("If-None-Match")
        not_modified = False
        if if_none_match:
            not_modified = _etag_matches(if_none_match, etag)
        elif last_modified is not None:
            since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
            not_modified = since is not None and int(last_modified.timestamp()) <= since
        if not_modified:
            unchanged = Response(status=status.HTTP_304_NOT_MODIFIED)
            unchanged["ETag"] = etag
            if last_modified is not None:
                unchanged["Last-Modified"] = response["Last-Modified"]
            return super().finalize_response(request, unchanged, *args, **kwargs)
        return response
