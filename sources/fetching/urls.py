"""Reading, checking and normalising the URLs the fetcher is given. No network access here."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import idna

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say where a click came from; two URLs differing in them are one source.
TRACKING_PARAMETER_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "_ga",
        "_gl",
    }
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Whitespace, control characters and backslashes are read differently by different URL parsers
# (a browser turns "\" into "/"); refusing them keeps "the host we checked" unambiguous.
_AMBIGUOUS_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\]")
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_HEX_NUMBER = re.compile(r"^0[xX][0-9a-fA-F]*$")
# Characters left alone when percent-encoding a path or query: URL delimiters and existing
# escapes, so an already-encoded URL is sent exactly as given.
_SAFE_IN_PATH_AND_QUERY = "/:@!$&'()*+,;=?%~[]"


class InvalidURLError(ValueError):
    """The URL cannot be fetched whatever the network says. The message is for whoever gave it."""


class UnsupportedSchemeError(InvalidURLError):
    """The URL is well formed but not http or https."""


def _check_length(length: int, *, once_encoded: bool) -> None:
    # The limit applies to the URL as stored and sent, percent-encoded: a path of 700
    # non-ASCII characters is 2,100 characters on the wire, more than the columns hold.
    if length > MAX_URL_LENGTH:
        encoded = " once percent-encoded" if once_encoded else ""
        raise InvalidURLError(
            f"The URL is too long: {length:,} characters{encoded}, and no URL may be longer "
            f"than {MAX_URL_LENGTH}. Link to a shorter address of the same page."
        )


@dataclass(frozen=True)
class FetchTarget:
    """One URL taken apart, its host in the one spelling that is checked and connected to."""

    scheme: str
    host: str
    """Lowercase ASCII (IDNA) name, dotted-decimal IPv4, or compressed IPv6 without brackets."""
    port: int
    address: IPAddress | None
    """Set when the host is an IP address literal, in whatever spelling it was written."""
    path: str
    query: str

    @property
    def url(self) -> str:
        return urlunsplit((self.scheme, self.netloc, self.path or "/", self.query, ""))

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if isinstance(self.address, ipaddress.IPv6Address) else self.host
        if self.port == DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"

    @property
    def request_target(self) -> str:
        path = self.path or "/"
        return f"{path}?{self.query}" if self.query else path


def parse_fetch_target(url: str) -> FetchTarget:
    """Take `url` apart for fetching, or raise InvalidURLError saying what is wrong with it."""
    if not isinstance(url, str):
        raise InvalidURLError("The URL must be text.")
    url = url.strip()
    if not url:
        raise InvalidURLError("The URL is empty.")
    _check_length(len(url), once_encoded=False)
    if _AMBIGUOUS_CHARACTERS.search(url):
        raise InvalidURLError(
            "The URL contains spaces, control characters or backslashes; "
            "percent-encode them or remove them."
        )
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURLError(f"The URL could not be read ({exc}).") from exc

    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURLError("The URL must start with http:// or https://.")
    if scheme not in DEFAULT_PORTS:
        raise UnsupportedSchemeError(
            f"Only http:// and https:// URLs can be fetched, not {scheme}:// ones."
        )
    if "@" in parts.netloc:
        raise InvalidURLError(
            "URLs with a user name or password in them are not accepted; remove the part "
            "before '@'."
        )
    if not parts.hostname:
        raise InvalidURLError("The URL has no host name.")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError("The port in the URL is not a number from 1 to 65535.") from exc
    if port == 0:
        raise InvalidURLError("The port in the URL is not a number from 1 to 65535.")

    host, address = _normalise_host(parts.hostname, bracketed=parts.netloc.find("[") != -1)
    target = FetchTarget(
        scheme=scheme,
        host=host,
        port=port or DEFAULT_PORTS[scheme],
        address=address,
        path=quote(parts.path, safe=_SAFE_IN_PATH_AND_QUERY),
        query=quote(parts.query, safe=_SAFE_IN_PATH_AND_QUERY),
    )
    fragment = quote(parts.fragment, safe=_SAFE_IN_PATH_AND_QUERY)
    _check_length(len(target.url) + (len(fragment) + 1 if fragment else 0), once_encoded=True)
    return target


def validate_fetchable_url(url: str) -> str:
    """Return `url` without surrounding whitespace if it could be fetched as far as its syntax
    goes (http or https, a host, a valid port, at most MAX_URL_LENGTH characters as given and
    once percent-encoded).

    Raises InvalidURLError (a ValueError) with a message meant for the person who typed the URL.
    Does not look the host up or apply the address policy: that happens when fetching.
    """
    parse_fetch_target(url)
    return url.strip()


def normalize_url(url: str) -> str:
    """The one spelling of `url` used to recognise the same source cited twice.

    Lowercases scheme and host, writes the host in IDNA (and IP addresses in their usual
    notation), drops the default port, the fragment and click-tracking parameters, and keeps
    path and remaining query as they were. Raises InvalidURLError like validate_fetchable_url.
    """
    target = parse_fetch_target(url)
    query = "&".join(
        pair for pair in target.query.split("&") if pair and not _is_tracking_parameter(pair)
    )
    return urlunsplit((target.scheme, target.netloc, target.path or "/", query, ""))


def address_text(address: IPAddress) -> str:
    """An IP address as people write it, IPv4-mapped IPv6 included (::ffff:10.0.0.1)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed


def _is_tracking_parameter(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PARAMETER_PREFIXES)


def _normalise_host(hostname: str, *, bracketed: bool) -> tuple[str, IPAddress | None]:
    if bracketed:
        if "%" in hostname:
            raise InvalidURLError("IPv6 addresses with a zone index cannot be fetched.")
        try:
            address = ipaddress.IPv6Address(hostname)
        except ValueError as exc:
            raise InvalidURLError(f"'{hostname}' is not a valid IPv6 address.") from exc
        return address_text(address), address

    host = hostname.rstrip(".")
    if not host:
        raise InvalidURLError("The URL has no host name.")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as exc:
            raise InvalidURLError(f"'{hostname}' is not a valid host name.") from exc
    host = host.lower()

    labels = host.split(".")
    if _is_number(labels[-1]):
        # Browsers and most resolvers read "2130706433", "0x7f.1" and "017.0.0.1" as IPv4;
        # read them the same way so the address checked is the address reached.
        address = _parse_ipv4(labels, original=hostname)
        return str(address), address
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise InvalidURLError(f"'{hostname}' is not a valid host name.")
    return host, None


def _is_number(label: str) -> bool:
    return (label.isascii() and label.isdigit()) or bool(_HEX_NUMBER.match(label))


def _parse_ipv4(labels: list[str], *, original: str) -> ipaddress.IPv4Address:
    """Read an IPv4 address the way the WHATWG URL standard does (1 to 4 parts, each decimal,
    octal with a leading 0, or hexadecimal with 0x; the last part fills the remaining bytes)."""
    invalid = InvalidURLError(f"'{original}' looks like an IPv4 address but is not a valid one.")
    if len(labels) > 4:
        raise invalid
    try:
        numbers = [_parse_ipv4_number(label) for label in labels]
    except ValueError as exc:
        raise invalid from exc
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        raise invalid
    value = last
    for index, number in enumerate(leading):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _parse_ipv4_number(label: str) -> int:
    if not label:
        raise ValueError("empty part")
    if label[:2].lower() == "0x":
        digits, radix, allowed = label[2:], 16, "0123456789abcdefABCDEF"
    elif len(label) > 1 and label.startswith("0"):
        digits, radix, allowed = label[1:], 8, "01234567"
    else:
        digits, radix, allowed = label, 10, "0123456789"
    if not digits:
        return 0
    # int() would also accept "_", "+" and surrounding spaces, which are not address digits.
    if any(character not in allowed for character in digits):
        raise ValueError(f"not a number: {label}")
    return int(digits, radix)
