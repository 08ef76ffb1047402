"""The pupil sign-in page and a lesson page stay light on a first visit (old iPads, busy school wifi)."""
from __future__ import annotations

import pytest

from browser_support import sign_in_pupil

pytestmark = pytest.mark.browser
BUDGET = 150 * 1024


def _first_load_bytes(page, url: str) -> tuple[int, list[str]]:
    sizes: dict[str, int] = {}
    urls: list[str] = []

    def on_finished(request):
        response = request.response()
        sizes[request.url] = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        urls.append(request.url)
        assert response is not None

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", on_finished)
    return sum(sizes.values()), urls


@pytest.mark.parametrize("which", ["sign-in", "lesson"])
def test_first_load_is_under_150_kb_and_all_from_this_site(browser, live_server, app, world, which):
    context = browser.new_context(base_url=live_server, viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    if which == "sign-in":
        total, urls = _first_load_bytes(page, f"{live_server}/tablet")
    else:
        sign_in_pupil(page, app, world, world.one.pupil_a, world.one.class_a)
        # A fresh browser cache for the lesson page: a new context with the same cookies.
        state = context.storage_state()
        fresh = browser.new_context(base_url=live_server, viewport={"width": 768, "height": 1024}, has_touch=True, storage_state=state)
        page = fresh.new_page()
        total, urls = _first_load_bytes(page, f"{live_server}/pupil/modules/passwords-4-7/lesson/1")
        fresh.close()
    context.close()
    assert all(u.startswith(live_server) or u.startswith("data:") for u in urls), urls
    print(f"\n{which}: {total / 1024:.0f} KB in {len(urls)} requests")
    assert total <= BUDGET, f"{which} page transfers {total / 1024:.0f} KB (budget 150 KB): {urls}"
