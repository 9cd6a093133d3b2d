"""A self-contained ``report.html``: headings, text, tables and figures inlined as base64 PNG.

Small on purpose (issue 13's report writer will replace it): ``Report().heading(...)
.text(...).table(df).figure(path)`` then ``write(path)``.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from sim.runs.files import atomic_path

_STYLE = (
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:12px;margin:0.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
    "th{background:#f0f0f0}img{max-width:100%}"
)


class Report:
    """An HTML page built from parts, written as one file with nothing outside it."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = [f"<h1>{html.escape(title)}</h1>"]

    def heading(self, text: str) -> Report:
        """A section heading."""
        self.parts.append(f"<h2>{html.escape(text)}</h2>")
        return self

    def text(self, text: str) -> Report:
        """A paragraph (escaped)."""
        self.parts.append(f"<p>{html.escape(text)}</p>")
        return self

    def table(self, frame: pd.DataFrame, max_rows: int = 40) -> Report:
        """A table (the first ``max_rows`` rows), numbers to four significant digits."""
        shown = frame.head(max_rows)
        self.parts.append(shown.to_html(index=False, float_format=lambda x: f"{x:.4g}"))
        if len(frame) > max_rows:
            self.text(f"({len(frame) - max_rows} more rows in the CSV/Parquet table)")
        return self

    def figure(self, path: Path) -> Report:
        """A PNG inlined as base64 (a missing file is skipped)."""
        if Path(path).is_file():
            data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
            self.parts.append(
                f'<img alt="{html.escape(Path(path).stem)}" src="data:image/png;base64,{data}">'
            )
        return self

    def write(self, path: Path) -> Path:
        """Write the page atomically."""
        page = (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}"
            f"</title><style>{_STYLE}</style></head><body>{''.join(self.parts)}</body></html>"
        )
        with atomic_path(Path(path)) as tmp:
            tmp.write_text(page, encoding="utf-8")
        return Path(path)
