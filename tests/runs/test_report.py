"""``report.html`` (:mod:`sim.runs.report`): self-contained, and it renders in a real browser.

The browser test opens a run's and a sweep's report from disk in headless Chromium (Playwright,
:mod:`tests.browser_support`; it skips with one line where there is none) and checks that every
figure decoded and every table has rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sim.runs.report import Code, Figure, Links, Section, Table, Text, write_report
from tests.browser_support import launch_browser

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f80f0000010100005b0d0a2d0000000049454e44ae426082"
)


def test_a_report_is_self_contained_and_escapes_what_it_shows(tmp_path: Path) -> None:
    png = tmp_path / "fig.png"
    png.write_bytes(PNG_1PX)
    (tmp_path / "fig.pdf").write_bytes(b"%PDF-1.4")
    sections = [
        Section("Results", [Text("a < b"), Figure("A figure", png, vector=tmp_path / "fig.pdf")]),
        Section("Tables", [Table("T", pd.DataFrame({"track": ["<steel>"], "p": ["5 %"]}))]),
        Section("More", [Code("Config", '{"a": 1}'), Links([png])]),
    ]
    path = write_report(tmp_path / "report.html", "Run <1>", sections)
    html = path.read_text()
    assert "data:image/png;base64," in html
    assert 'href="fig.pdf"' in html and 'href="fig.png"' in html  # relative: the folder can move
    assert "&lt;steel&gt;" in html and "<steel>" not in html and "Run &lt;1&gt;" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)  # no CDN, no remote file


def _check_in_browser(page, path: Path, min_figures: int, min_tables: int) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(sizes) >= min_figures and all(w > 100 for w in sizes), sizes
    rows = page.eval_on_selector_all("table", "ts => ts.map(t => t.rows.length)")
    assert len(rows) >= min_tables and all(n >= 2 for n in rows), rows
    assert "95 % interval" in page.inner_text("body")


# In the default suite although it takes a few seconds: `make test` must open a report in a browser
def test_run_and_sweep_reports_render_in_a_real_browser(
    run_dir: Path, strategy_sweep: Path, tmp_path: Path
) -> None:
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        _check_in_browser(page, run_dir / "report.html", min_figures=5, min_tables=2)
        page.screenshot(path=str(tmp_path / "run_report.png"), full_page=False)
        _check_in_browser(page, strategy_sweep / "report.html", min_figures=1, min_tables=2)
        page.screenshot(path=str(tmp_path / "sweep_report.png"), full_page=False)
    assert (tmp_path / "run_report.png").stat().st_size > 0
