"""Fetch one document over HTTP(S) with an overall deadline and a size cap.

httpx's own timeouts bound each read, not the whole response: a server that
drips a byte every half second would hold a worker for ever (notes/stack.md),
so the body is streamed against a wall-clock deadline and a byte cap.
"""

from __future__ import annotations

import time

from . import __version__
from .errors import FetchError, TerminalError

USER_AGENT = f"thb-pipeline/{__version__} (anti-trafficking policy monitoring; +https://github.com/thb-pipeline)"


class FetchRefused(TerminalError):
    reason = "fetch_failed"


def fetch(url: str, *, deadline_s: float = 60.0, max_bytes: int = 100 << 20) -> tuple[bytes, str]:
    """The body of ``url`` and the final URL after redirects."""
    import httpx

    if not url.lower().startswith(("http://", "https://")):
        raise FetchRefused(f"only http and https URLs are fetched, not {url!r}")
    started = time.monotonic()
    try:
        with httpx.Client(follow_redirects=True, max_redirects=10, timeout=min(30.0, deadline_s),
                          headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    error = FetchError if response.status_code >= 500 or response.status_code == 429 else FetchRefused
                    raise error(f"HTTP {response.status_code} from {url}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise FetchRefused(f"{url} is larger than the {max_bytes >> 20} MB limit")
                    if time.monotonic() - started > deadline_s:
                        raise FetchError(f"fetching {url} took longer than {deadline_s:g} s")
                return bytes(body), str(response.url)
    except httpx.TooManyRedirects as error:
        raise FetchRefused(f"too many redirects from {url}: {error}") from error
    except httpx.HTTPError as error:
        raise FetchError(f"could not fetch {url}: {type(error).__name__}: {error}") from error
