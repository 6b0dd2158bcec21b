"""Corrections of published verdicts: a verdict may correct the published one on its claim
(`corrects`), with the editor's reason (`correction_note`) and the date of the claim's first
publication (`first_published_at`).

While a correction is worked on, its claim is back in review and its published verdict stays
public. Migration 0004's trigger on claims watched only published claims; it now also moves
the published-content version when a column clients are shown changes on a claim in any
state, so that a claim being corrected is covered. The column list is held to what clients
see by tests/reviews/test_published_version.py.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The trigger migration 0004 put on reviews_claim (its fourth watched entry, numbered 3).
_CLAIM_TRIGGER = "published_content_changed_3"
_PUBLISHED = "OLD.state = 'published' OR NEW.state = 'published'"
_SHOWN_COLUMNS = (
    "text",
    "claimant",
    "kind",
    "quantities",
    "article_id",
    "start",
    '"end"',
    "created_at",
)
_SHOWN_CHANGED = "({old}) IS DISTINCT FROM ({new})".format(
    old=", ".join(f"OLD.{column}" for column in _SHOWN_COLUMNS),
    new=", ".join(f"NEW.{column}" for column in _SHOWN_COLUMNS),
)


def _claim_trigger(condition: str) -> str:
    # As migration 0004 creates it: deferred to commit (see its note on locks).
    return (
        f"DROP TRIGGER IF EXISTS {_CLAIM_TRIGGER} ON reviews_claim; "
        f"CREATE CONSTRAINT TRIGGER {_CLAIM_TRIGGER} "
        "AFTER UPDATE ON reviews_claim DEFERRABLE INITIALLY DEFERRED "
        f"FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION published_content_changed();"
    )


def watch_claims_being_corrected(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_claim_trigger(f"{_PUBLISHED} OR {_SHOWN_CHANGED}"), params=None)


def watch_published_claims_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_claim_trigger(_PUBLISHED), params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0006_claim_checked_before'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='verdict',
            name='correction_note',
            field=models.TextField(blank=True, help_text="Why the earlier verdict was corrected, in the editor's words: published with the correction."),
        ),
        migrations.AddField(
            model_name='verdict',
            name='corrects',
            field=models.ForeignKey(blank=True, help_text='The published verdict this one corrects; empty for a first verdict.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='reviews.verdict'),
        ),
        migrations.AddField(
            model_name='verdict',
            name='first_published_at',
            field=models.DateTimeField(blank=True, help_text="For a correction: when the claim's first verdict was published.", null=True),
        ),
        migrations.AddConstraint(
            model_name='verdict',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('correction_note', ''), ('corrects__isnull', True), ('first_published_at', None)), models.Q(('corrects__isnull', False), ('first_published_at__isnull', False), models.Q(('correction_note', ''), _negated=True)), _connector='OR'), name='verdict_correction_complete'),
        ),
        migrations.RunPython(watch_claims_being_corrected, watch_published_claims_only),
    ]
