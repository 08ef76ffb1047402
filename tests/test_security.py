"""The security baseline every response carries."""
from __future__ import annotations

import re

import pytest

from helpers import post

PAGES = ["/", "/signin", "/tablet", "/no-such-page", "/static/css/app.css"]


@pytest.mark.parametrize("path", PAGES)
def test_headers_on_every_response(client, path):
    with client.get(path) as response:
        _check_headers(response)


def _check_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://school.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_signed_in_pages_are_not_cached(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    assert client.get("/teacher/").headers["Cache-Control"] == "no-store"


def test_post_without_csrf_token_is_refused(client, world):
    response = client.post("/signin", data={"email": world.one.emails["teacher_a"], "password": "x"})
    assert response.status_code == 400
    assert "needed refreshing" in response.get_data(as_text=True)


def test_sign_out_is_not_a_get(client):
    assert client.get("/signout").status_code == 405


def test_session_cookie_flags(client, world):
    response = post(client, "/signin", {"email": world.one.emails["teacher_a"], "password": "correct horse battery"})
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("quizapp_session=")][-1]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookie_is_secure(world, make_app):
    app = make_app(PRODUCTION=True, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/signin", base_url="https://school.test")
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("quizapp_session=")][-1]
    assert "Secure" in cookie


_URL = re.compile(r'(?:src|href|action|content)="([^"]+)"')


def _pages_for_everyone(client, auth, world):
    yield client.get("/").get_data(as_text=True)
    yield client.get("/signin").get_data(as_text=True)
    yield client.get("/tablet").get_data(as_text=True)
    auth.adult(world.one.emails["admin"])
    yield client.get("/teacher/").get_data(as_text=True)
    yield client.get(f"/teacher/classes/{world.one.class_a}").get_data(as_text=True)
    auth.signout()
    auth.pupil(world.one, world.one.pupil_a)
    yield client.get("/pupil/").get_data(as_text=True)


def test_no_page_loads_anything_from_another_origin(client, auth, world):
    for html in _pages_for_everyone(client, auth, world):
        for url in _URL.findall(html):
            assert not re.match(r"^(https?:)?//", url), f"third-party URL {url}"
        assert "<script>" not in html and " style=" not in html and "onclick" not in html


@pytest.mark.parametrize("code", [403, 404])
def test_friendly_error_pages(client, auth, world, code):
    if code == 403:
        auth.adult(world.one.emails["parent"])
        response = client.get("/teacher/")
    else:
        response = client.get("/nowhere")
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert "Go to the start" in page and "Stay Safe Online" in page


def test_friendly_500_page(app, make_app):
    broken = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    assert "something went wrong on our side" in response.get_data(as_text=True)


def test_oversized_request_is_refused_kindly(app, client):
    response = client.post("/signin", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_client_address_is_the_schools(make_app):
    app = make_app(TRUSTED_PROXIES=1)

    @app.get("/whoami-test")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    client = app.test_client()
    assert client.get("/whoami-test", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) == "203.0.113.9"


def test_ids_too_big_for_the_database_are_simply_not_found(client, auth, world):
    auth.adult(world.one.emails["teacher_a"])
    assert client.get("/teacher/pupils/9223372036854775808").status_code == 404
    assert client.get("/teacher/classes/2147483648").status_code == 404
