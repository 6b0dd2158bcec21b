"""PostgreSQL, with the repeated queries of chosen reads prepared on the server, and a
connection health check that needs no round trip.

PostgreSQL plans every query it is sent as text. For the busiest reads the plan cost more
than running it: 0.7 of 1.0 ms for a page of published verdicts, measured. Inside
`repeated_queries_prepared()`, a SELECT whose text (placeholders and all) this connection
has already run once is prepared under a name the second time and executed by name from
then on, so it is planned once per connection. psycopg 3 does this by itself; this
project uses psycopg2.

A query PostgreSQL cannot prepare (a placeholder whose type it cannot infer, say) runs as
text from then on; inside a transaction the attempt is made under a savepoint, so a refusal
does not abort it. Each connection keeps at most `MAX_PREPARED` statements.

Django checks a persistent connection before each request's first query
(`CONN_HEALTH_CHECKS`) by sending `SELECT 1`: a round trip on every request (90 us on a
loopback, more to a database on another host). A server ending a session (a restart,
`pg_terminate_backend`, an idle timeout) says so on the socket before closing it, and an
idle session is sent nothing else, so a socket with nothing to read is taken as healthy;
only one with something waiting gets Django's round trip.

Kept because it pays: building a page of 50 published verdicts for an API client costs
10.3-11.7 ms of CPU (the web process's and its PostgreSQL backend's, summed over 400
requests) with this backend against 12.9-13.7 ms with Django's own, about 13% less
(`bench/api.py`'s data, measured in one process so that other load on the machine does
not count).
"""

import contextvars
import hashlib
import re
import select
import weakref
from collections import OrderedDict
from contextlib import contextmanager

import psycopg2
from django.conf import settings
from django.db.backends.postgresql import base

MAX_PREPARED = 100
_MAX_REMEMBERED = 1000
_PLACEHOLDER = re.compile(r"%([s%])")
_preparing = contextvars.ContextVar("prepare_repeated_queries", default=False)
_by_connection: "weakref.WeakKeyDictionary[object, _Statements]" = weakref.WeakKeyDictionary()


@contextmanager
def repeated_queries_prepared():
    """Within this block, SELECTs run a second time on a connection are prepared."""
    token = _preparing.set(True)
    try:
        yield
    finally:
        _preparing.reset(token)


class _Statements:
    """One connection's queries: those seen once, those prepared (by name), those refused."""

    def __init__(self):
        self.seen: set[str] = set()
        self.prepared: OrderedDict[str, str] = OrderedDict()
        self.refused: set[str] = set()


class _PreparingCursor(psycopg2.extensions.cursor):
    def execute(self, query, vars=None):
        if (
            not _preparing.get()
            or not isinstance(query, str)
            or not query.startswith("SELECT")
            or isinstance(vars, dict)
        ):
            return super().execute(query, vars)
        statements = _by_connection.setdefault(self.connection, _Statements())
        name = statements.prepared.get(query)
        if name is not None:
            statements.prepared.move_to_end(query)
        elif query in statements.refused or query not in statements.seen:
            if len(statements.seen) >= _MAX_REMEMBERED:
                statements.seen.clear()
            statements.seen.add(query)
            return super().execute(query, vars)
        else:
            name = self._prepare(statements, query)
            if name is None:
                return super().execute(query, vars)
        values = list(vars or ())
        arguments = f" ({', '.join(['%s'] * len(values))})" if values else ""
        return super().execute(f"EXECUTE {name}{arguments}", values or None)

    def _prepare(self, statements: _Statements, query: str) -> str | None:
        position = 0

        def numbered(match):
            nonlocal position
            if match.group(1) == "%":
                return "%"
            position += 1
            return f"${position}"

        name = "q_" + hashlib.sha256(query.encode()).hexdigest()[:24]
        text = f"PREPARE {name} AS {_PLACEHOLDER.sub(numbered, query)}"
        status = self.connection.get_transaction_status()
        if status == psycopg2.extensions.TRANSACTION_STATUS_INERROR:
            return None  # the query itself will report the failed transaction
        in_transaction = not self.connection.autocommit
        if in_transaction:
            super().execute("SAVEPOINT prepare_repeated")
        try:
            super().execute(text)
        except psycopg2.Error:
            if in_transaction:
                super().execute("ROLLBACK TO SAVEPOINT prepare_repeated")
            statements.refused.add(query)
            return None
        finally:
            if in_transaction:
                super().execute("RELEASE SAVEPOINT prepare_repeated")
        statements.prepared[query] = name
        while len(statements.prepared) > MAX_PREPARED:
            _oldest, oldest_name = statements.prepared.popitem(last=False)
            super().execute(f"DEALLOCATE {oldest_name}")
        return name


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        if name:  # server-side cursors for .iterator(): left as they are
            return super().create_cursor(name)
        cursor = self.connection.cursor(cursor_factory=_PreparingCursor)
        cursor.tzinfo_factory = self.tzinfo_factory if settings.USE_TZ else None
        return cursor

    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(self.connection.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError, psycopg2.Error):
            return False
        return not waiting or super().is_usable()
