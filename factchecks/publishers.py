"""Fact-checking publishers this service knows, by the site their reviews live on.

What is known about a publisher changes how its items are read:

- `name`: the one name used for it, whatever byline an item carries (Africa Check's markup
  names the writer as the author; TFC Taiwan's names the centre in Chinese).
- `numbers_by_truth`: its `ratingValue` runs from `worstRating` (false) to `bestRating`
  (true), as seen in its published markup. Only then may a rating be read from the numbers:
  Agência Lupa publishes "Falso" as 4 of 6, and BOOM "False" as 1 of 5 with no worst rating.
- `labels`: textual ratings that mean something particular at this publisher, read before
  the shared lexicon (`factchecks.lexicon`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from .models import CanonicalRating

R = CanonicalRating


@dataclass(frozen=True)
class KnownPublisher:
    name: str
    site: str
    """A host name without www., with a path prefix when the desk is part of a larger site."""
    numbers_by_truth: bool = False
    labels: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), hash=False, compare=False
    )

    @property
    def home(self) -> str:
        """Where relative review URLs of this publisher are resolved."""
        host = self.site.split("/", 1)[0]
        return f"https://{'www.' if host.count('.') == 1 else ''}{host}"


KNOWN_PUBLISHERS: tuple[KnownPublisher, ...] = (
    KnownPublisher("AFP Fact Check", "factcheck.afp.com", numbers_by_truth=True),
    KnownPublisher("AFP Factuel", "factuel.afp.com", numbers_by_truth=True),
    KnownPublisher("AFP Faktencheck", "faktencheck.afp.com", numbers_by_truth=True),
    KnownPublisher("AFP Factual", "factual.afp.com", numbers_by_truth=True),
    KnownPublisher("AFP Checamos", "checamos.afp.com", numbers_by_truth=True),
    KnownPublisher(
        "Africa Check",
        "africacheck.org",
        labels={"exaggerated": R.MOSTLY_FALSE, "downplayed": R.MOSTLY_FALSE},
    ),
    KnownPublisher("India Today", "indiatoday.in", numbers_by_truth=True),
    KnownPublisher("Vishvas News", "vishvasnews.com", numbers_by_truth=True),
    KnownPublisher("BOOM", "boomlive.in"),
    KnownPublisher("FactCheckZW", "factcheck.cite.org.zw"),
    KnownPublisher(
        "Agência Lupa",
        "piaui.folha.uol.com.br/lupa",
        labels={
            "verdadeiro, mas": R.MOSTLY_TRUE,
            "ainda é cedo para dizer": R.UNPROVEN,
            "de olho": R.OTHER,
            "subestimado": R.MOSTLY_FALSE,
        },
    ),
    KnownPublisher("Agência Lupa", "lupa.uol.com.br"),
    KnownPublisher(
        "Taiwan FactCheck Center",
        "tfc-taiwan.org.tw",
        labels={"事實釐清": R.OTHER, "部分錯誤": R.MIXED},
    ),
    KnownPublisher("dpa Faktencheck", "dpa-factchecking.com"),
    KnownPublisher("dpa Faktencheck", "presseportal.de/pm/133833"),
    KnownPublisher(
        "PolitiFact",
        "politifact.com",
        labels={
            "barely true": R.MOSTLY_FALSE,
            "pants fire": R.FALSE,
            # The Flip-O-Meter rates consistency, not truth.
            "full flop": R.OTHER,
            "half flip": R.OTHER,
            "no flip": R.OTHER,
        },
    ),
    KnownPublisher(
        "Snopes",
        "snopes.com",
        labels={
            "legend": R.UNPROVEN,
            "misattributed": R.FALSE,
            "correct attribution": R.TRUE,
            "miscaptioned": R.MISLEADING,
            "outdated": R.OTHER,
        },
    ),
    KnownPublisher("FactCheck.org", "factcheck.org"),
    KnownPublisher("Full Fact", "fullfact.org"),
    KnownPublisher("Lead Stories", "leadstories.com"),
    KnownPublisher("The Washington Post Fact Checker", "washingtonpost.com"),
    KnownPublisher("AP Fact Check", "apnews.com"),
    KnownPublisher("Reuters Fact Check", "reuters.com"),
    KnownPublisher("USA Today Fact Check", "usatoday.com"),
    KnownPublisher("Check Your Fact", "checkyourfact.com"),
    KnownPublisher("Health Feedback", "healthfeedback.org"),
    KnownPublisher("Science Feedback", "sciencefeedback.co"),
    KnownPublisher("Logically Facts", "logicallyfacts.com"),
    KnownPublisher("Chequeado", "chequeado.com"),
    KnownPublisher("Maldita.es", "maldita.es"),
    KnownPublisher("Newtral", "newtral.es"),
    KnownPublisher("Aos Fatos", "aosfatos.org"),
    KnownPublisher("Estadão Verifica", "estadao.com.br/estadao-verifica"),
    KnownPublisher("CORRECTIV.Faktencheck", "correctiv.org"),
    KnownPublisher(
        "Pagella Politica",
        "pagellapolitica.it",
        labels={
            "panzana pazzesca": R.FALSE,
            "pinocchio andante": R.MOSTLY_FALSE,
            "nì": R.MIXED,
            "c'eri quasi": R.MOSTLY_TRUE,
        },
    ),
    KnownPublisher("Facta", "facta.news"),
    KnownPublisher("Les Décodeurs", "lemonde.fr/les-decodeurs"),
    KnownPublisher("Alt News", "altnews.in"),
    KnownPublisher("Factly", "factly.in"),
    KnownPublisher("Newschecker", "newschecker.in"),
    KnownPublisher("Webqoof", "thequint.com/news/webqoof"),
    KnownPublisher("MyGoPen", "mygopen.com"),
    KnownPublisher("Teyit", "teyit.org"),
    KnownPublisher("StopFake", "stopfake.org"),
    KnownPublisher("Misbar", "misbar.com"),
    KnownPublisher("Fatabyyano", "fatabyyano.net"),
    KnownPublisher("Turn Back Hoax", "turnbackhoax.id"),
    KnownPublisher("Tempo Cek Fakta", "cekfakta.tempo.co"),
    KnownPublisher("PesaCheck", "pesacheck.org"),
    KnownPublisher("Dubawa", "dubawa.org"),
    KnownPublisher("VERA Files", "verafiles.org"),
    KnownPublisher("Rappler", "rappler.com"),
)

_BY_SITE = {publisher.site: publisher for publisher in KNOWN_PUBLISHERS}
_BY_NAME = {publisher.name.casefold(): publisher for publisher in KNOWN_PUBLISHERS}

# The CLEF CheckThat! collections name the fact-checker in each vclaim_id
# (vclaim-sno-..., vclaim-pol-...); the 2020 collection, numbered only, is all Snopes.
CLEF_ID_PREFIXES = {"sno": "snopes.com", "pol": "politifact.com"}
CLEF_2020_SITE = "snopes.com"


def site_of(url: str) -> tuple[str, str]:
    """Host (lowercase, without www. and port) and path of `url`; a URL written without
    its scheme ("factcheck.cite.org.zw") counts as one on that host."""
    text = (url or "").strip()
    if not text:
        return "", ""
    if "://" not in text and not text.startswith("//"):
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", ""
    if host.startswith("www."):
        host = host[4:]
    return host, parts.path or ""


def known_publisher(*, host: str, path: str = "") -> KnownPublisher | None:
    """The known publisher whose reviews live at `host` and `path`: a desk on a path of a
    larger site first, then the host, then the domains it belongs to."""
    if not host:
        return None
    segments = [segment for segment in path.split("/") if segment]
    for count in range(min(len(segments), 3), 0, -1):
        found = _BY_SITE.get(host + "/" + "/".join(segments[:count]))
        if found:
            return found
    labels = host.split(".")
    for start in range(len(labels) - 1):
        found = _BY_SITE.get(".".join(labels[start:]))
        if found:
            return found
    return None


def known_publisher_by_site(site: str) -> KnownPublisher | None:
    return _BY_SITE.get(site)


def known_publisher_named(name: str) -> KnownPublisher | None:
    return _BY_NAME.get(name.strip().casefold())
