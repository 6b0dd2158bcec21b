"""Invariants that span tables, so no CHECK constraint can hold them: enforced by triggers.

- A claim's span must match its article's body: body[start:end] == text (offsets count
  characters, as Python does; substr() is 1-based).
- An article's body cannot change once claims point into it.
- Review events are an append-only audit trail.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION reviews_claim_span_matches_article() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM articles_article a
        WHERE a.id = NEW.article_id
          AND substr(a.body, NEW.start + 1, NEW."end" - NEW.start) = NEW.text
    ) THEN
        RAISE EXCEPTION 'claim span %-% does not match the text of article %',
            NEW.start, NEW."end", NEW.article_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claim_span_matches_article';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER claim_span_matches_article
    BEFORE INSERT OR UPDATE OF article_id, text, start, "end" ON reviews_claim
    FOR EACH ROW EXECUTE FUNCTION reviews_claim_span_matches_article();

CREATE OR REPLACE FUNCTION articles_body_frozen_with_claims() RETURNS trigger AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body
       AND EXISTS (SELECT 1 FROM reviews_claim c WHERE c.article_id = OLD.id) THEN
        RAISE EXCEPTION 'the body of article % cannot change: claims point into it', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'article_body_frozen_with_claims';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER article_body_frozen_with_claims
    BEFORE UPDATE OF body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_body_frozen_with_claims();

CREATE OR REPLACE FUNCTION reviews_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'review events are an audit trail: they cannot be changed or deleted'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'review_event_append_only';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER review_event_append_only
    BEFORE UPDATE OR DELETE ON reviews_reviewevent
    FOR EACH ROW EXECUTE FUNCTION reviews_event_append_only();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS review_event_append_only ON reviews_reviewevent;
DROP FUNCTION IF EXISTS reviews_event_append_only();
DROP TRIGGER IF EXISTS article_body_frozen_with_claims ON articles_article;
DROP FUNCTION IF EXISTS articles_body_frozen_with_claims();
DROP TRIGGER IF EXISTS claim_span_matches_article ON reviews_claim;
DROP FUNCTION IF EXISTS reviews_claim_span_matches_article();
"""

_SQLITE_SPAN_MISMATCH = """
    NOT EXISTS (
        SELECT 1 FROM articles_article a
        WHERE a.id = NEW.article_id
          AND substr(a.body, NEW.start + 1, NEW."end" - NEW.start) = NEW.text
    )
"""

# SQLite's test flush deletes rows, so there only edits of review events are refused.
SQLITE_FORWARD = [
    f"""CREATE TRIGGER claim_span_matches_article_insert BEFORE INSERT ON reviews_claim
    WHEN {_SQLITE_SPAN_MISMATCH}
    BEGIN SELECT RAISE(ABORT, 'claim span does not match the text of its article'); END;""",
    f"""CREATE TRIGGER claim_span_matches_article_update
    BEFORE UPDATE OF article_id, text, start, "end" ON reviews_claim
    WHEN {_SQLITE_SPAN_MISMATCH}
    BEGIN SELECT RAISE(ABORT, 'claim span does not match the text of its article'); END;""",
    """CREATE TRIGGER article_body_frozen_with_claims BEFORE UPDATE OF body ON articles_article
    WHEN NEW.body IS NOT OLD.body
         AND EXISTS (SELECT 1 FROM reviews_claim c WHERE c.article_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'the body of an article cannot change: claims point into it'); END;""",
    """CREATE TRIGGER review_event_append_only BEFORE UPDATE ON reviews_reviewevent
    BEGIN SELECT RAISE(ABORT, 'review events are an audit trail: they cannot be changed'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS review_event_append_only;",
    "DROP TRIGGER IF EXISTS article_body_frozen_with_claims;",
    "DROP TRIGGER IF EXISTS claim_span_matches_article_update;",
    "DROP TRIGGER IF EXISTS claim_span_matches_article_insert;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("articles", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
