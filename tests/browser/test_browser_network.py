"""The guard that keeps every browser test on localhost can fail, and fails fast.

Every browser test's page (conftest ``page``) records requests beyond the loopback interface
with ``_network.watch_network`` and fails at teardown naming each URL. Here that recorder meets
a page that does phone out (a CDN font, a fetch, a WebSocket): each URL must be named and
aborted at once, not left to time out, while loopback and in-page URLs pass unrecorded.
"""

from __future__ import annotations

import time

import pytest
from _network import NOT_LOCAL, is_local, watch_network

CASES = {
    "http://127.0.0.1:8888/lab?token=x": True, "ws://localhost:9/api/kernels/1/channels": True,
    "http://[::1]:80/": True, "data:image/png;base64,AAAA": True, "blob:http://127.0.0.1:1/u": True,
    "about:blank": True, "https://cdn.jsdelivr.net/npm/font-awesome.css": False,
    "http://127.0.0.1.example.com/": False, "http://localhost@example.com/": False,
    "wss://example.org/socket": False, "http://localhost.example.com:80/": False,
}


@pytest.mark.parametrize("url, local", CASES.items(), ids=list(CASES))
def test_loopback_and_in_page_urls_are_local_and_nothing_else(url, local):
    assert is_local(url) is local
    assert (NOT_LOCAL.match(url) is None) is local  # the route stops exactly what is not local


PHONES_OUT = """
<link rel="stylesheet" href="https://cdn.example.com/font-awesome.css">
<img src="http://example.org/logo.png">
<script>
  window.fetched = fetch('https://api.example.net/telemetry').then(() => 'answered', e => e.name);
  new WebSocket('wss://example.org/socket');
</script>
"""


def test_requests_beyond_localhost_are_named_and_aborted_at_once(browser):
    context = browser.new_context()
    outside = watch_network(context)
    failures = {}
    context.on("requestfailed", lambda request: failures.setdefault(request.url, request.failure))
    page = context.new_page()
    try:
        start = time.monotonic()
        page.set_content(PHONES_OUT, wait_until="load")
        fetched = page.evaluate("() => window.fetched")
        page.wait_for_timeout(300)  # the WebSocket event
        seconds = time.monotonic() - start
    finally:
        context.close()
    assert fetched == "TypeError", f"the outside fetch was {fetched!r}, not aborted"
    assert set(outside) == {"https://cdn.example.com/font-awesome.css", "http://example.org/logo.png",
                            "https://api.example.net/telemetry", "wss://example.org/socket"}, outside
    stopped_here = {url for url, why in failures.items() if why == "net::ERR_INTERNET_DISCONNECTED"}
    assert stopped_here == set(outside) - {"wss://example.org/socket"}, f"not aborted here: {failures}"
    assert seconds < 10, f"outside requests took {seconds:.1f} s: they waited for a timeout"
