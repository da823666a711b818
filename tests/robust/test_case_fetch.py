"""Fault suite, fetching (reliability plan §2, cases 1-14) against servers on 127.0.0.1 only.

The fetcher's deadline itself (dripping bodies, headers and redirect chains, one deadline per
URL across retries) is tests/test_fetch_deadline.py; case 1 here is the same drip through a
whole run.  Refused feeds and sitemaps as fetches rows are tests/test_discovery_refusals.py.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.wrappers import Response

from pipeline.errors import FetchError
from pipeline.ingest import fetcher as fetcher_module
from pipeline.ingest.fetcher import BlockedAddress, Fetcher, FetchPolicy, FetchRefused, TooLarge

from runs import run_isolated, serve_robots

MB = 1 << 20


def local_policy(httpserver, **changes) -> FetchPolicy:
    base = dict(allow_private=frozenset({f"{httpserver.host}:{httpserver.port}"}), min_interval_s=0,
                backoff_s=0.01, deadline_s=5, retries=2, respect_robots=False)
    return FetchPolicy(**{**base, **changes})


class Drip(BaseHTTPRequestHandler):
    """/drip sends its headers, then one byte of body at a time for ever; any other path a short page."""

    def do_GET(self):  # noqa: N802 (the http.server name)
        if self.path == "/robots.txt":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        if self.path != "/drip":
            self.wfile.write(b"<html><body><article><p>" + b"Victims were identified in 2023. " * 10
                             + b"</p></article></body></html>")
            return
        try:
            while True:
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


def test_case01_a_dripping_server_costs_one_row_at_the_fetch_deadline(tmp_path, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        rows = run_isolated(tmp_path, monkeypatch, [base + "/drip", base + "/page.html"], fetch_timeout_s=2)
    finally:
        server.shutdown()
        server.server_close()
    drip, page = rows[base + "/drip"], rows[base + "/page.html"]
    assert drip["status"] == "fetch_failed" and "deadline" in drip["error"], drip
    assert page["status"] == "ok"  # the run went on after the deadline freed the fetch


def test_case02_a_blackholed_address_times_out_on_connect_and_is_retryable():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # never accepted: once the backlog is full, further SYNs go unanswered
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    policy = FetchPolicy(allow_private=True, min_interval_s=0, backoff_s=0.01, retries=2, connect_timeout_s=0.3,
                         deadline_s=0.5, respect_robots=False)
    try:
        with Fetcher(policy) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.get(f"http://127.0.0.1:{port}/report.pdf")
    finally:
        for item in fillers + [listener]:
            item.close()
    assert caught.value.transient and "deadline" in str(caught.value)


def endless_html():
    yield b"<html><body>"
    for _ in range(200):  # 200 MB, never all sent: the reader stops at the cap
        yield b"<p>" + b"x" * (MB - 7) + b"</p>"


def test_case03_04_05_oversized_bodies_become_too_large_rows(httpserver, tmp_path, monkeypatch):
    serve_robots(httpserver)
    httpserver.expect_request("/endless.html").respond_with_response(
        Response(endless_html(), content_type="text/html"))  # no Content-Length: chunked
    httpserver.expect_request("/declared.pdf").respond_with_response(
        Response(iter([b"%PDF-1.4"]), headers={"Content-Length": str(10 << 30)}, content_type="application/pdf"))
    bomb = gzip.compress(gzip.compress(b"\0" * (40 * MB)))
    httpserver.expect_request("/bomb.html").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip, gzip"})
    urls = [httpserver.url_for(path) for path in ("/endless.html", "/declared.pdf", "/bomb.html")]
    rows = run_isolated(tmp_path, monkeypatch, urls, max_bytes=4 * MB)
    assert {url: rows[url]["status"] for url in urls} == dict.fromkeys(urls, "too_large")
    assert "declares 10,737,418,240 bytes" in rows[urls[1]]["error"]
    assert "after decoding" in rows[urls[2]]["error"]


def test_case06_retry_after_is_capped(httpserver, monkeypatch):
    httpserver.expect_request("/busy").respond_with_data("", status=429, headers={"Retry-After": "3600"})
    slept = []
    monkeypatch.setattr(fetcher_module.time, "sleep", slept.append)
    with Fetcher(local_policy(httpserver, max_retry_after_s=2)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(httpserver.url_for("/busy"))
    assert caught.value.transient and "429" in str(caught.value)
    assert slept and max(slept) == 2


def test_case07_a_host_that_always_fails_is_retried_three_times(httpserver):
    httpserver.expect_request("/down").respond_with_data("", status=500)
    with Fetcher(local_policy(httpserver, retries=3)) as fetcher, pytest.raises(FetchError):
        fetcher.get(httpserver.url_for("/down"))
    assert sum(request.path == "/down" for request, _ in httpserver.log) == 4  # one try and three retries


def test_case08_a_redirect_loop_stops_after_five_redirects(httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with Fetcher(local_policy(httpserver)) as fetcher, pytest.raises(FetchRefused, match="more than 5 redirects"):
        fetcher.get(httpserver.url_for("/a"))
    assert len(httpserver.log) == 6


SSRF_TARGETS = ["127.0.0.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433",
                "10.1.2.3", "100.64.0.1", "[fc00::1]", "localhost"]


@pytest.mark.parametrize("host", SSRF_TARGETS)
def test_case09_a_redirect_to_a_private_address_is_blocked(httpserver, host):
    port = httpserver.port + 1  # another port: the allowance names this server's host:port only
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": f"http://{host}:{port}/x"})
    with Fetcher(local_policy(httpserver)) as fetcher, pytest.raises(BlockedAddress) as caught:
        fetcher.get(httpserver.url_for("/go"))
    assert caught.value.reason == "ssrf_blocked"


def test_case09_dns_rebinding_is_caught_on_the_connected_peer(httpserver, monkeypatch):
    """The name resolves to a public address when checked, then to 127.0.0.1 when connected."""
    httpserver.expect_request("/secret").respond_with_data("internal data")
    real = socket.getaddrinfo
    answers = {"count": 0}

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        answers["count"] += 1
        address = "93.184.216.34" if answers["count"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    policy = FetchPolicy(min_interval_s=0, retries=0, deadline_s=5, respect_robots=False)
    with Fetcher(policy) as fetcher, pytest.raises(BlockedAddress, match="connected to the non-public"):
        fetcher.get(f"http://rebind.example:{httpserver.port}/secret")
    assert answers["count"] >= 2


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "data:text/html,<p>x</p>",
                                 "javascript:alert(1)"])
def test_case10_other_schemes_are_refused_directly_and_on_redirect(httpserver, url):
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": url})
    with Fetcher(local_policy(httpserver)) as fetcher:
        with pytest.raises(BlockedAddress, match="only http and https"):
            fetcher.get(url)
        # httpx itself cannot parse some of these as a redirect target: refused all the same
        with pytest.raises(FetchRefused, match="only http and https|not a usable URL"):
            fetcher.get(httpserver.url_for("/go"))


def test_case11_robots_timeout_disallows_and_a_huge_robots_is_capped(httpserver):
    import time

    def slow(request):
        time.sleep(1.5)
        return Response("User-agent: *\nAllow: /\n")

    httpserver.expect_request("/robots.txt").respond_with_handler(slow)
    with Fetcher(local_policy(httpserver, respect_robots=True, deadline_s=0.5)) as fetcher, \
            pytest.raises(FetchRefused, match="robots.txt"):
        fetcher.get(httpserver.url_for("/page"))
    httpserver.clear()
    late_rule = "User-agent: *\nDisallow: /early\n" + "# filler\n" * (600 << 10 >> 3) + "Disallow: /late\n"
    httpserver.expect_request("/robots.txt").respond_with_data(late_rule * 8)  # about 5 MB
    httpserver.expect_request("/late").respond_with_data("fetched")
    with Fetcher(local_policy(httpserver, respect_robots=True)) as fetcher:
        with pytest.raises(FetchRefused, match="robots.txt"):
            fetcher.get(httpserver.url_for("/early"))
        assert fetcher.get(httpserver.url_for("/late")).body == b"fetched"  # past the first 500 KiB: not read


def test_case12_a_self_signed_certificate_is_refused_without_retry_or_fallback(tmp_path):
    trustme = pytest.importorskip("trustme")
    from pytest_httpserver import HTTPServer

    authority = trustme.CA()  # not in the client's trust store
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/x").respond_with_data("secret")
    server.start()
    try:
        policy = FetchPolicy(allow_private=True, min_interval_s=0, retries=3, backoff_s=0.01, respect_robots=False)
        with Fetcher(policy) as fetcher, pytest.raises(FetchRefused, match="not trusted") as caught:
            fetcher.get(f"https://127.0.0.1:{server.port}/x")
    finally:
        server.stop()
    assert caught.value.reason == "tls_untrusted" and not caught.value.transient
    assert not any(request.path == "/x" for request, _ in server.log)


def test_case13_14_types_come_from_the_bytes_and_bad_encodings_decode(httpserver, tmp_path, monkeypatch):
    from pdfgen import build_sample

    pdf = tmp_path / "sample.pdf"
    build_sample(pdf)
    serve_robots(httpserver)
    httpserver.expect_request("/report").respond_with_data(pdf.read_bytes(), content_type="text/html")
    page = "<html><head><title>Été</title></head><body><article><p>" + "Les États membres coopèrent. " * 20
    variants = {"/latin1": page.encode("latin-1"), "/bom": b"\xef\xbb\xbf" + page.encode(),
                "/nul": page.encode().replace(b"coop", b"co\0op", 3)}
    for path, body in variants.items():
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
    urls = [httpserver.url_for(p) for p in ["/report", *variants]]
    rows = run_isolated(tmp_path, monkeypatch, urls)
    assert rows[urls[0]]["content_type"] == "application/pdf" and rows[urls[0]]["status"] == "ok"
    for url in urls[1:]:
        assert rows[url]["status"] == "ok", rows[url]["error"]
