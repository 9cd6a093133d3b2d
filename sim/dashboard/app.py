"""The Solara page: Mesa's SolaraViz with three pages of components (``solara run`` serves it).

SolaraViz supplies the frame: the sidebar's Reset / play / Step controls (``ModelController``),
the replicate slider (``ModelCreator``, which rebuilds :class:`LiveNegotiation` from keyword
arguments on *Reset*), the step counter, and one tab per page of components in a draggable grid:

* Page 0, one negotiation step by step: status and reproduction check, offers in utility space,
  offers over the weeks, Mesa's own plot of the reservation values, events, ratification draws,
  each agent's state;
* Page 1, what if: Mesa's ``UserInputs`` for the main parameters, then deal likelihoods with
  intervals and the deals-over-time curves of a re-run ensemble, against the baseline;
* Page 2, a saved run or sweep: its jobs, likelihoods, replicates and figures; any replicate can
  be watched on Page 0.

Per-browser state lives in ``solara.reactive`` variables (Solara keeps one value per session), so
it survives the tabs being switched (SolaraViz mounts only the current tab's components).
"""

from __future__ import annotations

import hashlib
import html
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import solara
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.solara_viz import UserInputs
from mesa.visualization.utils import update_counter

from sim.config.errors import ConfigError
from sim.dashboard import charts, saved, whatif
from sim.dashboard.model import (
    LiveNegotiation,
    agents_frame,
    events_frame,
    offers_frame,
    ratifications_frame,
    reproduction_check,
    reservation_history,
    reservation_reporters,
    track_status,
    utility_spaces,
    week_date,
    weeks_played,
)
from sim.dashboard.settings import DashboardSettings

SETTINGS = DashboardSettings.from_environ()
#: A grid card's content is cut at this height and scrolls (SolaraViz's cards are ~390 px high).
CARD_STYLE = "max-height: 380px; overflow: auto; padding: 4px 8px;"
TABLE_ROWS = 200
#: Compact, readable tables (pandas writes plain HTML tables).
CSS = """
.sim-table { border-collapse: collapse; font-size: 12px; margin: 4px 0; }
.sim-table th, .sim-table td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
.sim-table th { background: #f3f3f3; }
.sim-table tr:nth-child(even) td { background: #fafafa; }
"""


@dataclass(frozen=True)
class Source:
    """Which replicate the step-by-step view plays: of a saved run, or of ``conf/`` + overrides."""

    run_dir: str | None
    replicate: int
    overrides: tuple[str, ...]

    @property
    def key(self) -> str:
        """Identifies the source (SolaraViz is rebuilt when it changes)."""
        return f"{self.run_dir}|{self.replicate}|{' '.join(self.overrides)}"


# --- per-session state ---------------------------------------------------------------------------
_source = solara.reactive(Source(SETTINGS.run_dir, SETTINGS.replicate, SETTINGS.overrides))
_track = solara.reactive("")
_whatif_values: solara.Reactive[dict[str, Any]] = solara.reactive({})
_whatif_size = solara.reactive(whatif.ENSEMBLE_SIZES[0])
_whatif_result: solara.Reactive[Any] = solara.reactive(None)
_saved_root = solara.reactive(SETTINGS.results_dir)
_saved_entry: solara.Reactive[str | None] = solara.reactive(None)
_saved_job: solara.Reactive[int] = solara.reactive(0)
_saved_replicate = solara.reactive(0)
_saved_figure: solara.Reactive[str | None] = solara.reactive(None)
_saved_message = solara.reactive("")

# Baseline ensembles, shared by every session (keyed by the config and the ensemble size).
_BASELINES: dict[tuple[str, int], whatif.Ensemble] = {}
_BASELINES_LOCK = threading.Lock()


def _html_table(frame: pd.DataFrame, css_class: str, floats: str = "{:.3f}") -> None:
    """A table as plain HTML (escaped), classed so a test or a stylesheet can find it."""
    shown = frame.head(TABLE_ROWS)
    text = shown.to_html(
        index=False, classes=["sim-table", css_class], float_format=floats.format, na_rep=""
    )
    if len(frame) > TABLE_ROWS:
        text += f"<p>first {TABLE_ROWS} of {len(frame)} rows</p>"
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=[f"{css_class}-wrap"])


def _heading(text: str) -> None:
    solara.HTML(tag="h3", unsafe_innerHTML=html.escape(text), style="margin: 2px 0 6px 0;")


# --- page 0: one negotiation, step by step -------------------------------------------------------


def _tracks(model: LiveNegotiation) -> list[str]:
    return [t.name for t in model.compiled.tracks]


def _current_track(model: LiveNegotiation) -> str:
    tracks = _tracks(model)
    return _track.value if _track.value in tracks else tracks[0]


def _track_picker(model: LiveNegotiation) -> str:
    track = _current_track(model)
    solara.ToggleButtonsSingle(value=track, values=_tracks(model), on_value=_track.set, dense=True)
    return track


@solara.component
def NegotiationStatus(model: LiveNegotiation) -> None:
    """Which replicate, which week, each track's status; at the end, the reproduction check."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE, classes=["sim-status"]):
        _heading("1 · One negotiation, step by step")
        played = weeks_played(model)
        origin = f"saved run `{model.run_dir}`" if model.run_dir else "`conf/`"
        overrides = " ".join(_source.value.overrides) or "no overrides"
        when = week_date(model, max(played - 1, 0)).isoformat() if played else "not started"
        solara.Markdown(
            f"Replicate **{model.replicate}** of {origin} ({overrides}), seed {model.seed}. "
            f"Weeks played: **{played}** of {model.n_weeks} (last: {when})."
        )
        _html_table(track_status(model), "sim-track-status")
        if not model.running:
            problems = reproduction_check(model)
            if problems is None:
                solara.Info(
                    "Finished. Compare with `python -m sim replay` on any run of this config."
                )
            elif problems:
                solara.Error("Does not reproduce the saved run: " + "; ".join(problems[:5]))
            else:
                solara.Success(f"Reproduces replicate {model.replicate} of the saved run exactly.")


@solara.component
def OffersInUtilitySpace(model: LiveNegotiation) -> None:
    """The selected track's outcome space, frontier, Nash point and the offers so far."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE):
        track = _track_picker(model)
        k = _tracks(model).index(track)
        space = utility_spaces(model)[k]
        offers = offers_frame(model)
        mine = offers[offers["track"] == track]
        rv = {
            model.compiled.party_names[p]: float(model.state.reservation[0, p, k])
            for p in model.compiled.tracks[k].parties
        }
        agreed = None if model.state.is_open[0, k] else int(model.state.agreed_outcome[0, k])
        chart = charts.utility_space_chart(
            space, mine, rv, agreed, list(model.compiled.party_names)
        )
        with solara.Column(classes=["sim-offers-plot"]):
            solara.FigureAltair(chart)
        solara.Text(f"{len(mine)} offers on {track} so far", classes=["sim-offers-count"])


@solara.component
def OffersOverWeeks(model: LiveNegotiation) -> None:
    """Each side's offers in its own utility over the weeks, with its reservation value."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE):
        track = _track_picker(model)
        offers = offers_frame(model)
        chart = charts.offers_over_weeks_chart(
            track,
            offers[offers["track"] == track],
            reservation_history(model, track),
            model.n_weeks,
            list(model.compiled.party_names),
        )
        with solara.Column(classes=["sim-weeks-plot"]):
            solara.FigureAltair(chart)


@solara.component
def EventsTable(model: LiveNegotiation) -> None:
    """Suspensions, escalations, directives, conditions, deals and rejections so far."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE):
        _heading("Events")
        _html_table(events_frame(model), "sim-events")


@solara.component
def RatificationTable(model: LiveNegotiation) -> None:
    """Each tentative deal: every ratifying leader's probability and uniform draw."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE):
        _heading("Ratification draws (ratified when every draw < its probability)")
        _html_table(ratifications_frame(model), "sim-ratifications")


@solara.component
def AgentsTable(model: LiveNegotiation) -> None:
    """Every Mesa agent and its state this week."""
    update_counter.get()
    with solara.Column(style=CARD_STYLE):
        _heading("Agents")
        _html_table(agents_frame(model), "sim-agents")


def _shrink(chart: Any) -> Any:
    """Fit Mesa's plot into a grid card."""
    return chart.properties(width=300, height=230, title="reservation values by week (Mesa plot)")


# --- page 1: what if ------------------------------------------------------------------------------


def _config_key(model: LiveNegotiation) -> str:
    """Identifies the model's config (the baseline) without hashing its random state."""
    return hashlib.sha256(repr(model.config).encode()).hexdigest()


def _baseline(model: LiveNegotiation, size: int) -> whatif.Ensemble:
    key = (_config_key(model), size)
    with _BASELINES_LOCK:
        cached = _BASELINES.get(key)
    if cached is None:
        cached = whatif.run_ensemble(model.config, size)
        with _BASELINES_LOCK:
            _BASELINES[key] = cached
    return cached


@dataclass(frozen=True)
class WhatIfResult:
    """A what-if next to its baseline, or the one-line reason it could not run."""

    changes: dict[str, Any]
    table: pd.DataFrame | None
    baseline: whatif.Ensemble | None
    what_if: whatif.Ensemble | None
    seconds: float
    error: str = ""


def _run_what_if(model: LiveNegotiation, changes: dict[str, Any], size: int) -> WhatIfResult:
    started = time.perf_counter()
    try:
        cfg = whatif.apply_changes(model.config, changes)
    except ConfigError as exc:
        return WhatIfResult(changes, None, None, None, 0.0, str(exc))
    base = _baseline(model, size)
    result = whatif.run_ensemble(cfg, size) if changes else base
    table = whatif.comparison(base, result)
    return WhatIfResult(changes, table, base, result, time.perf_counter() - started)


def _base_overrides(source: Source) -> tuple[str, ...]:
    """The overrides the baseline was made with: the launcher's, or the saved run's own."""
    if not source.run_dir:
        return source.overrides
    records = saved.jobs_of(Path(source.run_dir))
    return records[0].overrides if records else ()


@solara.component
def WhatIfControls(model: LiveNegotiation) -> None:
    """Mesa's UserInputs for the main parameters; every change re-runs the ensemble."""
    controls = whatif.controls_for(model.config)
    values = {c.key: _whatif_values.value.get(c.key, c.value) for c in controls}
    changes = whatif.changed(controls, values)
    size = _whatif_size.value
    key = (_config_key(model), tuple(sorted(changes.items(), key=lambda kv: kv[0])), size)

    def compute() -> None:
        _whatif_result.set(_run_what_if(model, changes, size))

    task = solara.lab.use_task(compute, dependencies=[key])

    def on_change(name: str, value: Any) -> None:
        _whatif_values.set({**_whatif_values.value, name: value})

    with solara.Column(style=CARD_STYLE, classes=["sim-whatif-controls"]):
        _heading("2 · What if")
        with solara.Row():
            solara.Select(
                "replicates",
                values=list(whatif.ENSEMBLE_SIZES),
                value=size,
                on_value=_whatif_size.set,
            )
            solara.Button("Back to baseline", on_click=lambda: _whatif_values.set({}), text=True)
        solara.ProgressLinear(task.pending)
        UserInputs({c.key: c.user_param(values[c.key]) for c in controls}, on_change=on_change)
        solara.Markdown(
            "Same command line: `"
            + whatif.command_line(_base_overrides(_source.value), changes)
            + f" n_replicates={size}`"
            + (" (the saved run's overrides, on today's `conf/`)" if _source.value.run_dir else "")
        )


def _current_result(model: LiveNegotiation) -> WhatIfResult | None:
    result = _whatif_result.value
    return result if isinstance(result, WhatIfResult) else None


@solara.component
def WhatIfLikelihoods(model: LiveNegotiation) -> None:
    """Baseline and what-if deal likelihoods with their 95% intervals."""
    result = _current_result(model)
    with solara.Column(style=CARD_STYLE):
        _heading("Deal likelihood: baseline and what if")
        if result is None:
            solara.Text("simulating ...")
            return
        if result.error:
            solara.Error(result.error)
            return
        assert result.table is not None and result.what_if is not None
        changed_text = ", ".join(f"{k}={v}" for k, v in result.changes.items()) or "none"
        solara.Text(
            f"{result.what_if.n_replicates:,} replicates, same seed; changes: {changed_text}; "
            f"re-run in {result.seconds:.2f} s",
            classes=["sim-whatif-timing"],
        )
        solara.FigureAltair(charts.likelihood_chart(result.table))
        _html_table(whatif.comparison_shown(result.table), "sim-likelihoods")


@solara.component
def WhatIfDealsOverTime(model: LiveNegotiation) -> None:
    """Share of replicates with a deal by each week: what-if solid, baseline dashed."""
    result = _current_result(model)
    with solara.Column(style=CARD_STYLE):
        _heading("Deals over time")
        if result is None or result.baseline is None or result.what_if is None:
            solara.Text("simulating ...")
            return
        solara.FigureAltair(
            charts.deals_over_time_chart(
                result.baseline.deals_over_time, result.what_if.deals_over_time
            )
        )


# --- page 2: saved runs ---------------------------------------------------------------------------


def _entries() -> list[saved.SavedEntry]:
    return saved.find_saved(Path(_saved_root.value))


def _selected_jobs() -> list[Any]:
    entry = _saved_entry.value
    if not entry or not Path(entry).is_dir():
        return []
    return saved.jobs_of(Path(entry))


def _selected_job() -> Any:
    jobs = [j for j in _selected_jobs() if j.job_dir is not None]
    if not jobs:
        return None
    return jobs[min(max(_saved_job.value, 0), len(jobs) - 1)]


@solara.component
def SavedRunBrowser(model: LiveNegotiation) -> None:
    """Pick a results folder, a run or sweep in it, and a sweep's job."""
    with solara.Column(style=CARD_STYLE, classes=["sim-saved-browser"]):
        _heading("3 · Saved runs and sweeps")
        solara.InputText("results folder", value=_saved_root, continuous_update=False)
        root = Path(_saved_root.value)
        entries = _entries()
        if not entries:
            solara.Warning(f"no run or sweep directory under {root}")
            return
        labels = {e.label(root): str(e.path) for e in entries}
        current = next((lb for lb, p in labels.items() if p == _saved_entry.value), None)

        def pick(label: str | None) -> None:
            _saved_entry.set(labels.get(label or ""))
            _saved_job.set(0)
            _saved_replicate.set(0)
            _saved_figure.set(None)

        solara.Select("run or sweep", values=list(labels), value=current, on_value=pick)
        jobs = _selected_jobs()
        if len(jobs) > 1 or (
            jobs and _saved_entry.value and saved.is_sweep(Path(_saved_entry.value))
        ):
            _html_table(saved.jobs_table(jobs), "sim-jobs")
            numbered = [j for j in jobs if j.job_dir is not None]
            solara.Select(
                "job",
                values=list(range(len(numbered))),
                value=min(_saved_job.value, max(len(numbered) - 1, 0)),
                on_value=_saved_job.set,
            )


@solara.component
def SavedRunDetails(model: LiveNegotiation) -> None:
    """The job's likelihoods and one replicate's outcome; watch it step by step."""
    job = _selected_job()
    with solara.Column(style=CARD_STYLE, classes=["sim-saved-details"]):
        _heading("Run: likelihoods and replicates")
        if job is None:
            solara.Text("pick a run or sweep")
            return
        root = Path(_saved_root.value)
        shown = job.job_dir.relative_to(root) if job.job_dir.is_relative_to(root) else job.job_dir
        solara.Markdown(f"`{shown}` ({job.status}); overrides: {' '.join(job.overrides) or 'none'}")
        _html_table(saved.likelihood_table(job), "sim-saved-likelihoods")
        n = saved.replicate_count(job)
        if n == 0:
            return
        solara.SliderInt(
            "replicate", value=_saved_replicate, min=0, max=n - 1, step=1, thumb_label=True
        )
        replicate = min(_saved_replicate.value, n - 1)
        _html_table(saved.replicate_rows(job.job_dir, replicate), "sim-replicate")

        def watch() -> None:
            try:
                LiveNegotiation(
                    replicate=replicate, run_dir=str(job.job_dir)
                )  # fails here, not there
            except ConfigError as exc:
                _saved_message.set(str(exc))
                return
            _saved_message.set("")
            _source.set(Source(str(job.job_dir), replicate, ()))

        solara.Button(f"Watch replicate {replicate} step by step (Page 0)", on_click=watch)
        if _saved_message.value:
            solara.Error(_saved_message.value)


@solara.component
def SavedRunFigures(model: LiveNegotiation) -> None:
    """The run's figures (and any replay's)."""
    job = _selected_job()
    with solara.Column(style=CARD_STYLE):
        _heading("Figures")
        if job is None:
            return
        pngs = saved.figures(job.job_dir)
        if not pngs:
            solara.Text("no figures in this run")
            return
        names = [str(p.relative_to(job.job_dir)) for p in pngs]
        name = _saved_figure.value if _saved_figure.value in names else names[0]
        solara.Select("figure", values=names, value=name, on_value=_saved_figure.set)
        solara.Image(str(Path(job.job_dir) / name), width="100%")


# --- the page -------------------------------------------------------------------------------------


def _replicate_limit(source: Source, model: LiveNegotiation) -> int:
    """The largest replicate index of the run the source stands for."""
    if source.run_dir:
        records = saved.jobs_of(Path(source.run_dir))
        count = saved.replicate_count(records[0]) if records else 0
        return max(count - 1, source.replicate)
    return max(model.config.n_replicates - 1, source.replicate)


def components_for(model: LiveNegotiation) -> list[Any]:
    """SolaraViz's (component, page) pairs."""
    reservation_plot, _ = make_plot_component(
        list(reservation_reporters(model)), post_process=_shrink, backend="altair"
    )
    return [
        (NegotiationStatus, 0),
        (OffersInUtilitySpace, 0),
        (OffersOverWeeks, 0),
        (reservation_plot, 0),
        (EventsTable, 0),
        (RatificationTable, 0),
        (AgentsTable, 0),
        (WhatIfControls, 1),
        (WhatIfLikelihoods, 1),
        (WhatIfDealsOverTime, 1),
        (SavedRunBrowser, 2),
        (SavedRunDetails, 2),
        (SavedRunFigures, 2),
    ]


@solara.component
def Page() -> None:
    """The whole page: SolaraViz around the step-by-step model of the current source."""
    source = _source.value

    def build() -> LiveNegotiation | ConfigError:
        try:
            return LiveNegotiation(
                replicate=source.replicate, parameters=source.overrides, run_dir=source.run_dir
            )
        except ConfigError as exc:
            return exc

    model = solara.use_memo(build, dependencies=[source.key])
    if isinstance(model, ConfigError):
        solara.Error(f"config error: {model}")
        return
    model_params = {
        "replicate": {
            "type": "SliderInt",
            "label": "Replicate (then Reset)",
            "value": source.replicate,
            "min": 0,
            "max": _replicate_limit(source, model),
            "step": 1,
        },
        "parameters": source.overrides,
        "run_dir": source.run_dir,
    }
    solara.Style(CSS)
    SolaraViz(
        model,
        components=components_for(model),
        model_params=model_params,
        name=f"Negotiation room: {model.config.scenario.name}",
        play_interval=300,
    ).key(source.key)
