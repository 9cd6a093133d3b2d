"""Figures (:mod:`sim.plots`): written atomically as PNG + PDF, and what they draw."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import LogNorm

import sim.plots.figures as figures
import sim.plots.sweep as sweep_figures
from sim.analysis.bargaining import efficiency_summary
from sim.plots import plot_outcomes_over_frontier
from sim.plots.style import PALETTE, human, line_style, option_label, percent

B2_U = np.array([[1.0, 0.8, 0.5, 0.1], [0.2, 0.55, 0.75, 0.5]])  # SCENARIO.md B2


@pytest.mark.parametrize(
    ("n", "m"),
    [(4, 3), pytest.param(25_000, 500, marks=pytest.mark.slow), (50, 0)],  # 1.5 s: make test-slow
)
def test_plot_outcomes_over_frontier_writes_png(tmp_path: Path, n: int, m: int) -> None:
    rng = np.random.default_rng(n)
    u = B2_U if n == 4 else rng.random((2, n))
    d = u[:, -1]
    summary = efficiency_summary(u, d, rng.integers(0, u.shape[1], size=m))
    agreed = u[:, rng.integers(0, u.shape[1], size=m)].T
    path = plot_outcomes_over_frontier(
        u,
        agreed,
        tmp_path / "sub" / "frontier.png",
        nash=summary["nash_utilities"],
        ks=summary["ks_utilities"],
        title="steel",
    )
    assert path == tmp_path / "sub" / "frontier.png"
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    # the PNG and its PDF twin, and no temporary file left behind
    assert sorted(path.parent.iterdir()) == [path.with_suffix(".pdf"), path]


# --- what the figures draw (issue 13): captured before saving -------------------------------------


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[plt.Figure]:
    """The figures the plot functions draw, kept open instead of saved."""
    kept: list[plt.Figure] = []

    def keep(fig: plt.Figure, path: Path, dpi: int = 0) -> Path:
        fig.canvas.draw()  # lay out the text, so extents are real
        kept.append(fig)
        return path

    monkeypatch.setattr(figures, "save_figure", keep)
    monkeypatch.setattr(sweep_figures, "save_figure", keep)
    yield kept
    for fig in kept:
        plt.close(fig)


def _texts(fig: plt.Figure) -> str:
    parts = [t.get_text() for t in fig.findobj(plt.Text)]
    return " | ".join(parts)


def test_style_labels_are_human_and_small_shares_never_round_to_zero() -> None:
    assert human("steel_aluminum") == "Steel & aluminum"
    assert human("all_tracks") == "All tracks" and human("united_states") == "United States"
    assert option_label("quota_0_then_50", 0.075) == "quota 0 then 50, 7.5 %"
    assert percent(0.0038) == "0.38 %" and percent(0.0) == "0 %"
    styles = {tuple(line_style(i).values()) for i in range(16)}
    assert len(styles) == 16  # no two of 16 curves look alike
    assert all(c.startswith("#") for c in PALETTE)


def _outcomes(shares: dict[str, float], n: int = 200, n_weeks: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for track, p in shares.items():
        agreed = rng.random(n) < p
        weeks = np.where(agreed, rng.integers(0, n_weeks, n), -1).astype(float)
        weeks[~agreed] = np.nan
        rows.append(pd.DataFrame({"track": track, "agreement_week": weeks, "agreed": agreed}))
    out = pd.concat(rows, ignore_index=True)
    out["track"] = pd.Categorical(out["track"], categories=list(shares))
    return out


def test_agreement_weeks_share_one_scale_show_dates_and_the_deadline(drawn, tmp_path) -> None:
    outcomes = _outcomes({"steel_aluminum": 0.9, "energy": 0.02})
    figures.plot_agreement_weeks(
        outcomes, 60, tmp_path / "a.png", start_date=dt.date(2025, 10, 10), deadline_week=37.7
    )
    (fig,) = drawn
    axes = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(axes) == 2
    assert axes[0].get_ylim() == axes[1].get_ylim()  # 0.75 % never looks like 20 %
    deadline = [ln for ln in axes[1].get_lines() if ln.get_label() == "negotiators' deadline"]
    assert len(deadline) == 1
    assert "2026" in _texts(fig)  # dates on the axis, not week numbers
    assert "Steel & aluminum" in _texts(fig)


def test_deal_likelihood_labels_sit_beside_the_intervals(drawn, tmp_path) -> None:
    summary = pd.DataFrame(
        {
            "track": ["steel_aluminum", "energy"],
            "deal_likelihood": [0.95, 0.003],
            "ci_low": [0.93, 0.001],
            "ci_high": [0.97, 0.0091],
            "n_replicates": [1000, 1000],
        }
    )
    figures.plot_deal_likelihood(summary, tmp_path / "d.png", title="point: linkage=False")
    (fig,) = drawn
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text().endswith("%")]
    assert [t.get_text() for t in labels] == ["0.3 %", "95.0 %"]
    for text, hi in zip(labels, [0.0091, 0.97], strict=True):
        assert text.xy[0] == pytest.approx(hi)  # anchored at the interval's end, not on it
    assert ax.get_xlim() == (0, 1.12)  # fixed scale across runs
    assert ax.get_title() == "point: linkage=False"
    assert len(ax.collections) >= 1  # the error bars


def _shares(kind: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue": ["steel_tariff"] * 3 + ["lumber_tariff"] * 2,
            "kind": [kind] * 5,
            "option": ["rate_50", "quota_0_then_50", "removed", "total_45", "free"],
            "rate": [0.5, 0.075, 0.0, 0.45, 0.0] if kind == "tariff" else [np.nan] * 5,
            "share": [0.5, 0.3, 0.2, 0.6, 0.4],
        }
    )


def test_final_tariffs_have_option_names_and_one_colour_key(drawn, tmp_path) -> None:
    figures.plot_final_tariffs(_shares("tariff"), tmp_path / "f.png")
    (fig,) = drawn
    text = _texts(fig)
    assert "quota 0 then 50" in text and "quota_0_then_50" not in text
    assert "Steel tariff" in text and "final tariff" in text  # the colour key's label
    assert len(fig.axes) == 2  # the bars and the colour bar
    bars = [p for p in fig.axes[0].patches]
    rate_50 = next(b for b in bars if b.get_width() == pytest.approx(0.5))
    total_45 = next(b for b in bars if b.get_width() == pytest.approx(0.6))
    assert rate_50.get_facecolor() != total_45.get_facecolor()  # one absolute scale, not per row


def test_final_tariffs_of_a_scenario_without_tariffs_is_not_blank(drawn, tmp_path) -> None:
    figures.plot_final_tariffs(_shares("share"), tmp_path / "f.png")
    (fig,) = drawn
    assert len(fig.axes[0].patches) == 5


def test_the_frontier_uses_one_fixed_scale_whatever_the_number_of_agreements(drawn, tmp_path):
    u = np.random.default_rng(3).random((2, 50))
    for m in (1, 500):
        agreed = u[:, np.arange(m) % 50].T
        figures.plot_outcomes_over_frontier(
            u, agreed, tmp_path / f"{m}.png", nash=(0.5, 0.5), ks=(0.5, 0.5), n_replicates=1000
        )
    limits = []
    for fig in drawn:
        (hexbin,) = [c for c in fig.axes[0].collections if c.get_array() is not None]
        assert isinstance(hexbin.norm, LogNorm)
        limits.append((hexbin.norm.vmin, hexbin.norm.vmax, fig.axes[0].get_xlim()))
        assert "Nash = Kalai–Smorodinsky" in [t.get_text() for t in fig.axes[0].get_legend().texts]
    assert limits[0] == limits[1]  # one agreement or 500: the same kind of figure, same colours


def test_the_sweep_figure_has_intervals_fixed_scale_and_no_line_across_categories(drawn, tmp_path):
    rows = []
    for linkage in (True, False):
        for track, p in (("steel_aluminum", 0.9), ("energy", 0.3)):
            rows.append(
                {
                    "scenario.linkage": linkage,
                    "track": track,
                    "deal_likelihood": p,
                    "ci_low": p - 0.02,
                    "ci_high": p + 0.02,
                }
            )
    sweep_figures.plot_sweep_likelihoods(
        pd.DataFrame(rows), ["scenario.linkage"], tmp_path / "s.png"
    )
    (fig,) = drawn
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 2 and all(ax.get_ylim() == (0, 1) for ax in panels)
    for ax in panels:
        data_lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 2]
        assert data_lines and all(ln.get_linestyle() == "None" for ln in data_lines)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["no", "yes"]  # values in words
    assert "Linkage" in fig._suptitle.get_text()


def trace_outcome(replicate: int, deals: dict[str, int | None], **extra: object) -> pd.DataFrame:
    """One replicate's outcome rows as ``plot_trace`` reads them: per track its deal week
    (``None``: no deal), utilities 0.5 and reservation values 0.3, and ``extra`` columns."""
    n = len(deals)
    columns: dict[str, object] = {
        "replicate": [replicate] * n,
        "track": list(deals),
        "agreed": [week is not None for week in deals.values()],
        "agreement_week": list(deals.values()),
        "utility_canada": [0.5] * n,
        "utility_united_states": [0.5] * n,
        "reservation_canada": [0.3] * n,
        "reservation_united_states": [0.3] * n,
    }
    return pd.DataFrame(columns | extra)


def test_the_trace_shows_a_failed_ratification_apart_from_the_deal(drawn, tmp_path) -> None:
    trace = pd.DataFrame(
        {
            "week": [3, 3, 5, 5],
            "track": ["autos"] * 4,
            "event": ["offer", "ratification", "offer", "ratification"],
            "proposer": ["canada", None, "united_states", None],
            "accepted": [True, False, True, True],
            "utility_canada": [0.6, np.nan, 0.5, np.nan],
            "utility_united_states": [0.5, np.nan, 0.7, np.nan],
        }
    )
    outcome = trace_outcome(4, {"autos": 5})
    figures.plot_trace(trace, outcome, 10, tmp_path / "t.png")
    (fig,) = drawn
    ax = fig.axes[0]
    failed = [ln for ln in ax.get_lines() if ln.get_label() == "accepted, ratification failed"]
    ratified = [ln for ln in ax.get_lines() if ln.get_label() == "ratified deal"]
    assert any(list(ln.get_xdata()) == [3] for ln in failed)
    assert any(list(ln.get_xdata()) == [5] for ln in ratified)
    assert not any(3 in list(ln.get_xdata()) for ln in ratified)
    assert "ratification failed in week 3" in ax.get_title(loc="left")


def test_the_trace_marks_a_coordinators_link_on_the_tracks_it_touched(drawn, tmp_path) -> None:
    trace = pd.DataFrame(
        {
            "week": [2, 4, 4, 6],
            "track": ["a", "a", "b", "b"],
            "event": ["offer", "link commitment", "link repayment", "offer"],
            "proposer": ["canada", "canada", "canada", "united_states"],
            "accepted": [False, None, None, True],
            "utility_canada": [0.6, np.nan, np.nan, 0.5],
            "utility_united_states": [0.4, np.nan, np.nan, 0.5],
        }
    )
    outcome = trace_outcome(0, {"a": None, "b": 6})
    figures.plot_trace(trace, outcome, 10, tmp_path / "t.png")
    (fig,) = drawn
    for ax in fig.axes[:2]:
        links = [ln for ln in ax.get_lines() if ln.get_label() == "coordinator's link"]
        assert [list(ln.get_xdata()) for ln in links] == [[4, 4]]
        assert "linked in week 4" in ax.get_title(loc="left")
    legend_texts = [t.get_text() for t in fig.legends[0].texts]
    assert "coordinator's link" in legend_texts


def test_the_trace_says_when_no_offer_was_made_on_a_track(drawn, tmp_path) -> None:
    trace = pd.DataFrame(
        {"week": [1], "track": ["a"], "event": ["offer"], "proposer": ["canada"]}
        | {"accepted": [False], "utility_canada": [0.6], "utility_united_states": [0.4]}
    )
    outcome = trace_outcome(0, {"a": None, "energy": None})
    figures.plot_trace(trace, outcome, 10, tmp_path / "t.png")
    (fig,) = drawn
    titles = [ax.get_title(loc="left") for ax in fig.axes[:2]]
    assert "no offer was made" not in titles[0] and "no offer was made" in titles[1]


def test_a_trace_title_counts_many_failed_ratifications_instead_of_listing_them(
    drawn, tmp_path
) -> None:
    weeks = list(range(25, 63))  # 38 tentative deals sent home and rejected, week after week
    trace = pd.DataFrame(
        {
            "week": [w for w in weeks for _ in range(2)],
            "track": ["autos"] * (2 * len(weeks)),
            "event": ["offer", "ratification"] * len(weeks),
            "proposer": ["united_states", None] * len(weeks),
            "accepted": [True, False] * len(weeks),
            "utility_canada": [0.6, np.nan] * len(weeks),
            "utility_united_states": [0.8, np.nan] * len(weeks),
        }
    )
    outcome = trace_outcome(1, {"autos": None})
    figures.plot_trace(trace, outcome, 70, tmp_path / "t.png")
    (fig,) = drawn
    title = fig.axes[0].get_title(loc="left")
    assert "ratification failed 38 times, in weeks 25–62" in title
    assert len(title) < 70  # fits above its panel
    legend_texts = [t.get_text() for t in fig.legends[0].texts]
    assert "United States' offers, worth to Canada" in legend_texts  # not "States's"


def test_a_trace_title_names_the_conditions_that_never_held_on_a_track_without_a_deal(
    drawn, tmp_path
) -> None:
    trace = pd.DataFrame(
        {
            "week": [2, 3],
            "track": ["energy", "metals"],
            "event": ["offer", "offer"],
            "proposer": ["canada", "canada"],
            "accepted": [False, True],
            "utility_canada": [0.5, 0.6],
            "utility_united_states": [0.3, 0.5],
        }
    )
    outcome = trace_outcome(
        1,
        {"energy": None, "metals": 3},
        condition_week_carbon_capture=pd.array([pd.NA, pd.NA], dtype="Int64"),
        condition_week_private_sponsor=pd.array([40, 40], dtype="Int64"),
    )
    needs = {"energy": ("carbon_capture", "private_sponsor"), "metals": ("carbon_capture",)}
    figures.plot_trace(trace, outcome, 10, tmp_path / "t.png", track_conditions=needs)
    (fig,) = drawn
    energy, metals = (ax.get_title(loc="left") for ax in fig.axes[:2])
    assert energy.endswith("no deal; never met: Carbon capture")  # the sponsor came in week 40
    assert "never met" not in metals  # a deal: nothing kept it closed
