"""A small keep-alive HTTP client for the load harness and the concurrency tests.

One `Browser` is one device (a pupil's tablet): one connection, reused, and
its own cookie jar. It is plain `http.client` so that the harness needs
nothing beyond the standard library, and so that the app and the bare
"ceiling" app are driven by exactly the same code.

The cookie jar keeps every cookie whatever its attributes: the app runs with
QUIZAPP_ENV=production, whose cookies are `Secure`, while the harness talks
plain HTTP on 127.0.0.1 (a browser would only see the app through the TLS
proxy). Only loopback hosts are accepted.
"""
from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STALE_CONNECTION = (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionResetError, BrokenPipeError)
# What a request can fail with on the way (as opposed to an HTTP status): callers catch these.
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Response:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> dict:
        try:
            data = json.loads(self.body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Browser:
    host: str
    port: int
    timeout: float = 30.0
    extra_headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.host not in LOOPBACK:
            raise ValueError(f"the harness only talks to loopback addresses, not {self.host}")
        self._conn: http.client.HTTPConnection | None = None

    def sibling(self, port: int | None = None) -> Browser:
        """Another connection for the same device (the same cookies), maybe to another server."""
        return Browser(self.host, port or self.port, self.timeout, dict(self.extra_headers), self.cookies)

    # ------------------------------------------------------------ requests

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict[str, str]) -> Response:
        from urllib.parse import urlencode

        return self.request("POST", path, urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, payload: dict) -> Response:
        return self.request("POST", path, json.dumps(payload).encode(),
                            {"Content-Type": "application/json", "Accept": "application/json"})

    def csrf_from(self, path: str) -> str:
        """The CSRF token on a page (following one redirect at most)."""
        page = self.get(path)
        if page.status in (301, 302, 303) and page.location:
            page = self.get(_path_of(page.location))
        match = CSRF.search(page.text)
        if match is None:
            raise RuntimeError(f"no CSRF token on {path} (HTTP {page.status})")
        return match.group(1)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        sent = {**self.extra_headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            fresh = self._conn is None
            if fresh:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            start = time.perf_counter()
            try:
                self._conn.request(method, path, body=body, headers=sent)
                raw = self._conn.getresponse()
                data = raw.read()
            except STALE_CONNECTION:
                # The server closed an idle keep-alive connection: try once on a new one.
                self.close()
                if fresh or attempt:
                    raise
                continue
            except BaseException:
                self.close()
                raise
            seconds = time.perf_counter() - start
            self._keep_cookies(raw.headers.get_all("Set-Cookie") or [])
            if raw.will_close:
                self.close()
            return Response(method, path, raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = "max-age=0" in attributes.lower().replace(" ", "")
            if not value or expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


def _path_of(location: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")
