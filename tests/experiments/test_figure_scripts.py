"""What the figure scripts in ``experiments/`` draw, read off the figure itself (issue 13).

Each script's ``plot`` runs on a small synthetic sweep in the form the scripts read (the jobs'
records with ``summary`` and ``outcomes.parquet``, or the aggregate table built from them); the
figure is kept open instead of saved (:class:`Figures`) and its artists are checked: labels and
tick texts, limits, figure size, colours and line styles, bands, the colour and size keys.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from scipy import stats

import sim.plots.sweep
from sim.plots.style import PAGE_IN, PNG_DPI
from sim.runs.aggregate import COMPLETE, JobRecord
from sim.runs.schema import OUTCOMES_FILE
from tests.experiments import script

CANADA, US = "negotiator.canada.strategy", "negotiator.united_states.strategy"
LINKAGE = "scenario.linkage"
PREMIUM = "scenario.leaders.carney.ratification_threshold_premium"
STEEL_RESERVATION = "scenario.parties.united_states.track_reservation_values.steel_aluminum"
#: Tracks and their tariff issues with the issue's options' rates (status quo first), as in
#: ``conf/scenario/canada_us_2025.yaml``; energy has no tariff.
RATES: dict[str, dict[str, tuple[float, ...]]] = {
    "steel_aluminum": {
        "steel_tariff": (0.5, 0.25, 0.16, 0.075, 0.0),
        "aluminum_tariff": (0.5, 0.25, 0.16, 0.075, 0.0),
    },
    "forest_products": {"lumber_tariff": (0.45, 0.352, 0.2, 0.1, 0.0)},
    "autos": {"autos_tariff": (0.25, 0.15, 0.1, 0.0)},
    "energy": {},
}


class Figures:
    """The figures the scripts draw, laid out and kept open instead of saved and closed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.figures: list[Figure] = []
        monkeypatch.setattr(sim.plots.sweep, "save_figure", self.keep)  # the sweep's figure

    def keep(self, fig: Figure, path: Path, dpi: int = PNG_DPI) -> Path:
        fig.canvas.draw()  # constrained layout runs at drawing time, inside the figure's style
        self.figures.append(fig)
        return path

    def load(self, name: str) -> ModuleType:
        """``experiments/<name>.py``, drawing into this collection."""
        module = script(name)
        self.monkeypatch.setattr(module, "save_figure", self.keep, raising=False)
        return module

    @property
    def last(self) -> Figure:
        assert self.figures, "the script drew no figure"
        return self.figures[-1]


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[Figures]:
    drawn = Figures(monkeypatch)
    yield drawn
    for fig in drawn.figures:
        plt.close(fig)


def wilson(k: int, n: int) -> tuple[float, float]:
    ci = stats.binomtest(k, n).proportion_ci(method="wilson")
    return float(ci.low), float(ci.high)


def sweep_records(
    root: Path,
    points: Sequence[Mapping[str, object]],
    tracks: Sequence[str] = tuple(RATES),
    n_replicates: int = 40,
    n_weeks: int = 30,
    seed: int = 0,
) -> list[JobRecord]:
    """A finished sweep's complete jobs: one per point, with ``outcomes.parquet`` and summary.

    A track's deal likelihood changes from point to point; energy almost never closes (a share
    below 1 %). A deal lowers the track's tariffs to one of its other options.
    """
    records = []
    for num, params in enumerate(points):
        rng = np.random.default_rng([seed, num])
        job_dir = root / str(num)
        job_dir.mkdir(parents=True)
        rows: list[dict[str, Any]] = []
        summary_rows = []
        for t, track in enumerate(tracks):
            p = 0.005 if track == "energy" else 0.1 + 0.8 * ((0.37 * num + 0.29 * t) % 1)
            agreed = rng.random(n_replicates) < p
            weeks = rng.integers(1, n_weeks - 1, n_replicates)
            for r in range(n_replicates):
                row: dict[str, Any] = {
                    "replicate": r,
                    "track": track,
                    "agreed": bool(agreed[r]),
                    "agreement_week": int(weeks[r]) if agreed[r] else None,
                }
                for issue, options in RATES.get(track, {}).items():
                    row[f"rate_{issue}"] = rng.choice(options[1:]) if agreed[r] else options[0]
                rows.append(row)
            k = int(agreed.sum())
            low, high = wilson(k, n_replicates)
            summary_rows.append(
                {
                    "track": track,
                    "deal_likelihood": k / n_replicates,
                    "ci_low": low,
                    "ci_high": high,
                    "mean_agreement_week": float(weeks[agreed].mean()) if k else None,
                }
            )
        frame = pd.DataFrame(rows)
        frame["track"] = frame["track"].astype("category")
        frame["agreement_week"] = frame["agreement_week"].astype("Int64")
        frame.to_parquet(job_dir / OUTCOMES_FILE)
        summary = {
            "n_replicates": n_replicates,
            "n_weeks": n_weeks,
            "deal_likelihood": summary_rows,
        }
        overrides = tuple(f"{k}={v}" for k, v in params.items())
        records.append(
            JobRecord(num, job_dir, COMPLETE, overrides, params=dict(params), summary=summary)
        )
    return records


def grid_points(**axes: Sequence[object]) -> list[dict[str, object]]:
    """Every combination of the axes' values (the first axis varies slowest), keys with dots."""
    names = [name.replace("__", ".") for name in axes]
    points: list[dict[str, object]] = [{}]
    for name, values in zip(names, axes.values(), strict=True):
        points = [{**p, name: v} for p in points for v in values]
    return points


STRATEGIES = ("boulware", "conceder", "relative_tit_for_tat")


def texts(fig: Figure) -> list[str]:
    """Every visible, non-empty text of the figure (in visible axes)."""
    found = []
    for text in fig.findobj(Text):
        assert isinstance(text, Text)
        axes = text.axes
        if text.get_visible() and text.get_text().strip() and (axes is None or axes.get_visible()):
            found.append(text.get_text())
    return found


def visible_axes(fig: Figure) -> list[Axes]:
    """The figure's panels (visible axes that are not a colour bar)."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def tick_texts(labels: Sequence[Text]) -> list[str]:
    return [t.get_text() for t in labels]


def legend_texts(legend: Legend | None) -> list[str]:
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


def words_outside(fig: Figure) -> list[str]:
    """Titles, axis labels and legend entries that reach past the figure's edge (cut in print)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = fig.bbox
    candidates = words(fig)
    out = []
    for text in candidates:
        if not text.get_text().strip():
            continue
        e = text.get_window_extent(renderer)
        if e.x0 < box.x0 - 0.5 or e.x1 > box.x1 + 0.5 or e.y0 < box.y0 - 0.5 or e.y1 > box.y1 + 0.5:
            out.append(text.get_text())
    return out


def png_pixels(fig: Figure) -> tuple[float, float]:
    """Width and height of the PNG the house style saves (tight box, 300 dpi)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = fig.get_tightbbox(renderer)
    pad = plt.rcParamsDefault["savefig.pad_inches"]
    return (box.width + 2 * pad) * PNG_DPI, (box.height + 2 * pad) * PNG_DPI


def collisions(items: Sequence[Text], fig: Figure) -> list[tuple[str, str]]:
    """Pairs of the texts whose drawn boxes overlap (words printed over each other)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in items if t.get_text().strip()]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


def words(fig: Figure) -> list[Text]:
    """The figure's titles, axis labels and legend entries."""
    found: list[Text] = [t for t in (fig._suptitle, fig._supxlabel) if t is not None]  # type: ignore[attr-defined]
    for ax in visible_axes(fig):
        found += [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label]  # type: ignore[attr-defined]
        legend = ax.get_legend()
        if legend is not None:
            found += legend.get_texts()
    for legend in fig.legends:
        found += [legend.get_title(), *legend.get_texts()]
    return [t for t in found if t.get_text().strip()]


# --- fig_heatmap ---------------------------------------------------------------------------


def heatmap_table(
    xs: Sequence[object], ys: Sequence[object], tracks: Sequence[str], x: str, y: str
) -> pd.DataFrame:
    """An aggregate table over the ``x`` by ``y`` grid (likelihoods rising along both)."""
    rows = []
    for i, yv in enumerate(ys):
        for j, xv in enumerate(xs):
            row: dict[str, object] = {x: xv, y: yv}
            for t, track in enumerate(tracks):
                p = (1 + i + 2 * j + t) / (2 + len(ys) + 2 * len(xs) + len(tracks))
                row |= {
                    f"deal_likelihood/{track}": p,
                    f"ci_low/{track}": p * 0.8,
                    f"ci_high/{track}": min(1.0, p * 1.2),
                }
            rows.append(row)
    return pd.DataFrame(rows)


def test_heatmap_cells_give_a_small_upper_bound_not_zero(figures: Figures, tmp_path: Path) -> None:
    heatmap = figures.load("fig_heatmap")
    table = heatmap_table(
        ["boulware", "conceder"], ["boulware", "conceder"], ["energy"], CANADA, US
    )
    table.loc[0, ["deal_likelihood/energy", "ci_low/energy", "ci_high/energy"]] = [0, 0, 0.0038]
    heatmap.plot(table, CANADA, US, tmp_path / "heatmap.png")
    (ax,) = visible_axes(figures.last)
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == 4  # one text per cell
    assert "0 %\n[0 %, 0.38 %]" in cells  # not "0%\n[0%, 0%]": the upper bound is shown
    assert not any("[0%, 0%]" in c or "[0 %, 0 %]" in c for c in cells)


def test_heatmap_first_row_on_top_cividis_key_in_percent_page_wide(
    figures: Figures, tmp_path: Path
) -> None:
    heatmap = figures.load("fig_heatmap")
    tracks = ["steel_aluminum", "autos", "energy"]
    table = heatmap_table(["boulware", "conceder"], list(STRATEGIES), tracks, CANADA, US)
    heatmap.plot(table, CANADA, US, tmp_path / "heatmap.png")
    fig = figures.last
    panels = visible_axes(fig)
    assert len(panels) == 3
    first = panels[0]
    # the first level of y ("boulware") is the top row, as in the tournament figure
    ticks = first.get_yticks()
    heights = first.transData.transform(np.c_[np.zeros_like(ticks), ticks])[:, 1]
    names = tick_texts(first.get_yticklabels())
    assert names[int(np.argmax(heights))] == "boulware"
    assert names[int(np.argmin(heights))] == "relative tit for tat"
    # ... and the cell drawn highest holds the first y level's likelihood
    top = max(first.texts, key=lambda t: first.transData.transform(t.get_position())[1])
    p = table.loc[
        (table[US] == "boulware") & (table[CANADA] == "boulware"), "deal_likelihood/steel_aluminum"
    ]
    assert top.get_text().startswith(f"{100 * float(p.iloc[0]):.1f} %")
    # one fixed 0-100 % cividis scale with its key, ticks in percent
    images = [ax.images[0] for ax in panels]
    assert {im.get_cmap().name for im in images} == {"cividis"}
    assert {im.get_clim() for im in images} == {(0, 1)}
    bar = images[-1].colorbar
    assert bar is not None
    bar_ticks = [t for t in tick_texts(bar.ax.get_yticklabels()) if t]
    assert bar_ticks and all(t.endswith(" %") for t in bar_ticks)
    assert "100 %" in bar_ticks
    assert bar.ax.get_ylabel() == "deal likelihood"
    assert fig.get_size_inches()[0] == pytest.approx(PAGE_IN)  # page width, not 4.6 in a panel


def test_heatmap_names_parameters_and_values_in_words(figures: Figures, tmp_path: Path) -> None:
    heatmap = figures.load("fig_heatmap")
    table = heatmap_table([False, True], list(STRATEGIES), ["autos", "energy"], LINKAGE, US)
    heatmap.plot(table, LINKAGE, US, tmp_path / "heatmap.png")
    panels = visible_axes(figures.last)
    assert [ax.get_xlabel() for ax in panels] == ["Linkage", "Linkage"]  # not scenario.linkage
    assert panels[0].get_ylabel() == "Strategy"
    assert tick_texts(panels[0].get_xticklabels()) == ["no", "yes"]  # not False/True
    assert tick_texts(panels[0].get_yticklabels()) == [
        "boulware",
        "conceder",
        "relative tit for tat",
    ]
    assert [ax.get_title() for ax in panels] == ["Autos", "Energy"]


def test_heatmap_cell_texts_and_labels_never_collide(figures: Figures, tmp_path: Path) -> None:
    heatmap = figures.load("fig_heatmap")
    points = grid_points(
        negotiator__canada__strategy=STRATEGIES, negotiator__united_states__strategy=STRATEGIES
    )
    records = sweep_records(tmp_path / "sweep", points, n_replicates=200)  # four tracks
    heatmap.plot(heatmap.aggregate(records), CANADA, US, tmp_path / "heatmap.png")
    fig = figures.last
    panels = visible_axes(fig)
    assert len(panels) == 4
    cells = [t for ax in panels for t in ax.texts]
    assert len(cells) == 4 * 9
    assert min(float(t.get_fontsize()) for t in cells) >= 5  # still legible in print
    assert collisions(cells, fig) == []  # "[50.1 %, 63.7 %]" does not run into its neighbour
    ticks = [t for ax in panels for t in ax.get_yticklabels()]  # (x: turned, boxes overlap)
    assert collisions([*words(fig), *ticks], fig) == []
    assert words_outside(fig) == []
    width, height = png_pixels(fig)
    assert width <= PAGE_IN * PNG_DPI * 1.02 and height <= 9 * PNG_DPI  # fits a page
    assert fig.get_size_inches()[0] == pytest.approx(PAGE_IN)


# --- fig_time_to_deal ----------------------------------------------------------------------


def survival_data(n_labels: int, tracks: Sequence[str], n_weeks: int = 30) -> pd.DataFrame:
    """Time-to-deal rows (the script's ``aggregate`` output): every point has deals."""
    rng = np.random.default_rng(1)
    parts = []
    for i in range(n_labels):
        for track in tracks:
            n = 30
            is_deal = rng.random(n) < 0.3 + 0.4 * (i % 3) / 2
            is_deal[0] = True
            weeks = np.where(is_deal, rng.integers(1, n_weeks // 2, n), n_weeks).astype(float)
            parts.append(
                pd.DataFrame(
                    {
                        "label": f"point {i}",
                        "track": track,
                        "weeks": weeks,
                        "is_deal": is_deal,
                        "n_weeks": n_weeks,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def test_time_to_deal_curves_unique_past_ten_with_one_legend(
    figures: Figures, tmp_path: Path
) -> None:
    survival = figures.load("fig_time_to_deal")
    survival.plot(survival_data(12, ["autos", "energy"]), tmp_path / "time_to_deal.png")
    fig = figures.last
    for ax in visible_axes(fig):
        styles = [(line.get_color(), line.get_linestyle()) for line in ax.get_lines()]
        assert len(styles) == 12
        assert len(set(styles)) == 12, styles  # the 11th curve is not the 1st again
    (legend,) = fig.legends  # one legend for the figure, naming every point
    assert legend_texts(legend) == [f"point {i}" for i in range(12)]
    handles = [(h.get_color(), h.get_linestyle()) for h in legend.legend_handles]  # type: ignore[union-attr]
    assert len(set(handles)) == 12
    assert collisions(words(fig), fig) == [] and words_outside(fig) == []


def test_time_to_deal_band_on_every_curve_on_fixed_axes(figures: Figures, tmp_path: Path) -> None:
    survival = figures.load("fig_time_to_deal")
    data = survival_data(6, ["autos", "energy", "all_tracks"], n_weeks=30)
    data.loc[data["track"] == "energy", "n_weeks"] = 20  # a shorter horizon on one track
    data.loc[data["track"] == "energy", "weeks"] = data["weeks"].clip(upper=20)
    survival.plot(data, tmp_path / "time_to_deal.png")
    panels = visible_axes(figures.last)
    for ax in panels:
        bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
        lines = ax.get_lines()
        assert len(bands) == len(lines) == 6  # a band per curve, not only with <= 4 curves
        band_colours = [to_hex(np.asarray(b.get_facecolor())[0].tolist()) for b in bands]
        line_colours = [to_hex(str(line.get_color())) for line in lines]
        assert band_colours == line_colours  # each band in its curve's colour
        assert ax.get_xlim() == (0, 30)  # one axis for every panel: week 0 to the longest horizon
        assert ax.get_ylim() == (0, 1.02)
    labels = tick_texts(panels[0].get_yticklabels())
    assert "100 %" in labels and "50 %" in labels
    assert [ax.get_title() for ax in panels] == ["Autos", "Energy", "All tracks"]


def test_time_to_deal_names_points_in_words_within_the_page(
    figures: Figures, tmp_path: Path
) -> None:
    survival = figures.load("fig_time_to_deal")
    points = grid_points(
        negotiator__canada__strategy=STRATEGIES, negotiator__united_states__strategy=STRATEGIES
    )
    records = sweep_records(tmp_path / "sweep", points, tracks=["autos"], n_replicates=20)
    survival.plot(survival.aggregate(records), tmp_path / "time_to_deal.png")
    fig = figures.last
    legend = next(iter(fig.legends), None) or fig.axes[0].get_legend()
    names = legend_texts(legend)
    assert names[1] == "Canada strategy = boulware, United States strategy = conceder"
    assert names[-1] == (
        "Canada strategy = relative tit for tat, United States strategy = relative tit for tat"
    )
    # long names: the legend stays within the page (one column), the PNG page wide
    assert words_outside(fig) == [] and collisions(words(fig), fig) == []
    assert png_pixels(fig)[0] <= PAGE_IN * PNG_DPI * 1.02


# --- fig_tariff_distributions --------------------------------------------------------------


def twelve_point_tariffs(tariffs: ModuleType, root: Path) -> pd.DataFrame:
    """The tariff rows of a 3 x 4 sweep (strategy x premium) on the three tariff tracks."""
    points = grid_points(
        negotiator__canada__strategy=STRATEGIES,
        scenario__leaders__carney__ratification_threshold_premium=(0.0, 0.02, 0.05, 0.1),
    )
    tracks = ["steel_aluminum", "forest_products", "autos"]
    data: pd.DataFrame = tariffs.aggregate(sweep_records(root, points, tracks, n_replicates=20))
    return data


def test_tariffs_page_wide_and_nothing_printed_over(figures: Figures, tmp_path: Path) -> None:
    tariffs = figures.load("fig_tariff_distributions")
    tariffs.plot(twelve_point_tariffs(tariffs, tmp_path / "sweep"), tmp_path / "tariffs.png")
    fig = figures.last
    assert fig.get_size_inches()[0] == pytest.approx(PAGE_IN)  # not 0.9 in a point and panel
    assert png_pixels(fig)[0] <= PAGE_IN * PNG_DPI * 1.02  # the saved PNG's width
    assert words_outside(fig) == []
    assert collisions(words(fig), fig) == []  # two panels' axis labels not printed over each other
    panels = visible_axes(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for ax in panels:  # each panel keeps room for its bubbles beside the point labels
        assert ax.get_window_extent(renderer).height >= 0.9 * fig.dpi


def test_tariffs_ticks_give_values_and_one_label_names_them(
    figures: Figures, tmp_path: Path
) -> None:
    tariffs = figures.load("fig_tariff_distributions")
    tariffs.plot(twelve_point_tariffs(tariffs, tmp_path / "sweep"), tmp_path / "tariffs.png")
    fig = figures.last
    panels = visible_axes(fig)
    ticks = tick_texts(panels[0].get_xticklabels())
    assert len(ticks) == 12
    assert ticks[:3] == ["boulware, 0", "boulware, 0.02", "boulware, 0.05"]  # values only
    assert ticks[-1] == "relative tit for tat, 0.1"
    # what the values are, said once for the figure
    assert texts(fig).count("Strategy, Ratification threshold premium") == 1
    assert [ax.get_title() for ax in panels] == [
        "Steel tariff",
        "Aluminum tariff",
        "Lumber tariff",
        "Autos tariff",
    ]


def test_tariffs_fixed_axis_unclipped_bubbles_and_size_key(
    figures: Figures, tmp_path: Path
) -> None:
    tariffs = figures.load("fig_tariff_distributions")
    rows = [
        # one issue up to 50 %, the other only up to 25 %: both panels share the 0-50 % axis
        *({"issue": "steel_tariff", "rate": r, "share": s} for r, s in ((0.5, 0.6), (0.0, 0.4))),
        *({"issue": "autos_tariff", "rate": r, "share": s} for r, s in ((0.25, 0.9), (0.1, 0.1))),
    ]
    data = pd.concat(
        [
            pd.DataFrame(rows).assign(point=p, label=label, parameters="Strategy")
            for p, label in enumerate(["boulware", "conceder"])
        ],
        ignore_index=True,
    )
    tariffs.plot(data, tmp_path / "tariff_distributions.png")
    fig = figures.last
    panels = visible_axes(fig)
    assert len(panels) == 2
    (low, high), other = panels[0].get_ylim(), panels[1].get_ylim()
    assert other == (low, high)  # one fixed tariff axis
    assert low < 0 and high > 50
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for ax in panels:
        bubbles = ax.collections[0]
        assert isinstance(bubbles, PathCollection)
        assert not bubbles.get_clip_on()  # a bubble at 0 % or at the top is drawn whole
        # ... and lies inside the figure
        extent = bubbles.get_window_extent(renderer)
        assert fig.bbox.x0 <= extent.x0 and extent.x1 <= fig.bbox.x1
        assert fig.bbox.y0 <= extent.y0 and extent.y1 <= fig.bbox.y1
    # the size key: shares drawn as bubbles of the plot's own scale
    keys = [legend for legend in fig.legends if legend.get_title().get_text()]
    (key,) = keys
    assert key.get_title().get_text() == "share of replicates"
    assert legend_texts(key) == ["10 %", "50 %", "100 %"]
    sizes = [h.get_sizes()[0] for h in key.legend_handles]  # type: ignore[union-attr]
    first = panels[0].collections[0]
    assert isinstance(first, PathCollection)
    share_sizes = first.get_sizes()  # shares 0.6 and 0.4 in the first panel
    scale = share_sizes[0] / 0.6
    assert sizes == pytest.approx([0.1 * scale, 0.5 * scale, 1.0 * scale])


# --- fig_likelihood_vs_param ---------------------------------------------------------------


def test_likelihood_vs_param_is_the_sweep_figure_in_words(figures: Figures, tmp_path: Path) -> None:
    likelihood = figures.load("fig_likelihood_vs_param")
    points = grid_points(
        negotiator__canada__strategy=STRATEGIES, negotiator__united_states__strategy=STRATEGIES[:2]
    )
    records = sweep_records(tmp_path / "sweep", points, tracks=["autos", "energy"], n_replicates=20)
    table = likelihood.aggregate(records)
    likelihood.plot(table, CANADA, tmp_path / "likelihood.png")
    fig = figures.last
    panels = visible_axes(fig)
    assert [ax.get_title(loc="left") or ax.get_title() for ax in panels] == ["Autos", "Energy"]
    for ax in panels:
        assert ax.get_xlabel() == "Canada strategy"  # not negotiator.canada.strategy
        assert tick_texts(ax.get_xticklabels()) == list(
            map(str.strip, ["boulware", "conceder", "relative tit for tat"])
        )
        assert ax.get_ylim() == (0, 1)  # the sweep figure's fixed 0-100 % axis
    assert "100 %" in tick_texts(panels[0].get_yticklabels())
    legends = [*fig.legends, *(ax.get_legend() for ax in panels)]
    (legend,) = [legend for legend in legends if legend is not None]
    assert legend_texts(legend) == [
        "United States strategy = boulware",
        "United States strategy = conceder",
    ]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    # the legend hides no point and no axis label: it is beside the panels, not inside one
    assert not any(
        legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer)) for ax in panels
    )
    assert collisions(words(fig), fig) == [] and words_outside(fig) == []
    assert not any("negotiator." in t or "_" in t for t in texts(fig))
    # the figure the sweep callback draws, from the same jobs
    from sim.runs.sweep_outputs import long_table

    long = long_table(table)
    sim.plots.sweep.plot_sweep_likelihoods(long, [CANADA, US], tmp_path / "sweep.png")
    assert texts(figures.last) == texts(fig)


def test_likelihood_vs_param_booleans_are_unjoined_no_yes_categories(
    figures: Figures, tmp_path: Path
) -> None:
    likelihood = figures.load("fig_likelihood_vs_param")
    points = grid_points(scenario__linkage=(True, False))
    records = sweep_records(
        tmp_path / "sweep", points, tracks=["steel_aluminum", "energy"], n_replicates=20
    )
    likelihood.plot(likelihood.aggregate(records), LINKAGE, tmp_path / "likelihood.png")
    panels = visible_axes(figures.last)
    for ax in panels:
        joined = [
            line
            for line in ax.get_lines()
            if np.size(line.get_xdata()) > 1 and line.get_linestyle() not in ("None", "none", "")
        ]
        assert joined == []  # two categories are points, never a line between them
        assert tick_texts(ax.get_xticklabels()) == ["no", "yes"]  # not False/True
        assert ax.get_xlabel() == "Linkage"


def test_likelihood_vs_param_title_and_labels_fit_the_page(
    figures: Figures, tmp_path: Path
) -> None:
    likelihood = figures.load("fig_likelihood_vs_param")
    points = grid_points(
        scenario__parties__united_states__track_reservation_values__steel_aluminum=(0.2, 0.3, 0.4)
    )
    records = sweep_records(tmp_path / "sweep", points, tracks=list(RATES), n_replicates=20)
    likelihood.plot(likelihood.aggregate(records), STEEL_RESERVATION, tmp_path / "likelihood.png")
    fig = figures.last
    assert words_outside(fig) == []  # the title is not cut at the page's edge
    assert collisions(words(fig), fig) == []
    assert fig.get_size_inches()[0] <= PAGE_IN
    assert visible_axes(fig)[-1].get_xlabel() == "Steel & aluminum"
