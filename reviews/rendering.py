"""HTML for the pages built from stored text: an article body with its claims marked, and
verdict rationales written in Markdown.

Article, claim and evidence text comes from anywhere on the web, so every piece of it is
escaped here before it is joined with markup; Markdown is rendered without raw HTML and then
passed through an allowlist sanitizer.
"""

from collections.abc import Callable, Iterable

import nh3
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from .models import Claim

# --- the article body with its claims marked -------------------------------------------------


def _spans_to_mark(claims: Iterable[Claim], current_id: int | None, length: int) -> list[Claim]:
    """Claims whose spans do not overlap, the current claim first among equals: a span
    that overlaps one already chosen stays unmarked (it is still listed elsewhere)."""
    ordered = sorted(claims, key=lambda c: (c.pk != current_id, c.start, -c.end))
    chosen: list[Claim] = []
    for claim in ordered:
        if not 0 <= claim.start < claim.end <= length:
            continue
        if any(claim.start < other.end and other.start < claim.end for other in chosen):
            continue
        chosen.append(claim)
    return sorted(chosen, key=lambda c: c.start)


def marked_up_body(
    body: str,
    claims: Iterable[Claim],
    *,
    current_id: int | None = None,
    href: Callable[[Claim], str] | None = None,
) -> SafeString:
    """`body` as HTML with each claim in a <mark>; the claim `current_id` is highlighted and
    the others link to `href(claim)` when given.

    The links are left out of the Tab order: an article holds dozens of claims, and Tab
    would stop at each on its way through the page. The page that shows the body offers
    the keyboard its own way to them (the article page's claims table, the workspace's
    previous and next claim)."""
    parts: list[str] = []
    cursor = 0
    for claim in _spans_to_mark(claims, current_id, len(body)):
        parts.append(escape(body[cursor : claim.start]))
        text = body[claim.start : claim.end]
        label = f"{claim.get_kind_display()} claim, {claim.get_state_display().lower()}"
        if claim.pk == current_id:
            parts.append(
                format_html(
                    '<mark class="claim claim-current" id="claim-{}" title="{}">{}</mark>',
                    claim.pk,
                    "This claim",
                    text,
                )
            )
        elif href is not None:
            parts.append(
                format_html(
                    '<a class="claim-link" href="{}" tabindex="-1">'
                    '<mark class="claim claim-{}" id="claim-{}" '
                    'title="{}">{}</mark></a>',
                    href(claim),
                    claim.state,
                    claim.pk,
                    label,
                    text,
                )
            )
        else:
            parts.append(
                format_html(
                    '<mark class="claim claim-{}" id="claim-{}" title="{}">{}</mark>',
                    claim.state,
                    claim.pk,
                    label,
                    text,
                )
            )
        cursor = claim.end
    parts.append(escape(body[cursor:]))
    # Every piece above was escaped or built by format_html, which escapes its arguments.
    return mark_safe("".join(parts))


# --- Markdown ------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# Table cells lose their alignment (a style attribute, which the page's CSP would refuse).
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

# Raw HTML in the source is shown as text, never passed through. GitHub-style tables are
# on: a rationale often sets figures side by side.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def _demote_top_headings(tokens) -> None:
    # A rationale sits under the verdict's own headline, so its "#" and "##" become sub-headings
    # instead of vanishing in the sanitizer.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag in ("h1", "h2"):
            token.tag = "h3"


def markdown_html(source: str) -> SafeString:
    """Markdown rendered to HTML that holds only allowlisted tags, attributes and URL schemes."""
    tokens = _markdown.parse(source or "")
    _demote_top_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # nh3 removed everything outside the allowlist; what is left is safe to embed.
    return mark_safe(cleaned)
