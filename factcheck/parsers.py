"""The API's one request parser: JSON read by orjson, no deeper than any request needs.

Python's `json` recurses once per nesting level, so a body of 50,000 opening brackets raised
RecursionError (a 500). orjson stops at 1,024 levels on its own, but a value 1,000 levels
deep still cannot be turned into text (`str()` recurses too) when an error message quotes it.
No request of this API nests more than a few levels, so anything deeper than MAX_JSON_DEPTH
is refused as unreadable, before any serializer sees it. orjson also refuses NaN and
Infinity, as REST framework's strict JSON did, and unpaired surrogates ("\\ud800"), which
no text column can hold.
"""

import orjson
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.renderers import JSONRenderer

MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    # A subclass of REST framework's, which it hands the body through Django's
    # `request.body`: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) unread.
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        body = stream.read()
        try:
            if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
                body = body.decode(encoding)
            data = orjson.loads(body)
        except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
            if "depth limit" in str(exc):
                raise _too_deep() from exc
            raise ParseError(f"The request body is not valid JSON: {exc}.") from exc
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise _too_deep()
        return data


def _too_deep() -> ParseError:
    return ParseError(
        f"The request body is nested more than {MAX_JSON_DEPTH} levels deep; "
        "no request of this API needs that."
    )


def _depth_exceeds(data, limit: int) -> bool:
    """Whether `data` nests lists or objects more than `limit` levels deep (without recursion:
    the point is to refuse what recursion cannot handle)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
