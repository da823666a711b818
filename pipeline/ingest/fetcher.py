"""Polite, bounded HTTP fetching of publications.

Publishers' servers are other people's machines and their responses are
untrusted input, so every fetch:

- sends an identifying User-Agent and honours robots.txt (RFC 9309: a 4xx
  robots.txt allows everything, a 5xx or unreachable one disallows everything);
- waits between requests to the same host;
- sends conditional requests (ETag, Last-Modified) when it has seen the URL before;
- retries with backoff on transient failures (time-outs, 429 with Retry-After, 5xx)
  and never on terminal ones (other 4xx, refused addresses, oversized bodies);
- is bounded by one overall deadline per URL, across retries and redirects, that
  covers connecting, the headers and the body (httpx's timeouts bound each read, not
  the whole response: a server dripping a byte every half second would hold a worker
  for ever; see :mod:`.deadline`) and by a cap on the decoded size (a gzip bomb stops
  at the cap);
- goes only to http and https URLs whose addresses, after DNS resolution and on
  every redirect, are public — unless ``allow_private`` is set for local use and tests.

Error messages are written for the people who read the ``fetches`` and ``documents``
tables: the HTTP status with its plain reason, or what went wrong on the connection.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from pipeline import __version__
from pipeline.errors import FetchError, TerminalError
from .deadline import DeadlineClock, deadline_transport

USER_AGENT = f"thb-pipeline/{__version__} (anti-trafficking policy monitoring; bot)"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchRefused(TerminalError):
    """The fetch must not or cannot succeed as asked: retrying will not help."""

    reason = "fetch_failed"


class BlockedAddress(FetchRefused):
    """A URL whose scheme or address is not allowed (server-side request forgery guard)."""

    reason = "ssrf_blocked"


class TooLarge(FetchRefused):
    reason = "too_large"


ROBOTS_MAX_BYTES = 500 << 10  # RFC 9309 asks crawlers to parse at least 500 KiB; the rest is ignored


@dataclass
class FetchPolicy:
    user_agent: str = USER_AGENT
    deadline_s: float = 60.0
    connect_timeout_s: float = 10.0
    max_bytes: int = 100 << 20
    max_redirects: int = 5
    retries: int = 3
    backoff_s: float = 1.0
    max_retry_after_s: float = 120.0
    min_interval_s: float = 1.0  # between requests to one host
    # True allows every private address; a set of "host:port" allows just those (tests, intranets)
    allow_private: bool | frozenset[str] = False
    respect_robots: bool = True


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int  # 200 with a body, 304 when unchanged
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None
    fetched_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def check_address(url: str, *, allow_private: bool | frozenset[str]) -> None:
    """Refuse non-http(s) URLs and hosts that resolve to private, loopback or link-local addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress(f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'}: {url}")
    if not parts.hostname:
        raise FetchRefused(f"no host in URL {url}")
    if allow_private is True or (allow_private and parts.netloc in allow_private):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except socket.gaierror as error:
        raise FetchError(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        _refuse_private(parts.hostname, info[4][0], "resolves to")


def _refuse_private(host: str, address_text: str, how: str) -> None:
    address = ipaddress.ip_address(address_text.split("%", 1)[0])
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if not address.is_global:
        raise BlockedAddress(f"{host} {how} the non-public address {address}; "
                             "set allow_private to fetch from local or private networks")


def check_peer(response, url: str, *, allow_private: bool | frozenset[str]) -> None:
    """Refuse a response whose connected peer is private: DNS may answer differently after the check."""
    parts = urlsplit(url)
    if allow_private is True or (allow_private and parts.netloc in allow_private):
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        _refuse_private(parts.hostname or "", peer[0], "connected to")


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Fetcher:
    """Fetch URLs under one :class:`FetchPolicy`; keeps robots.txt and per-host timing."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        import httpx

        self.policy = policy or FetchPolicy()
        self._clock = DeadlineClock()
        timeout = httpx.Timeout(self.policy.deadline_s, connect=self.policy.connect_timeout_s)
        self._client = httpx.Client(follow_redirects=False, timeout=timeout, transport=deadline_transport(self._clock),
                                    headers={"User-Agent": self.policy.user_agent})
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_failures: dict[str, str] = {}  # root -> why its robots.txt could not be read
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch ``url`` within one deadline, retrying transient failures; raises FetchError or FetchRefused."""
        with self._clock.running(self.policy.deadline_s):
            attempt = 0
            while True:
                try:
                    return self._get_once(url, etag=etag, last_modified=last_modified)
                except FetchError as error:
                    attempt += 1
                    pause = min(getattr(error, "retry_after", None) or self.policy.backoff_s * 2 ** (attempt - 1),
                                self.policy.max_retry_after_s)
                    if attempt > self.policy.retries or self._clock.expired():
                        raise
                    if pause >= self._clock.remaining():
                        raise FetchError(f"{error}; no time is left for another try within the "
                                         f"{self.policy.deadline_s:g} s deadline") from error
                    time.sleep(pause)

    def _get_once(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            check_address(current, allow_private=self.policy.allow_private)
            if self.policy.respect_robots and not self._robots_allow(current):
                raise FetchRefused(self._robots_refusal(current))
            self._wait_turn(current)
            result = self._request(url, current, headers)
            if isinstance(result, FetchResult):
                return result
            current = result  # a redirect target
        raise FetchRefused(f"more than {self.policy.max_redirects} redirects from {url}")

    def _request(self, url: str, current: str, headers: dict) -> FetchResult | str:
        import httpx

        try:
            with self._client.stream("GET", current, headers=headers) as response:
                check_peer(response, current, allow_private=self.policy.allow_private)
                if response.is_redirect and "location" in response.headers:
                    return urljoin(current, response.headers["location"])
                self._raise_for_status(response, current)
                self._refuse_declared_size(response, current)
                body = None if response.status_code == 304 else self._read_capped(response, current)
                return FetchResult(url, current, response.status_code, body, response.headers.get("etag"),
                                   response.headers.get("last-modified"),
                                   response.headers.get("content-type", "").split(";")[0].strip() or None)
        except httpx.InvalidURL as error:  # httpx parses a redirect's Location before we see it
            raise FetchRefused(f"{current} or the address it redirects to is not a usable URL: {error}") from error
        except httpx.HTTPError as error:
            raise self._transport_failure(error, current) from error

    def _transport_failure(self, error, url: str) -> FetchError | FetchRefused:
        """The library's exception as a domain error whose message says what happened, in plain words."""
        import httpx

        host = urlsplit(url).netloc
        if self._clock.expired():
            return FetchError(self._deadline_message(url))
        if isinstance(error, httpx.ConnectTimeout):
            return FetchError(f"could not connect to {host}: no answer within {self.policy.connect_timeout_s:g} s")
        if isinstance(error, httpx.TimeoutException):
            return FetchError(f"{host} stopped sending while answering {url}")
        if isinstance(error, httpx.DecodingError):
            return FetchRefused(f"the body from {url} could not be decoded: its Content-Encoding is broken")
        if isinstance(error, httpx.ConnectError) and _untrusted_certificate(error):
            # no retry can help, and no insecure fallback is tried
            return FetchRefused(f"the TLS certificate of {host} is not trusted", reason="tls_untrusted")
        if isinstance(error, httpx.ConnectError):
            return FetchError(f"could not connect to {host}{_os_reason(error)}")
        if isinstance(error, httpx.RemoteProtocolError):
            return FetchError(f"{host} broke off the connection or sent an invalid HTTP response for {url}")
        return FetchError(f"the connection to {host} failed while fetching {url}{_os_reason(error)}")

    def _deadline_message(self, url: str) -> str:
        return f"fetching {url} took longer than the {self.policy.deadline_s:g} s deadline"

    def _raise_for_status(self, response, url: str) -> None:
        status = response.status_code
        if status < 400:
            return
        message = f"HTTP {status} {_status_phrase(status)} from {url}".replace("  ", " ")
        if status in RETRY_STATUSES:
            error = FetchError(message)
            error.retry_after = retry_after_seconds(response.headers.get("retry-after"), 0) or None
            raise error
        raise FetchRefused(message)

    def _refuse_declared_size(self, response, url: str) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise TooLarge(f"{url} declares {int(declared):,} bytes, over the {self.policy.max_bytes:,} byte size limit; "
                           "not downloaded")

    def _read_capped(self, response, url: str) -> bytes:
        body = bytearray()
        for chunk in response.iter_bytes():  # decoded: the cap applies after decompression
            body.extend(chunk)
            if len(body) > self.policy.max_bytes:
                raise TooLarge(f"{url} is larger than the {self.policy.max_bytes:,} byte size limit (after decoding)")
            if self._clock.expired():
                raise FetchError(self._deadline_message(url))
        return bytes(body)

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            wait = self._last_request.get(host, -1e9) + self.policy.min_interval_s - time.monotonic()
            self._last_request[host] = time.monotonic() + max(wait, 0)
        if wait > 0:
            left = self._clock.remaining()
            if left is not None and wait >= left:
                raise FetchError(f"{url} could not be fetched within the {self.policy.deadline_s:g} s deadline "
                                 f"while waiting {wait:.0f} s between requests to {host}")
            time.sleep(wait)

    def _robots_allow(self, url: str) -> bool:
        root = _root(url)
        if root not in self._robots:
            self._robots[root] = self._load_robots(root)
        return self._robots[root].can_fetch(self.policy.user_agent, url)

    def _robots_refusal(self, url: str) -> str:
        root = _root(url)
        if root in self._robots_failures:
            return (f"robots.txt of {urlsplit(url).netloc} could not be read ({self._robots_failures[root]}), "
                    f"so nothing there is fetched (RFC 9309)")
        return f"robots.txt of {urlsplit(url).netloc} disallows {url}"

    def _load_robots(self, root: str) -> RobotFileParser:
        """RFC 9309: 4xx means no rules; 5xx or unreachable means everything is disallowed."""
        import httpx

        parser = RobotFileParser(root + "/robots.txt")
        try:
            self._wait_turn(root)
            with self._client.stream("GET", root + "/robots.txt", follow_redirects=True,
                                     timeout=min(self.policy.deadline_s, 15.0)) as response:
                status, text = response.status_code, _robots_text(response)
        except (httpx.HTTPError, FetchError) as error:
            failure = self._transport_failure(error, root + "/robots.txt") if isinstance(error, httpx.HTTPError) else error
            self._robots_failures[root] = str(failure)
            parser.disallow_all = True
            return parser
        if status >= 500:
            self._robots_failures[root] = f"HTTP {status} {_status_phrase(status)}".strip()
            parser.disallow_all = True
        elif status >= 400:
            parser.allow_all = True
        else:
            parser.parse(text.splitlines())
        return parser


def _root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _os_reason(error: BaseException) -> str:
    """': connection refused' from the operating-system error behind ``error``, if there is one."""
    while error is not None:
        if isinstance(error, OSError) and error.strerror:
            return f": {error.strerror.lower()}"
        error = error.__cause__ or error.__context__
    return ""


def _untrusted_certificate(error: BaseException) -> bool:
    import ssl

    while error is not None:
        if isinstance(error, ssl.SSLCertVerificationError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _robots_text(response) -> str:
    """The first ROBOTS_MAX_BYTES of a robots.txt (decoded: a gzip bomb stops there too)."""
    if response.status_code >= 400:
        return ""
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) >= ROBOTS_MAX_BYTES:
            break
    return bytes(body[:ROBOTS_MAX_BYTES]).decode("utf-8", errors="replace")


def fetch(url: str, *, deadline_s: float = 60.0, max_bytes: int = 100 << 20,
          allow_private: bool | frozenset[str] = False) -> tuple[bytes, str]:
    """One URL's body and final URL, under the default policy."""
    policy = FetchPolicy(deadline_s=deadline_s, max_bytes=max_bytes, allow_private=allow_private)
    with Fetcher(policy) as fetcher:
        result = fetcher.get(url)
    return result.body or b"", result.final_url
