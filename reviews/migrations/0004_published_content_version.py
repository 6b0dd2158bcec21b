"""A version number for what clients can read about published verdicts.

Every change that can alter a published verdict's summary moves it on, from a trigger, so
that no code path (services, the admin, raw SQL, TRUNCATE) can forget to: a published
verdict appearing or leaving; a published claim changing; an article's title, byline,
publisher, date, language or address; evidence links; a source's fetch state; a username. Pages built for one
version are cached under it, and a new version makes them unreachable.

The value is taken from a sequence, so it never repeats, even when the transaction that
took it rolls back; the row holding it changes as the transaction commits, so readers see
the new version exactly when they can see the new data. PostgreSQL only: elsewhere nothing
is cached.
"""

from django.db import migrations

# (table, events, condition on the row or "" for any change)
_WATCHED = [
    ("reviews_verdict", "INSERT", "NEW.state = 'published'"),
    ("reviews_verdict", "UPDATE", "OLD.state = 'published' OR NEW.state = 'published'"),
    ("reviews_verdict", "DELETE", "OLD.state = 'published'"),
    ("reviews_claim", "UPDATE", "OLD.state = 'published' OR NEW.state = 'published'"),
    (
        "articles_article",
        "UPDATE",
        "(OLD.title, OLD.byline, OLD.publisher, OLD.published_at, OLD.language, "
        "OLD.source_url, OLD.canonical_url) IS DISTINCT FROM "
        "(NEW.title, NEW.byline, NEW.publisher, NEW.published_at, NEW.language, "
        "NEW.source_url, NEW.canonical_url)",
    ),
    ("reviews_evidencelink", "INSERT OR UPDATE OR DELETE", ""),
    ("sources_source", "UPDATE", "OLD.state IS DISTINCT FROM NEW.state"),
    ("auth_user", "UPDATE", "OLD.username IS DISTINCT FROM NEW.username"),
]
_TRUNCATED = [
    "reviews_verdict",
    "reviews_claim",
    "articles_article",
    "reviews_evidencelink",
    "sources_source",
    "auth_user",
]


def _row_trigger(index: int, table: str, events: str, condition: str) -> str:
    # Deferred to commit: the version row is then the last lock a transaction takes, held
    # only while it commits, so writers never wait on it for long (an extraction holding
    # it would hold every fetch) and no two of them can deadlock over it.
    when = f"WHEN ({condition})" if condition else ""
    return (
        f"CREATE CONSTRAINT TRIGGER published_content_changed_{index} "
        f"AFTER {events} ON {table} DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW {when} EXECUTE FUNCTION published_content_changed();"
    )


POSTGRES_FORWARD = "\n".join(
    [
        """
CREATE SEQUENCE published_content_version_seq;
-- From a random point, so that a database created anew (a test run, a rebuilt server)
-- does not reuse the versions of the one before, whose answers may still be cached.
SELECT setval('published_content_version_seq', 1 + floor(random() * 1e15)::bigint);
CREATE TABLE published_content_version (
    id integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO published_content_version VALUES (1, nextval('published_content_version_seq'));
CREATE OR REPLACE FUNCTION published_content_changed() RETURNS trigger AS $$
BEGIN
    UPDATE published_content_version SET version = nextval('published_content_version_seq')
     WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",
        *(_row_trigger(i, *watched) for i, watched in enumerate(_WATCHED)),
        *(
            f"CREATE TRIGGER published_content_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION published_content_changed();"
            for table in _TRUNCATED
        ),
    ]
)

POSTGRES_BACKWARD = "\n".join(
    [
        *(
            f"DROP TRIGGER IF EXISTS published_content_changed_{i} ON {table};"
            for i, (table, _events, _condition) in enumerate(_WATCHED)
        ),
        *(
            f"DROP TRIGGER IF EXISTS published_content_truncated ON {table};"
            for table in _TRUNCATED
        ),
        "DROP FUNCTION IF EXISTS published_content_changed();",
        "DROP TABLE IF EXISTS published_content_version;",
        "DROP SEQUENCE IF EXISTS published_content_version_seq;",
    ]
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_claim_settled_state_index"),
        ("articles", "0001_initial"),
        ("sources", "0002_fetch_started_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forward, backward)]
