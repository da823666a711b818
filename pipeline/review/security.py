"""The app's defences: loopback and token checks, security headers, same-origin and CSRF checks.

Also the two URL checks every page relies on: links out only to http(s), redirects only within the app.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlencode, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard(BaseHTTPMiddleware):
    """Host check (no token), token check (with one), and security headers on every response."""

    def __init__(self, app, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    def _has_token(self, request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        supplied = request.cookies.get("thb_token") or (bearer[7:] if bearer.lower().startswith("bearer ") else "")
        return bool(supplied) and hmac.compare_digest(supplied.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next) -> Response:
        if self.token is None and not is_loopback(_host_name(request)):
            return PlainTextResponse("This review app answers only on 127.0.0.1 / localhost.", status_code=421)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given.encode(), self.token.encode()):
                # Move the token from the URL into a cookie, so it stays out of history and logs.
                rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie("thb_token", self.token, httponly=True, samesite="strict")
                return _secured(response)
            if not self._has_token(request):
                return _secured(PlainTextResponse("Open the link with ?token=… that `thb review` printed.",
                                                  status_code=401))
        return _secured(await call_next(request))


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The report is static HTML with inline SVG charts; document text in it is HTML-escaped.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
              "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _secured(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def same_origin(request: Request) -> bool:
    """Whether a POST comes from this app's own pages (browsers send Origin or Sec-Fetch-Site)."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True  # not a browser: the CSRF token still has to match
    parts = urlsplit(origin)
    return parts.scheme == request.url.scheme and parts.netloc.lower() == request.headers.get("host", "").lower()


def safe_link(url) -> str | None:
    """Only http(s) URLs become links (never javascript: or data:)."""
    if isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def local_path(target: str | None) -> str:
    """A redirect target inside this app."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def csrf_ok(request: Request, form, csrf_token: str) -> bool:
    supplied = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    return same_origin(request) and hmac.compare_digest(supplied.encode(), csrf_token.encode())
