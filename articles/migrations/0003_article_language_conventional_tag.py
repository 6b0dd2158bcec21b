"""Articles keep their language tag in its conventional form ("PT_br" is "pt-BR"): rows
stored before kept what the page wrote, which the queue's language filter and claims:search,
comparing "-"-separated tags, did not match."""

import re

from django.db import migrations

# As factcheck.languages.language_tag, frozen here.
_TAG = re.compile(r"^([a-zA-Z]{2,3})((?:[-_][a-zA-Z0-9]{1,8})*)$")
MAX_TAG_LENGTH = 16
BATCH = 2000


def conventional_tag(tag: str) -> str:
    match = _TAG.match(tag.strip())
    if not match:
        return ""
    parts = [match.group(1).lower()]
    for subtag in re.split(r"[-_]", match.group(2))[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            subtag = subtag.title()
        elif len(subtag) == 2 and subtag.isalpha():
            subtag = subtag.upper()
        else:
            subtag = subtag.lower()
        if len("-".join([*parts, subtag])) > MAX_TAG_LENGTH:
            break
        parts.append(subtag)
    while len(parts) > 1 and len(parts[-1]) == 1:
        parts.pop()
    return "-".join(parts)


def to_conventional_tags(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    # In pages of ids, each read before it is written: SQLite does not isolate a read still
    # in progress from writes on the same connection.
    last = 0
    while True:
        rows = list(
            Article.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "language")[:BATCH]
        )
        if not rows:
            return
        last = rows[-1][0]
        changed = []
        for pk, language in rows:
            wanted = conventional_tag(language or "") or "en"
            if wanted != language:
                changed.append(Article(pk=pk, language=wanted))
        Article.objects.bulk_update(changed, ["language"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_article_removed_at")]

    operations = [migrations.RunPython(to_conventional_tags, migrations.RunPython.noop)]
