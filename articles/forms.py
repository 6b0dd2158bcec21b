"""The ingest form. It checks the shape of what was pasted; the ingest services decide whether
it is an article."""

from django import forms

from factcheck.fields import FormChoiceField

from .models import Article

MAX_CONTENT_CHARS = 2_000_000

INPUT_FORMATS = [
    (Article.InputFormat.TEXT, "Plain text"),
    (Article.InputFormat.MARKDOWN, "Markdown"),
    (Article.InputFormat.HTML, "HTML"),
    (Article.InputFormat.URL, "A URL to fetch"),
]


class IngestForm(forms.Form):
    input_format = FormChoiceField(
        label="What you are adding",
        choices=INPUT_FORMATS,
        initial=Article.InputFormat.TEXT,
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label="The article",
        required=False,
        max_length=MAX_CONTENT_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
    # Checked by the ingest services with the one URL rule (sources.fetching.urls), whose
    # refusal this page shows above the form; no length here, or a URL too long as typed
    # would get another message than one too long once percent-encoded.
    url = forms.CharField(
        label="URL",
        required=False,
        help_text="The page to fetch; for pasted content, where it was published (optional).",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    title = forms.CharField(required=False, max_length=2000)
    publisher = forms.CharField(required=False, max_length=300)
    author = forms.CharField(required=False, max_length=500)
