"""Fetching against real HTTP servers on 127.0.0.1 (never anything beyond loopback)."""

from __future__ import annotations

import gzip
import time

import pytest
from werkzeug.wrappers import Response

from pipeline.errors import FetchError
from pipeline.ingest.fetcher import Fetcher, FetchPolicy, FetchRefused, retry_after_seconds


def policy_for(httpserver, **changes) -> FetchPolicy:
    base = dict(allow_private=frozenset({f"{httpserver.host}:{httpserver.port}"}), min_interval_s=0,
                backoff_s=0.01, deadline_s=5, retries=2)
    return FetchPolicy(**{**base, **changes})


@pytest.fixture
def robots_ok(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    return httpserver


def test_a_page_is_fetched_and_a_second_fetch_is_conditional(robots_ok):
    robots_ok.expect_request("/pr.html", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    robots_ok.expect_request("/pr.html").respond_with_data(
        "<html><p>text</p></html>", content_type="text/html; charset=utf-8", headers={"ETag": '"v1"'})
    with Fetcher(policy_for(robots_ok)) as fetcher:
        first = fetcher.get(robots_ok.url_for("/pr.html"))
        second = fetcher.get(robots_ok.url_for("/pr.html"), etag=first.etag)
    assert first.status == 200 and first.body == b"<html><p>text</p></html>" and first.etag == '"v1"'
    assert first.media_type == "text/html"
    assert second.not_modified and second.body is None


def test_robots_disallow_is_honoured(robots_ok):
    with Fetcher(policy_for(robots_ok)) as fetcher, pytest.raises(FetchRefused, match="robots.txt"):
        fetcher.get(robots_ok.url_for("/private/report.pdf"))
    assert [r.path for r, _ in robots_ok.log] == ["/robots.txt"]


def test_robots_5xx_disallows_and_4xx_allows(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    with Fetcher(policy_for(httpserver)) as fetcher, pytest.raises(FetchRefused, match="robots.txt"):
        fetcher.get(httpserver.url_for("/a"))
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/a").respond_with_data("ok")
    with Fetcher(policy_for(httpserver)) as fetcher:
        assert fetcher.get(httpserver.url_for("/a")).body == b"ok"


def test_429_and_500_are_retried_and_404_is_not(robots_ok):
    replies = [Response("slow down", status=429, headers={"Retry-After": "0"}), Response("oops", status=500),
               Response("finally")]
    robots_ok.expect_request("/busy").respond_with_handler(lambda request: replies.pop(0))
    with Fetcher(policy_for(robots_ok)) as fetcher:
        assert fetcher.get(robots_ok.url_for("/busy")).body == b"finally"
    robots_ok.clear()
    robots_ok.expect_request("/robots.txt").respond_with_data("")
    robots_ok.expect_request("/gone").respond_with_data("no", status=404)
    with Fetcher(policy_for(robots_ok)) as fetcher, pytest.raises(FetchRefused, match="404"):
        fetcher.get(robots_ok.url_for("/gone"))
    assert sum(r.path == "/gone" for r, _ in robots_ok.log) == 1


def test_persistent_5xx_gives_a_transient_error_after_the_retries(robots_ok):
    robots_ok.expect_request("/down").respond_with_data("", status=503)
    with Fetcher(policy_for(robots_ok, retries=2)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(robots_ok.url_for("/down"))
    assert caught.value.transient and sum(r.path == "/down" for r, _ in robots_ok.log) == 3


def test_a_redirect_loop_is_stopped(robots_ok):
    robots_ok.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    robots_ok.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with Fetcher(policy_for(robots_ok, max_redirects=5)) as fetcher, pytest.raises(FetchRefused, match="redirects"):
        fetcher.get(robots_ok.url_for("/a"))


@pytest.mark.parametrize("target", ["http://10.1.2.3/internal", "http://169.254.169.254/latest/meta-data/",
                                    "http://127.0.0.1:9/elsewhere", "file:///etc/passwd"])
def test_a_redirect_to_a_private_address_or_other_scheme_is_refused(robots_ok, target):
    robots_ok.expect_request("/jump").respond_with_data("", status=301, headers={"Location": target})
    with Fetcher(policy_for(robots_ok)) as fetcher, pytest.raises(FetchRefused, match="non-public|only http"):
        fetcher.get(robots_ok.url_for("/jump"))


def test_loopback_is_refused_unless_allowed(robots_ok):
    with Fetcher(FetchPolicy(min_interval_s=0)) as fetcher, pytest.raises(FetchRefused, match="non-public"):
        fetcher.get(robots_ok.url_for("/pr.html"))
    assert robots_ok.log == []


def test_a_dripping_server_is_cut_by_the_deadline(robots_ok):
    def drip(request):
        def body():
            for _ in range(40):
                yield b"x"
                time.sleep(0.25)
        return Response(body(), content_type="text/html")

    robots_ok.expect_request("/drip").respond_with_handler(drip)
    started = time.monotonic()
    with Fetcher(policy_for(robots_ok, deadline_s=1.5, retries=0)) as fetcher, pytest.raises(FetchError, match="deadline"):
        fetcher.get(robots_ok.url_for("/drip"))
    assert time.monotonic() - started < 8  # far less than the 10 s the server would take


def test_a_gzip_bomb_stops_at_the_decoded_size_cap(robots_ok):
    bomb = gzip.compress(b"\0" * (50 << 20))  # 50 MB of zeros in about 50 KB
    robots_ok.expect_request("/bomb.html").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with Fetcher(policy_for(robots_ok, max_bytes=1 << 20)) as fetcher, pytest.raises(FetchRefused, match="limit"):
        fetcher.get(robots_ok.url_for("/bomb.html"))


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("7", 1) == 7
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 1) == 0
    assert retry_after_seconds("soon", 3) == 3


def test_error_texts_say_the_status_and_its_reason_in_plain_words(robots_ok):
    robots_ok.expect_request("/gone").respond_with_data("no", status=404)
    robots_ok.expect_request("/huge").respond_with_data(b"x" * 2048)
    with Fetcher(policy_for(robots_ok, retries=0, max_bytes=1024)) as fetcher:
        with pytest.raises(FetchRefused) as gone:
            fetcher.get(robots_ok.url_for("/gone"))
        with pytest.raises(FetchRefused) as huge:
            fetcher.get(robots_ok.url_for("/huge"))
    assert str(gone.value) == f"HTTP 404 Not Found from {robots_ok.url_for('/gone')}"
    assert huge.value.reason == "too_large" and "1,024 byte size limit" in str(huge.value)


def test_a_refused_connection_is_said_plainly_and_the_library_error_is_kept_apart():
    import socket

    with socket.socket() as probe:  # a port that nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = FetchPolicy(allow_private=True, min_interval_s=0, retries=0, respect_robots=False)
    with Fetcher(policy) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(f"http://127.0.0.1:{port}/a")
    assert str(caught.value) == f"could not connect to 127.0.0.1:{port}: connection refused"
    assert caught.value.error_type == "ConnectError"  # httpcore's, whose message the text above replaces
