"""The accessibility scan itself must be able to fail."""

import pytest

from .conftest import axe_check


def test_axe_check_fails_on_a_serious_violation(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="fr"><body><main><h1>Test</h1>'
        '<input type="text"><button></button></main></body></html>'
    )
    with pytest.raises(AssertionError, match=r"critical|serious"):
        axe_check(page, "harness-negative")
    context.close()
