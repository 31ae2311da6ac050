"""The web app in a real browser: Debian's Chromium driven by Playwright, against a live server.

What a reader and an editor do: open the feed, follow a change to its article and see the
evidence highlighted; open a council page and see the seats chart drawn; sign in, correct a
change in the review queue and find the corrected value on the council page and in the API.

Chromium comes from Debian (``/usr/bin/chromium``; ``make test`` installs it when missing),
never from ``playwright install``. Without it these tests are skipped, saying so.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="browser tests need Debian's Chromium at /usr/bin/chromium "
                              "(make test installs it: apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live ``floorcross serve`` (uvicorn in a thread) over the stories of test_web_api."""
    import uvicorn
    from test_web_api import build_web_db

    from floorcross.web import create_app

    url = build_web_db(tmp_path_factory.mktemp("browser") / "floorcross.db")
    port = _free_port()
    config = uvicorn.Config(create_app(url, secret_key="browser test"), host="127.0.0.1",
                            port=port, log_level="warning")
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.console_errors = errors
    yield tab
    context.close()


def distinct_colours(browser: Any, png: bytes) -> int:
    """How many distinct colours a screenshot has (counted by the browser, on a blank page)."""
    scratch = browser.new_page()
    try:
        return int(scratch.evaluate("""async (src) => {
            const img = new Image();
            img.src = src;
            await img.decode();
            const canvas = document.createElement('canvas');
            canvas.width = img.width; canvas.height = img.height;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const data = ctx.getImageData(0, 0, img.width, img.height).data;
            const seen = new Set();
            for (let i = 0; i < data.length; i += 4) {
                seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
            }
            return seen.size;
        }""", "data:image/png;base64," + base64.b64encode(png).decode("ascii")))
    finally:
        scratch.close()


def test_follow_a_change_from_the_feed_to_its_highlighted_evidence(server: str,
                                                                   page: Any) -> None:
    from test_web_api import WHITLOCK_QUITS

    page.goto(server + "/")
    card = page.locator("article.change", has_text="left Labour for Independent").first
    assert WHITLOCK_QUITS in card.locator("blockquote.evidence").inner_text()
    card.get_by_role("link", name="Read it in the article").click()
    page.wait_for_url("**/articles/*")
    mark = page.locator("mark.evidence.current")
    assert mark.count() == 1
    assert mark.inner_text() == WHITLOCK_QUITS
    assert mark.is_visible()
    background = mark.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    # the text around it is the article, escaped, not markup
    assert "<b>Buses first</b>" in page.locator(".article-text").inner_text()
    assert page.console_errors == []


def test_council_page_draws_the_seats_chart(server: str, page: Any, browser: Any) -> None:
    page.goto(server + "/councils/luton")
    chart = page.locator("#seats-chart")
    page.wait_for_selector("#seats-chart[data-drawn='true']")
    assert chart.locator("svg.main-svg").count() >= 1
    assert chart.locator(".scatterlayer .trace").count() >= 4  # parties and the majority line
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    assert distinct_colours(browser, chart.screenshot()) > 20, "the chart looks blank"
    assert page.console_errors == []  # nothing refused by the Content-Security-Policy


def test_flows_page_draws_the_sankey(server: str, page: Any) -> None:
    page.goto(server + "/flows")
    page.wait_for_selector("#flows-chart[data-drawn='true']")
    assert page.locator("#flows-chart .sankey-node").count() >= 4
    assert page.console_errors == []


def test_sign_in_and_correct_a_change_in_the_review_queue(server: str, page: Any) -> None:
    from test_web_api import EDITOR, PASSWORD

    page.goto(server + "/review")
    assert page.locator("h1").inner_text() == "Sign in"
    page.get_by_label("Name").fill(EDITOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/review")
    assert "Review queue" in page.locator("h1").inner_text()
    card = page.locator("article.change", has_text="Bob Hart")
    change_id = card.get_attribute("id").removeprefix("change-")
    card.locator("summary", has_text="Correct").click()
    form = card.locator("form[action$='/correct']")
    form.get_by_label("From party").fill("Conservative")
    form.get_by_label("Note").fill("group whip confirmed")
    form.get_by_role("button", name="Save corrections").click()
    page.wait_for_url("**/review")
    # accepted as corrected, so it has left the unreviewed queue
    assert page.locator(f"#change-{change_id}").count() == 0

    page.goto(server + "/councils/luton")
    corrected = page.locator(f"#change-{change_id}")
    assert "was suspended by Conservative" in corrected.inner_text()
    assert corrected.locator(".badge.corrected").inner_text() == "from party corrected"
    api = page.request.get(f"{server}/api/changes/{change_id}").json()
    assert api["from_party"] == "Conservative" and api["corrected"] == ["from_party"]
    assert api["review"] == "verified"
    assert api["history"][0]["author"] == EDITOR
    seats = page.request.get(f"{server}/api/councils/luton").json()["composition"]["seats"]
    assert seats["Labour"] == 30


def test_pages_fit_a_phone(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        tab = context.new_page()
        for path in ("/", "/councils/luton", "/people", "/flows"):
            tab.goto(server + path)
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} is wider than a phone screen by {overflow}px"
    finally:
        context.close()
