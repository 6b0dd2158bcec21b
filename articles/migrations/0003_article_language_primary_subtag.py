"""Articles keep the primary subtag of their language tag, in lower case: rows stored before
kept what the page declared ("en-US", "PT_br"), which the queue's language filter and
claims:search did not match."""

import re

from django.db import migrations

# As factcheck.languages.primary_language, frozen here.
_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
BATCH = 2000


def to_primary_subtag(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    changed = []
    for pk, language in Article.objects.values_list("pk", "language").iterator(chunk_size=BATCH):
        match = _TAG.match((language or "").strip())
        wanted = match.group(1).lower() if match else "en"
        if wanted != language:
            changed.append(Article(pk=pk, language=wanted))
        if len(changed) >= BATCH:
            Article.objects.bulk_update(changed, ["language"])
            changed = []
    Article.objects.bulk_update(changed, ["language"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_article_removed_at")]

    operations = [migrations.RunPython(to_primary_subtag, migrations.RunPython.noop)]
