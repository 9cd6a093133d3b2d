"""Self-contained HTML reports: sections of figures, tables and text in one ``report.html``.

The reusable API is small: build :class:`Section` objects from :class:`Figure`, :class:`Table`,
:class:`Text`, :class:`Code` and :class:`Links` items and pass them to :func:`write_report`. PNG
figures are inlined as base64 ``data:`` URIs, so the page needs nothing but itself (no CDN, no
script); vector versions and result files are linked relative to the report, so they resolve
inside the run or sweep folder wherever it is copied. :func:`run_report` and
:func:`sweep_report` assemble the reports a run and a sweep write. No matplotlib here.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.runs.files import atomic_path, dumps_json

REPORT_FILE = "report.html"

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; }
figure { margin: 1rem 0 2rem; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #444; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
pre { background: #f7f7f7; padding: 0.75rem; overflow-x: auto; font-size: 0.8rem; }
.caption { font-size: 0.9rem; color: #444; }
"""


@dataclass(frozen=True)
class Figure:
    """A PNG figure, inlined; its vector twin (PDF or SVG) linked when given."""

    title: str
    png: Path
    caption: str = ""
    vector: Path | None = None


@dataclass(frozen=True)
class Table:
    """A table; ``caption`` says what its numbers are (units, intervals)."""

    title: str
    frame: pd.DataFrame
    caption: str = ""


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Code:
    """Preformatted text (a config, a manifest), folded away under ``title``."""

    title: str
    text: str


@dataclass(frozen=True)
class Links:
    """Links to files, relative to the report."""

    paths: Sequence[Path]


Item = Figure | Table | Text | Code | Links


@dataclass(frozen=True)
class Section:
    """A heading and its items, in order."""

    title: str
    items: Sequence[Item] = field(default_factory=tuple)


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def _figure_html(item: Figure, base: Path) -> str:
    data = base64.b64encode(item.png.read_bytes()).decode("ascii")
    vector = ""
    if item.vector is not None and item.vector.exists():
        href = html.escape(_relative(item.vector, base))
        vector = f' <a href="{href}">{html.escape(item.vector.suffix[1:].upper())}</a>'
    caption = html.escape(item.caption or item.title)
    return (
        f'<figure><img alt="{html.escape(item.title)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{caption}{vector}</figcaption></figure>"
    )


def _item_html(item: Item, base: Path) -> str:
    if isinstance(item, Figure):
        return _figure_html(item, base)
    if isinstance(item, Table):
        caption = f'<p class="caption">{html.escape(item.caption)}</p>' if item.caption else ""
        table = item.frame.to_html(index=False, escape=True, na_rep="–", border=0)
        return f"<h3>{html.escape(item.title)}</h3>{table}{caption}"
    if isinstance(item, Text):
        return f"<p>{html.escape(item.text)}</p>"
    if isinstance(item, Code):
        return (
            f"<details><summary>{html.escape(item.title)}</summary>"
            f"<pre>{html.escape(item.text)}</pre></details>"
        )
    links = "".join(
        f'<li><a href="{html.escape(_relative(p, base))}">{html.escape(p.name)}</a></li>'
        for p in item.paths
    )
    return f"<ul>{links}</ul>"


def render_report(title: str, sections: Iterable[Section], base: Path, subtitle: str = "") -> str:
    """The HTML text of a report whose relative links start at ``base``."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    if subtitle:
        body.append(f'<p class="caption">{html.escape(subtitle)}</p>')
    for section in sections:
        body.append(f"<section><h2>{html.escape(section.title)}</h2>")
        body.extend(_item_html(item, base) for item in section.items)
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write_report(path: Path, title: str, sections: Iterable[Section], subtitle: str = "") -> Path:
    """Write a self-contained report to ``path`` (atomically) and return ``path``.

    Args:
        path: The HTML file; relative links are made from its folder.
        title: The page heading.
        sections: The sections, in order.
        subtitle: One line under the heading.
    """
    text = render_report(title, sections, path.parent, subtitle)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _percent(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:  # NaN
        return "–"
    return f"{number:.2%}" if 0 < number < 0.01 else f"{number:.1%}"


def likelihood_table(rows: Iterable[dict[str, Any]], track_label: Any = str) -> pd.DataFrame:
    """Deal likelihoods as a printable table: track, likelihood, 95 % interval, mean week."""
    out = []
    for row in rows:
        week = row.get("mean_agreement_week")
        out.append(
            {
                "track": track_label(row["track"]),
                "deal likelihood": _percent(row.get("deal_likelihood")),
                "95 % interval": f"[{_percent(row.get('ci_low'))}, {_percent(row.get('ci_high'))}]",
                "mean week of a deal": "–" if week is None or week != week else f"{week:.1f}",
            }
        )
    return pd.DataFrame(out)


def figure_items(out_dir: Path, names: Iterable[str]) -> list[Figure]:
    """The figures ``<name>.png`` present in ``out_dir``, each with its ``<name>.pdf`` twin."""
    items = []
    for name in names:
        png = out_dir / f"{name}.png"
        if png.exists():
            title = name.replace("_", " ")
            items.append(Figure(title, png, vector=out_dir / f"{name}.pdf"))
    return items


def file_links(out_dir: Path, skip: Iterable[str] = (REPORT_FILE,)) -> Links:
    """Links to every visible file of ``out_dir`` (and ``.hydra/``), sorted."""
    skipped = set(skip)
    files = [p for p in sorted(out_dir.iterdir()) if p.is_file() and not p.name.startswith(".")]
    hydra = sorted((out_dir / ".hydra").glob("*.yaml")) if (out_dir / ".hydra").is_dir() else []
    return Links([p for p in files if p.name not in skipped] + hydra)


def likelihood_items(summary: dict[str, Any], track_label: Any = str) -> list[Item]:
    """The likelihood tables of a summary: within the horizon, and by review date."""
    items: list[Item] = [
        Table(
            "Within the simulated horizon",
            likelihood_table(summary.get("deal_likelihood", []), track_label),
            "Share of replicates with a ratified deal; Wilson 95 % interval.",
        )
    ]
    horizon = pd.DataFrame(summary.get("deal_likelihood_by_horizon", []))
    if len(horizon) and {"track", "horizon", "deal_likelihood"} <= set(horizon.columns):
        by = horizon.pivot(index="track", columns="horizon", values="deal_likelihood")
        by = by.reindex(list(dict.fromkeys(horizon["track"])))
        table = by.map(_percent).reset_index()
        table["track"] = table["track"].map(track_label)
        items.append(Table("By review date", table, "Share with a ratified deal by each date."))
    return items


def run_report(
    out_dir: Path,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    figures: Sequence[str],
    track_label: Any = str,
) -> Path:
    """Write ``report.html`` of one run: likelihoods, figures, config, manifest and files."""
    sections = [Section("Deal likelihood", likelihood_items(summary, track_label))]
    sections.append(Section("Figures", figure_items(out_dir, figures)))
    config = manifest.get("config")
    sections.append(
        Section(
            "Config and manifest",
            [
                Code("Config (resolved)", dumps_json(config) if config is not None else "–"),
                Code(
                    "Manifest",
                    dumps_json({k: v for k, v in manifest.items() if k != "config"}),
                ),
            ],
        )
    )
    sections.append(Section("Files", [file_links(out_dir)]))
    n = summary.get("n_replicates", 0)
    subtitle = (
        f"scenario {summary.get('scenario')}, {n:,} replicates, seed {summary.get('seed')}, "
        f"git {((manifest.get('git') or {}).get('commit') or 'unknown')[:12]}"
    )
    return write_report(out_dir / REPORT_FILE, f"Run {out_dir.name}", sections, subtitle)
