"""Bounds on what one request may cost: its size here, its slowness in the server (granian).

Size. No page of Twofold takes more than a few kilobytes (a page of answers, a sign-up form) and
none takes a file, so a request whose declared ``Content-Length`` is above
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused with 413 before anything reads its body — file parts
included, which Django's own check leaves out. Too many form fields is a 400 from Django
(``DATA_UPLOAD_MAX_NUMBER_FIELDS``), worded by :func:`bad_request`. Under WSGI a body without
``Content-Length`` (chunked) is never read at all, so it cannot grow past the limit either.

Slowness. granian reads headers for at most :data:`SERVER_LIMITS`' ``header_read_timeout``
and then drops the connection; ``backpressure`` caps the requests a worker takes at once (more
wait in the listen backlog). granian has no timeout for reading a *body*: a client that sends
its body slowly holds one of the worker's threads until it finishes. A reverse proxy that
buffers whole request bodies before passing them on (nginx does by default) with its own body
timeout and size limit closes that gap; ``docs/web.md`` says how.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from granian.http import HTTP1Settings, HTTP2Settings

__all__ = ["SERVER_LIMITS", "bad_request", "body_size_limit", "declared_size"]

# Keyword arguments for granian.Granian: what `twofold serve` bounds in the server itself.
SERVER_LIMITS: dict[str, Any] = {
    # Requests one worker handles at once; beyond it, connections wait in the backlog.
    "backpressure": 64,
    "backlog": 1024,
    "http1_settings": HTTP1Settings(
        header_read_timeout=10_000,  # ms: a client that trickles its headers is dropped
        max_buffer_size=64 * 1024,  # bytes of headers a connection may buffer
    ),
    "http2_settings": HTTP2Settings(
        max_headers_size=64 * 1024,
        max_concurrent_streams=100,
    ),
}


def declared_size(request: HttpRequest) -> int | None:
    """The body size the client declared, or None when it declared none (or nonsense)."""
    raw = request.META.get("CONTENT_LENGTH")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def _kilobytes(size: int) -> str:
    return f"{-(-size // 1024):,}"


def _too_large(request: HttpRequest, size: int | None) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return render(
        request,
        "413.html",
        {
            "size_kb": _kilobytes(size) if size is not None else None,
            "limit_kb": _kilobytes(limit),
        },
        status=413,
    )


def body_size_limit(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse a request whose declared body is too large, before anything reads it.

    Placed last among the middleware, so the refusal still carries the security headers, the
    person's language and their session, while nothing (CSRF, a form, a view) has read the body.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        size = declared_size(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if size is not None and limit is not None and size > limit:
            return _too_large(request, size)
        return get_response(request)

    return middleware


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 handler, saying which limit a request broke when it broke one."""
    if isinstance(exception, RequestDataTooBig):
        return _too_large(request, declared_size(request))
    reason = None
    if isinstance(exception, TooManyFieldsSent):
        reason = _(
            "The form sent more fields (%(limit)s at most) than any page of Twofold has."
        ) % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    elif isinstance(exception, TooManyFilesSent):
        reason = _("Twofold does not take files.")
    return render(request, "400.html", {"reason": reason}, status=400)
