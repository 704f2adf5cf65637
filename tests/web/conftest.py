"""Fixtures for the page tests: browsers with a session and the CSRF token of the page."""
from __future__ import annotations

import pytest

from .browser import Browser


@pytest.fixture
def browser(client) -> Browser:
    """A browser in the default language (Chinese)."""
    return Browser(client)


@pytest.fixture
def english(app) -> Browser:
    """A browser switched to English."""
    return Browser(app.test_client()).english()


@pytest.fixture
def new_browser(app):
    """Another person's browser: new_browser(user) is logged in as `user`, in English."""
    def open_as(user=None) -> Browser:
        b = Browser(app.test_client()).english()
        if user is not None:
            b.login(user)
        return b
    return open_as
