"""Full links for emails, from a page request or from the command line."""
from __future__ import annotations

from flask import current_app, has_request_context, request


def external_url(endpoint: str, **values) -> str:
    """BASE_URL plus the endpoint's path. Production requires BASE_URL with
    SMTP_URL (config.check_production): a link built from a request's Host
    header could be pointed at another site by whoever sent the request.
    In development: this request's address, or http://localhost:5000."""
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    base = current_app.config.get("BASE_URL") or (request.host_url if has_request_context() else "http://localhost:5000/")
    return base.rstrip("/") + path
