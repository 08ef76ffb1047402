"""Response headers and safe redirects.

Every asset is served by the app itself, so the Content-Security-Policy can
allow only 'self': no inline script, no inline style attributes, no frames.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint not in ("static", None) or _signed_in():
        # Pages can show a child's name or progress: never keep them in a
        # shared tablet's cache. Static files may be cached.
        headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # outside a request with Flask-Login set up
        return False


def safe_next(target: str | None, fallback: str) -> str:
    """Only follow `next` to a path on this site (never to another host)."""
    if not target or len(target) > 2000 or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return fallback  # control characters could split the Location header
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
