"""Browser journeys: Debian's Chromium driven by Playwright, headless, with an axe-core scan.

Playwright never downloads a browser here: it launches /usr/bin/chromium (package
`chromium`), with background networking, component updates and sync disabled.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DUI_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
TABLET = {"width": 820, "height": 1180}
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A tablet-sized page. CSP bypass lets the test inject axe-core; the app's own pages
    still run under their strict policy, checked by the unit tests."""
    context = browser.new_context(viewport=TABLET, locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_check(page: Any, name: str) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) and fail on serious or critical violations.

    The full report goes to test-artifacts/<name>.axe.json."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(result["violations"], indent=2))
    blocking = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not blocking, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in blocking
    )
    return result["violations"]
