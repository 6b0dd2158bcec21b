from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import demo_users_ensure
from articles.services import article_submit_content
from reviews.models import ClaimState

DEMO_ARTICLE = (
    Path(__file__).resolve().parents[2]
    / "demo"
    / "global-research-2015-10-09-russia-syria-offensive.md"
)


class Command(BaseCommand):
    help = (
        "Load demo data: one user per role and an example article with its claims. Safe to rerun."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            users = demo_users_ensure()
        article, created = article_submit_content(
            content=DEMO_ARTICLE.read_text(encoding="utf-8"),
            input_format="markdown",
        )
        verb = "Loaded" if created else "Already loaded"
        queued = article.claims.filter(state=ClaimState.QUEUED).count()
        self.stdout.write(
            f"{verb} demo article {article.pk}: {article.title!r} "
            f"({article.claims.count()} claims, {queued} in the review queue)."
        )
        self.stdout.write("Demo users (username / role / password):")
        for username, role, password in users:
            self.stdout.write(f"  {username:<10} {role:<13} {password}")
