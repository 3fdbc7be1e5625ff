"""What every request passes first (门卫): its size, its origin, its host and the access token.

Pure ASGI middleware, so that an upload's size is counted while it streams in, before any of
it is kept. Refusals are pages in the visitor's language, made by the app's ``refuse``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from reportgen.core.errors import ReportgenError
from reportgen.core.i18n import _

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Refuse = Callable[[Request, str, int], Response]

TOKEN_COOKIE = "reportgen_token"
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
# Nothing from elsewhere: no script but the page's own, images only its own or inlined
# (page previews), inline styles for the redline's own stylesheet, and no framing.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        b"img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; "
        b"form-action 'self'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]
_DRAIN_FACTOR = 4  # an oversized body is read (and thrown away) up to 4× the limit, then cut

_OTHER_ORIGIN = _(
    "This form was sent from another web site and was refused. Open the page from its own address and send it again."
)
_NO_TOKEN = _(
    "This page needs its access token. Open the address that `reportgen serve` printed when it started (it ends in ?token=…)."
)
_WRONG_HOST = _("This page answers only at its own address (such as http://127.0.0.1:8000/).")


class UploadTooLarge(ReportgenError):
    """An upload larger than the page accepts."""


TOO_LARGE = _(
    "The file is too large: the page accepts uploads up to {limit} MB. Check that it is the right file; a workbook is usually well under 1 MB."
)


class LimitUploads:
    """Refuse a request body larger than ``limit`` bytes as it arrives, never keeping it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a ``receive`` that counts and stops at the limit."""
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        await self.app(scope, self._counting(scope, receive), send)

    def _counting(self, scope: Scope, receive: Receive) -> Receive:
        """``receive``, raising UploadTooLarge once the body (declared or seen) is too big."""
        seen = 0
        declared = _content_length(scope)

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared > self.limit:
                await _drain(receive, self.limit * _DRAIN_FACTOR)
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    if message.get("more_body"):
                        await _drain(receive, self.limit * _DRAIN_FACTOR)
                    raise self._too_large()
            return message

        return limited

    def _too_large(self) -> UploadTooLarge:
        return UploadTooLarge(TOO_LARGE, limit=self.limit // (1024 * 1024))


def _content_length(scope: Scope) -> int | None:
    """The declared body size, or None."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _drain(receive: Receive, cap: int) -> None:
    """Read and throw away the rest of a body (up to ``cap`` bytes), so that the browser
    gets the answer instead of a broken connection."""
    read = 0
    while read <= cap:
        message = await receive()
        if message["type"] != "http.request":
            return
        read += len(message.get("body", b""))
        if not message.get("more_body"):
            return


class Guard:
    """Refuse other hosts (when local), requests without the token (when one is set) and
    POSTs from other origins."""

    def __init__(self, app: ASGIApp, refuse: Refuse, token: str | None) -> None:
        self.app = app
        self.refuse = refuse
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer with a refusal page, or pass the request on (setting the token cookie)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        send = _with_headers(send, SECURITY_HEADERS)
        problem = self._problem(request)
        if problem is not None:
            await self.refuse(request, problem, 403)(scope, receive, send)
            return
        if self.token and _query_token(request) == self.token:
            send = _with_headers(send, [(b"set-cookie", _cookie(self.token))])
        await self.app(scope, receive, send)

    def _problem(self, request: Request) -> str | None:
        """Why this request is refused, or None."""
        if self.token is None and _hostname(request.headers.get("host", "")) not in LOCAL_NAMES:
            return _WRONG_HOST
        if self.token is not None and not self._has_token(request):
            return _NO_TOKEN
        if request.method == "POST" and not same_origin(request):
            return _OTHER_ORIGIN
        return None

    def _has_token(self, request: Request) -> bool:
        """The token is in the address or in the cookie (static files need none)."""
        if request.url.path.startswith("/static/"):
            return True
        given = _query_token(request) or request.cookies.get(TOKEN_COOKIE, "")
        return hmac.compare_digest(given.encode(), self.token.encode()) if self.token else True


def same_origin(request: Request) -> bool:
    """A POST's Origin (or, lacking it, Referer) names this very host; a client that sends
    neither (a script, curl) is no browser a site could abuse, and is let through."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == host
    referer = request.headers.get("referer")
    return referer is None or urlsplit(referer).netloc == host


def _hostname(host: str) -> str:
    """``127.0.0.1`` from ``127.0.0.1:8000``, ``::1`` from ``[::1]:8000``."""
    return (urlsplit(f"//{host}").hostname or "").lower()


def _query_token(request: Request) -> str:
    return parse_qs(request.url.query).get("token", [""])[0]


def _cookie(token: str) -> bytes:
    """The Set-Cookie value that keeps the token for the rest of the visit."""
    cookie: SimpleCookie = SimpleCookie()
    cookie[TOKEN_COOKIE] = token
    cookie[TOKEN_COOKIE]["httponly"] = True
    cookie[TOKEN_COOKIE]["samesite"] = "Strict"
    cookie[TOKEN_COOKIE]["path"] = "/"
    return cookie.output(header="").strip().encode("latin-1")


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """``send``, adding ``headers`` to the response."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *headers]
        await send(message)

    return sending
