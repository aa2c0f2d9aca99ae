"""A small xAPI 1.0.3 client for reading statements: timeouts, retries with backoff.

Plain xAPI over httpx (version header, Basic auth), so any conformant LRS serves: Ralph on
any backend, or a commercial LRS. Transient failures (network errors, 429, 5xx) are retried
with exponential backoff, honouring ``Retry-After``; other errors are raised at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import httpx

from build_tools.core.errors import CommandError
from build_tools.xapi.profile import XAPI_VERSION

RETRY_STATUS = {429, 500, 502, 503, 504}


class LrsError(CommandError):
    """The LRS could not be read; the message says why, in one line, without credentials."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class LrsClient:
    def __init__(
        self,
        endpoint: str,
        user: str,
        password: str,
        *,
        timeout: float = 30.0,
        retries: int = 5,
        backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ):
        parsed = httpx.URL(endpoint)
        if parsed.userinfo:  # the endpoint is saved in the store's sync state: no secrets in it
            raise LrsError("give the LRS login with --user/--password (or ISDP_LRS_USER and "
                           "ISDP_LRS_PASSWORD), not inside the URL")
        if parsed.scheme not in ("http", "https"):
            raise LrsError(f"'{endpoint}' is not an http(s) URL of an xAPI endpoint")
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.http = httpx.Client(
            auth=(user, password),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"X-Experience-API-Version": XAPI_VERSION, "Accept": "application/json"},
            transport=transport,
        )

    def url(self, link: str) -> str:
        """Resolve a statements path or a ``more`` link (relative to the LRS host).

        Only on the LRS's own origin: the login goes with every request, so a ``more`` link
        to another host (a hostile or misconfigured LRS) would hand it over."""
        url = urljoin(self.endpoint, link)
        if _origin(url) != _origin(self.endpoint):
            raise LrsError(f"the LRS at {self.endpoint} sent a `more` link to another origin "
                           f"({_origin(url)}); refused, the login is sent to the LRS only")
        return url

    def get_json(self, link: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self.url(link)
        for attempt in range(self.retries + 1):
            delay = self.backoff * (2**attempt)
            try:
                response = self.http.get(url, params=params)
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise LrsError(f"cannot reach the LRS at {self.endpoint}: {exc}") from None
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError:
                        raise LrsError(f"the LRS at {self.endpoint} did not answer JSON") from None
                if response.status_code in (401, 403):
                    raise LrsError(
                        f"the LRS at {self.endpoint} refused the credentials "
                        f"(HTTP {response.status_code}); the login needs a read scope "
                        "for all statements",
                        response.status_code,
                    )
                if response.status_code not in RETRY_STATUS or attempt == self.retries:
                    raise LrsError(
                        f"the LRS at {self.endpoint} answered HTTP {response.status_code}: "
                        f"{response.text[:200]}",
                        response.status_code,
                    )
                delay = max(delay, _retry_after(response))
            self.sleep(delay)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> LrsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", 0)), 60.0)
    except ValueError:
        return 0.0


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.scheme}://{parsed.host}:{parsed.port or {'http': 80, 'https': 443}.get(parsed.scheme)}"
