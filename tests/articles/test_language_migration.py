"""Articles stored before language tags were kept in their conventional form are converted
by the migration that introduced it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("articles", "0002_article_removed_at")
AFTER = ("articles", "0003_article_language_conventional_tag")


@pytest.mark.django_db(transaction=True)
def test_stored_language_tags_are_converted_to_their_conventional_form():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_article = executor.loader.project_state([BEFORE]).apps.get_model("articles", "Article")
    declared = ["EN_gb", "pt_BR", "", "english!", "de", "zh-hant-tw"]
    for number, language in enumerate(declared):
        old_article.objects.create(
            source_url=f"https://news.example/{number}",
            content_hash=f"hash-{number}",
            language=language,
            title="A story",
            body="A story.",
            input_format="text",
        )

    executor = MigrationExecutor(connection)
    try:
        executor.migrate([AFTER])
        new_article = executor.loader.project_state([AFTER]).apps.get_model("articles", "Article")
        stored = list(new_article.objects.order_by("pk").values_list("language", flat=True))
    finally:
        # The tests after this one expect every migration applied.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert stored == ["en-GB", "pt-BR", "en", "en", "de", "zh-Hant-TW"]
