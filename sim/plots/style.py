"""One figure style for every figure: palette, sizes, human labels, dates and saving.

* Colours: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinguishable
  with the common colour-vision deficiencies; past its 8 colours a curve changes line style too,
  so no two curves look alike (:func:`line_style`). Sequential scales use ``cividis``
  (perceptually uniform and colour-blind safe, Nuñez et al. 2018).
* Sizes: journal column widths (:data:`COLUMN_IN` 3.5 in, :data:`PAGE_IN` 7 in) at 8 pt text,
  saved as PNG (300 dpi) and PDF side by side (:func:`save_figure`).
* Labels: internal names (``steel_aluminum``, ``quota_0_then_50``) as a reader writes them
  (:mod:`sim.config.labels`: :func:`human`, :func:`option_label`, :func:`percent`).
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib

# Files only: never open a window from a run or a test. A backend the user chose (MPLBACKEND, as
# Jupyter sets for inline figures, or pyplot already in use) is left alone.
if not os.environ.get("MPLBACKEND") and "matplotlib.pyplot" not in sys.modules:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
from cycler import cycler

from sim.config.labels import human, option_label, percent, week_dates
from sim.runs.files import atomic_path

__all__ = [
    "human",
    "option_label",
    "parameter_labels",
    "percent",
    "save_figure",
    "styled",
    "value_label",
    "week_dates",
]

logging.getLogger("fontTools").setLevel(logging.WARNING)  # its font subsetting logs at INFO

#: Okabe–Ito, without its black (kept for benchmarks and reference lines).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
LINE_STYLES = ("-", "--", ":", "-.")
SEQUENTIAL = "cividis"
DEADLINE_COLOUR = "#D55E00"
COLUMN_IN = 3.5
PAGE_IN = 7.0
PNG_DPI = 300
VECTOR_SUFFIX = ".pdf"

STYLE: dict[str, Any] = {
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "figure.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "pdf.fonttype": 42,  # TrueType in the PDF: editable text, as journals ask
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
}


def colour(i: int) -> str:
    """The ``i``-th palette colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def line_style(i: int) -> dict[str, str]:
    """Colour and line style of curve ``i``: unique for 32 curves (8 colours x 4 styles)."""
    return {"color": colour(i), "linestyle": LINE_STYLES[(i // len(PALETTE)) % len(LINE_STYLES)]}


def parameter_labels(keys: Sequence[str]) -> dict[str, str]:
    """Each config key as words, from the shortest dotted suffix that tells it from the others.

    ``negotiator.canada.strategy`` and ``negotiator.united_states.strategy`` become ``Canada
    strategy`` and ``United States strategy``; ``scenario.leaders.carney.ratification_threshold_
    premium`` alone becomes ``Ratification threshold premium``.
    """
    labels = {}
    for key in keys:
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            suffix = parts[-n:]
            tail = ".".join(suffix)
            if not any(o != key and (o == tail or o.endswith("." + tail)) for o in keys):
                break
        first, *rest = (human(part) for part in suffix)
        labels[key] = " ".join([first, *(_inside_label(w) for w in rest)])
    return labels


def _inside_label(words: str) -> str:
    """``human()``'s words inside a longer label: lower case, but names and abbreviations kept."""
    head = words.split()[0]
    if "." in head or head.isupper() or words in ("United States", "Steel & aluminum"):
        return words
    return words[0].lower() + words[1:]


def value_label(value: object) -> str:
    """A swept value as a reader writes it: ``yes``/``no``, ``0.05``, ``relative tit for tat``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return option_label(value)
    return str(value)


def percent_ticks(v: float, _pos: object = None) -> str:
    """A tick label of a share axis: whole percentages (``20 %``)."""
    return f"{100 * v:.0f} %"


def styled[F: Callable[..., Any]](draw: F) -> F:
    """Run a figure function inside the house style (the user's rcParams are left alone)."""

    @functools.wraps(draw)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with plt.rc_context(STYLE):  # type: ignore[arg-type]
            return draw(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def track_panels(
    n_tracks: int, panel_height: float, legend_rows: int, extra: float = 0.0
) -> tuple[plt.Figure, Any]:
    """A page-wide grid of one panel per track (three a row, shared y), room for a legend below.

    Args:
        n_tracks: Panels.
        panel_height: Inches per row of panels.
        legend_rows: Rows of the legend below the panels (0: none).
        extra: Further inches (titles, axis labels).

    Returns:
        The figure and its ``(rows, columns)`` array of axes.
    """
    ncols = min(n_tracks, 3)
    nrows = -(-n_tracks // ncols)
    return plt.subplots(
        nrows,
        ncols,
        figsize=(PAGE_IN, panel_height * nrows + extra + 0.16 * legend_rows),
        sharey=True,
        squeeze=False,
        layout="constrained",
    )


def save_figure(fig: plt.Figure, path: Path, dpi: int = PNG_DPI) -> Path:
    """Write ``path`` (PNG) and its PDF twin atomically, then close the figure."""
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
        with atomic_path(path.with_suffix(VECTOR_SUFFIX)) as tmp:
            fig.savefig(tmp, format="pdf")
    finally:  # a full disk must not leave the figure open
        plt.close(fig)
    return path
