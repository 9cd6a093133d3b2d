"""A real browser for the tests: Playwright for Python driving Debian's Chromium.

Playwright's own browser download cannot run here, so the tests use the system Chromium
(``make`` installs Debian's ``chromium`` when it is missing and it can). Where there is none, or
Playwright is not installed, the browser tests skip with one line saying why.

Usage::

    from tests.browser_support import chromium_executable, launch_browser

    with launch_browser() as browser:
        page = browser.new_page()
        page.goto(url)
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

#: Where Debian's ``chromium`` package puts the browser, then other usual names on the PATH.
CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
#: Set to a browser's path to use that one instead.
ENV_VAR = "CHROMIUM_EXECUTABLE"


def chromium_executable() -> str | None:
    """The path of a Chromium to drive, or ``None`` if there is none."""
    chosen = os.environ.get(ENV_VAR)
    for name in (chosen,) if chosen else CANDIDATES:
        path = shutil.which(name) if name else None
        if path and Path(path).is_file():
            return path
    return None


def skip_reason() -> str | None:
    """Why the browser tests cannot run here (``None``: they can)."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (make test installs it)"
    if chromium_executable() is None:
        return "no Chromium at /usr/bin/chromium (make installs Debian's chromium as root)"
    return None


@contextlib.contextmanager
def launch_browser(**launch_options: Any) -> Iterator[Any]:
    """A headless Chromium driven by Playwright; skips the calling test where there is none.

    Args:
        launch_options: Extra keyword arguments for ``chromium.launch``.

    Yields:
        The Playwright ``Browser``.
    """
    reason = skip_reason()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start
    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=args, **launch_options
        )
        try:
            yield browser
        finally:
            browser.close()
