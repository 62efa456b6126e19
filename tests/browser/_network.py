"""Record every request a browser context makes; stop and name any that would leave this machine.

The notebooks promise to work offline, in JupyterLab and in the Voila app: no fonts, icons or
scripts from a CDN, no telemetry. ``watch_network(context)`` returns a list that fills with the
URL of every request (HTTP, fetch, WebSocket) whose host is not the loopback interface; such a
request is aborted at once (the test machine has no internet, and a test should not wait for a
timeout to learn that). ``data:``, ``blob:`` and ``about:`` URLs never leave the page.

Example (the browser fixture's page does this for every test)::

    outside = watch_network(context)
    page.goto(server.url)          # ... the test ...
    assert not outside, outside
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
IN_PAGE_SCHEMES = frozenset({"data", "blob", "about"})
# Anything not on loopback, for the route (so loopback requests are never intercepted or slowed).
NOT_LOCAL = re.compile(r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))"
                        r"(?!(?:data|blob|about):)")


def is_local(url: str) -> bool:
    """True for a URL on the loopback interface or one that never leaves the page."""
    parts = urlsplit(url)
    return parts.scheme in IN_PAGE_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


def watch_network(context) -> list[str]:
    """Start recording ``context``'s requests beyond localhost (aborted at once); return the list."""
    outside: list[str] = []

    def note(url: str) -> None:
        if not is_local(url) and url not in outside:
            outside.append(url)

    def stop(route) -> None:
        note(route.request.url)
        route.abort("internetdisconnected")

    context.on("request", lambda request: note(request.url))
    context.on("page", lambda page: page.on("websocket", lambda socket: note(socket.url)))
    context.route(NOT_LOCAL, stop)
    return outside
