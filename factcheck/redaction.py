"""Secrets kept out of log lines: API tokens in a URL's query (Google's clients send theirs as
`?key=`), passwords in URLs (`redis://:password@host`) and credential headers.

`redact` is the one rule. Django's and the Celery worker's logging apply it through the
`RedactSecrets` filter (settings LOGGING, factcheck.celery), gunicorn's access and error logs
through the logger class in gunicorn.conf.py.
"""

import logging
import re
from urllib.parse import unquote_plus

REDACTED = "[redacted]"

# A parameter or header is secret when its name, lower-cased and without separators, ends in
# one of these: key, api_key, apiKey, X-Api-Key, token, access_token, client_secret, password,
# Authorization, Cookie... A harmless name caught by it (pageToken, monkey) only loses its
# value in the logs.
_SECRET_NAME = re.compile(
    r"(key|token|secret|passw(or)?d|pwd|credentials?|signature|auth|authorization|cookie"
    r"|sessionid)$"
)
# name=value wherever it appears in a line: a query string, a URL, a form body, a message. The
# name may be percent-encoded (Django decodes `%6Bey=` into `key`).
_PAIR = re.compile(r"(?P<name>[\w.~%+\[\]-]+)=(?P<value>[^&;\s\"'#<>\\]+)")
# The password of user:password@ in a URL.
_USERINFO = re.compile(r"(?P<start>[A-Za-z][\w+.-]*://[^\s/:@]*):[^\s/@]+@")


def is_secret_name(name: str) -> bool:
    """Whether a query parameter, form field or header of this name carries a secret."""
    normalised = re.sub(r"[^a-z0-9]", "", unquote_plus(name).lower())
    return bool(_SECRET_NAME.search(normalised))


def redact(text: str) -> str:
    """`text` with the value of every secret name=value pair, and every password in a URL,
    replaced by [redacted]."""
    if "=" in text:
        text = _PAIR.sub(_redact_pair, text)
    if "@" in text:
        text = _USERINFO.sub(rf"\g<start>:{REDACTED}@", text)
    return text


def _redact_pair(match: re.Match) -> str:
    if is_secret_name(match["name"]):
        return f"{match['name']}={REDACTED}"
    return match[0]


class RedactSecrets(logging.Filter):
    """Redacts the message of every record it sees (and its traceback, whose exception
    messages may quote a URL). On a handler, it covers records from every logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: the handler reports it as usual
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def add_redaction(handler_or_logger: logging.Handler | logging.Logger) -> None:
    """Adds `RedactSecrets` to a handler or logger that does not have it yet."""
    if not any(isinstance(f, RedactSecrets) for f in handler_or_logger.filters):
        handler_or_logger.addFilter(RedactSecrets())
