"""Gunicorn's settings for the web process, read from the working directory (the project root)
or named with --config; options on the command line override them.

Access and error lines never carry a secret: an API token sent as `?key=` (Google's clients
do), in a Referer, or in a credential header that an access log format names.
"""

from gunicorn.glogging import Logger, SafeAtoms

from factcheck.redaction import REDACTED, add_redaction, is_secret_name, redact


class RedactingAtoms(SafeAtoms):
    """The fields of an access line, redacted as the line's format reads them (so only the
    fields it shows cost anything): the request line (`r`), the query (`q`), the path (`U`),
    the Referer (`f`) and any header or environ variable (`{name}i`, `{name}e`, `{name}o`)."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if not isinstance(value, str) or value == "-":  # "-": not in the request
            return value
        # `{authorization}i`, `{cookie}i`, `{x-api-key}i`, `{http_authorization}e`...
        if key.startswith("{") and is_secret_name(key[1 : key.rfind("}")]):
            return REDACTED
        return redact(value)


class RedactingLogger(Logger):
    atoms_wrapper_class = RedactingAtoms

    def setup(self, cfg):
        super().setup(cfg)
        # Access lines are redacted field by field above. Error lines can quote a request
        # too; on the logger rather than its handlers, a logconfig's handlers are covered.
        add_redaction(self.error_log)


logger_class = RedactingLogger
