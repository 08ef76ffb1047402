"""Full links for emails, from a page request or from the command line."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def external_url(endpoint: str, **values) -> str:
    """BASE_URL (when set) or this request's address, plus the endpoint's path.
    From the command line with no BASE_URL: http://localhost:5000."""
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "http://localhost:5000/")
    return base.rstrip("/") + path
