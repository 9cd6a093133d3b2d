"""The dashboard in a real browser: Playwright drives Chromium against ``python -m sim.dashboard``.

The page is driven over a websocket, so only a browser sees it (a plain ``chromium
--screenshot`` captures "Loading app"). One server serves the whole test: it steps the
negotiation three weeks, moves a what-if control, opens a saved run, then stops the launcher with
Ctrl-C while the browser is still connected and checks that no process of it is left.

``DASHBOARD_SCREENSHOTS=docs`` also saves a screenshot of each view there (the README's).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

import sim
from sim.dashboard import assets
from sim.dashboard.server import free_port
from tests.browser_support import launch_browser, skip_reason
from tests.conftest import REPO, SUBPROCESS_ENV

TRUMP_SUSPENSION = "Donald Trump: suspension hazard per week"

pytestmark = pytest.mark.skipif(
    skip_reason() is not None or bool(assets.missing()),
    reason=skip_reason() or "the dashboard's front-end files are missing (make dashboard)",
)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results folder holding one small saved run."""
    folder = tmp_path / "results"
    sim.simulate(["seed=3"], n_replicates=60).save(folder / "demo")
    return folder


def _tree(pid: int, known: dict[int, psutil.Process]) -> dict[int, psutil.Process]:
    """Remember a process and its descendants (they are checked after the launcher exits)."""
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            known.setdefault(proc.pid, proc)
    except psutil.NoSuchProcess:
        pass
    return known


def _listeners(port: int) -> list[str]:
    return [
        c.laddr.ip
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN
    ]


def _wait_until_listening(launcher: subprocess.Popen, port: int, known: dict) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        _tree(launcher.pid, known)
        assert launcher.poll() is None, "the launcher exited early"
        if _listeners(port):
            return
        time.sleep(0.25)
    raise AssertionError("the dashboard never listened")


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("DASHBOARD_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


def _changed(read, before, timeout: float = 20.0):
    """Wait until ``read()`` differs from ``before``; return the new value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = read()
        if now != before:
            return now
        time.sleep(0.2)
    raise AssertionError("nothing changed")


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_the_dashboard_in_a_real_browser(results: Path, tmp_path: Path):
    from playwright.sync_api import expect

    port = free_port()
    log = (tmp_path / "dashboard.log").open("w")
    launcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.dashboard",
            "--port",
            str(port),
            "--results",
            str(results),
            "seed=3",
        ],
        cwd=REPO,
        env=SUBPROCESS_ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    known: dict[int, psutil.Process] = {}
    try:
        _wait_until_listening(launcher, port, known)
        assert set(_listeners(port)) == {"127.0.0.1"}  # loopback only
        with launch_browser() as browser:
            page = browser.new_page(viewport={"width": 1600, "height": 1100})
            page.set_default_timeout(60_000)
            page.goto(f"http://127.0.0.1:{port}/")
            _tree(launcher.pid, known)

            # Page 0: step three weeks; the offers plot and the event table change
            status = page.locator(".sim-status")
            expect(status).to_contain_text("Weeks played: 0 of")
            plot = page.locator(".sim-offers-plot")
            plot.locator("canvas, svg").first.wait_for()
            events = page.locator(".sim-events")
            plot_before, events_before = plot.screenshot(), events.inner_text()
            count_before = page.locator(".sim-offers-count").inner_text()
            for week in (1, 2, 3):
                page.get_by_role("button", name="Step").click()
                expect(status).to_contain_text(f"Weeks played: {week} of")
            expect(page.locator(".sim-offers-count")).not_to_have_text(count_before)
            _changed(plot.screenshot, plot_before)
            expect(events).not_to_have_text(events_before)
            expect(events).to_contain_text("directive")
            time.sleep(1.0)  # let the charts finish drawing
            _screenshot(page, "dashboard_step.png")

            # Page 1: move Trump's suspension hazard; the likelihood table is re-run
            page.get_by_role("tab", name="Page 1").click()
            table = page.locator(".sim-likelihoods")
            expect(table).to_contain_text("all_tracks")
            before = table.inner_text()
            slider = (
                page.locator(".v-input")
                .filter(has_text=TRUMP_SUSPENSION)
                .locator(".v-slider")
                .first
            )
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            assert box is not None
            started = time.monotonic()
            page.mouse.click(box["x"] + 0.9 * box["width"], box["y"] + box["height"] / 2)
            expect(table).not_to_have_text(before)
            waited = time.monotonic() - started
            timing = page.locator(".sim-whatif-timing").inner_text()
            assert "suspension_hazard_per_week=" in timing
            seconds = float(re.search(r"re-run in ([0-9.]+) s", timing).group(1))
            assert seconds <= 2.0, timing  # the ensemble of 2,000 replicates
            assert waited < 20, waited  # and the page redraws (loose: a shared machine)
            time.sleep(1.0)
            _screenshot(page, "dashboard_what_if.png")

            # Page 2: open the saved run; its likelihoods and figures show; watch a replicate
            page.get_by_role("tab", name="Page 2").click()
            page.locator(".sim-saved-browser .v-select").first.click()
            page.get_by_role("option", name="run: demo").click()
            expect(page.locator(".sim-saved-likelihoods")).to_contain_text("all_tracks")
            page.locator("img").first.wait_for()
            time.sleep(1.0)
            _screenshot(page, "dashboard_saved_run.png")
            page.get_by_role("button", name=re.compile("Watch replicate 0")).click()
            expect(page.locator(".sim-status")).to_contain_text("saved run")
            _tree(launcher.pid, known)

            # Ctrl-C while the browser is still connected
            launcher.send_signal(signal.SIGINT)
            assert launcher.wait(timeout=60) == 0
    finally:
        if launcher.poll() is None:
            for proc in _tree(launcher.pid, known).values():
                proc.kill()
        log.close()
    _, alive = psutil.wait_procs(list(known.values()), timeout=15)
    assert alive == [], f"left running: {alive}\n{(tmp_path / 'dashboard.log').read_text()[-2000:]}"
    assert len(known) >= 2  # the launcher and solara run, at least
    assert _listeners(port) == []
