"""One negotiation, week by week: the dashboard's model entry point and what it shows of it.

SolaraViz rebuilds its model on *Reset* as ``type(model)(**keyword_arguments)``, so the model the
dashboard steps must be built from keyword arguments alone. :class:`LiveNegotiation` is the
engine's :class:`~sim.engine.model.NegotiationModel` for a batch of one replicate with its trace
on, built from ``(replicate, seed, parameters, run_dir)``: exactly what ``python -m sim replay``
simulates, so stepping it to the end reproduces replicate ``i`` of the run its config makes. It
adds a Mesa ``DataCollector`` of the reservation values (for Mesa's plot component) and changes
nothing the engine computes.

The functions below turn the model's trace and state into the tables the page shows; they read,
never write, the model.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import mesa
import numpy as np
import pandas as pd

from sim.agents.coordinator import Coordinator
from sim.agents.leader import Leader
from sim.agents.negotiator import Negotiator
from sim.agents.stakeholder import Stakeholder
from sim.analysis.bargaining import nash_point, pareto_frontier
from sim.cli.compose import compose_run_config
from sim.config.errors import ConfigError, require
from sim.config.schema import RunConfig
from sim.config.validation import validate_run
from sim.domain.scenario import EventKind
from sim.engine.model import NegotiationModel
from sim.runs.experiment import build_experiment
from sim.runs.replay import ReplayError, compare_outcomes, load_run_config
from sim.runs.schema import OUTCOMES_FILE, outcomes_frame

# Hydra's compose API keeps global state: one composition at a time in a server whose sessions
# run in threads.
_COMPOSE_LOCK = threading.Lock()

#: Trace events that are a leader's shock (suspension, escalation, directive).
SHOCK_EVENTS = frozenset(kind.value for kind in EventKind)


@functools.lru_cache(maxsize=32)
def _composed(parameters: tuple[str, ...]) -> RunConfig:
    with _COMPOSE_LOCK:
        return compose_run_config(list(parameters))


@functools.lru_cache(maxsize=8)
def _loaded(run_dir: str) -> RunConfig:
    try:
        return load_run_config(Path(run_dir))
    except ReplayError as exc:
        raise ConfigError("run_dir", run_dir, str(exc)) from None


def negotiation_config(
    parameters: Sequence[str] = (), run_dir: str | None = None, seed: int | None = None
) -> RunConfig:
    """The run config the dashboard simulates.

    Args:
        parameters: Hydra overrides of ``conf/`` (as on the command line), when ``run_dir`` is
            not given.
        run_dir: A saved run (or sweep job) directory whose ``.hydra/config.yaml`` is used.
        seed: Replaces the config's seed if given.

    Returns:
        A validated config (a fresh copy: callers may change it).

    Raises:
        ConfigError: One line naming the bad key or value (or the unreadable run directory).
    """
    if run_dir and parameters:
        raise ConfigError(
            "parameters", list(parameters), "overrides apply to conf/, not to a saved run_dir"
        )
    cfg = copy.deepcopy(_loaded(str(run_dir)) if run_dir else _composed(tuple(parameters)))
    if seed is not None:
        cfg.seed = int(seed)
        validate_run(cfg)
    return cfg


def _reservation_of(model: mesa.Model, party: int, track: int) -> float:
    return float(cast(NegotiationModel, model).state.reservation[0, party, track])


def reservation_reporters(model: NegotiationModel) -> dict[str, Callable[[mesa.Model], float]]:
    """Mesa model reporters: each party's current reservation value on each of its tracks."""
    compiled = model.compiled
    reporters: dict[str, Callable[[mesa.Model], float]] = {}
    for k, track in enumerate(compiled.tracks):
        for p in track.parties:
            label = f"{compiled.party_names[p]} · {track.name}"
            reporters[label] = functools.partial(_reservation_of, party=p, track=k)
    return reporters


class LiveNegotiation(NegotiationModel):
    """Replicate ``replicate`` of a run, alone, played week by week with its full trace.

    Args:
        replicate: The replicate index (its random numbers depend only on the seed and it).
        seed: The experiment seed (default: the config's).
        parameters: Hydra overrides of ``conf/`` (as ``python -m sim`` takes them).
        run_dir: A saved run directory whose config to use instead of ``conf/``.

    Raises:
        ConfigError: One line naming the bad key or value.
    """

    def __init__(
        self,
        replicate: int = 0,
        seed: int | None = None,
        parameters: Sequence[str] = (),
        run_dir: str | None = None,
    ) -> None:
        replicate = int(replicate)
        require(replicate >= 0, "replicate", replicate, "must be an integer >= 0")
        cfg = negotiation_config(parameters, run_dir, seed)
        experiment = build_experiment(cfg)
        super().__init__(
            experiment.compiled,
            experiment.politics,
            experiment.protocol,
            experiment.strategies,
            experiment.seed,
            np.array([replicate], dtype=np.int64),
            record_trace=True,
        )
        self.config = cfg
        self.replicate = replicate
        self.run_dir = run_dir
        self.datacollector = mesa.DataCollector(model_reporters=reservation_reporters(self))
        self.datacollector.collect(self)

    def step(self) -> None:
        """One week of the engine, then the reservation values for Mesa's plot."""
        super().step()
        self.datacollector.collect(self)


# --- what the page shows ------------------------------------------------------------------------


def week_date(model: NegotiationModel, week: int) -> dt.date:
    """The date of a week of talks (week 0 is the scenario's start)."""
    return model.compiled.scenario.start_date + dt.timedelta(weeks=int(week))


def weeks_played(model: NegotiationModel) -> int:
    """Weeks played so far (the next week to play)."""
    return int(model.state.week)


def trace_frame(model: NegotiationModel) -> pd.DataFrame:
    """The trace so far as a table (one row per event, offer, ratification and weekly state)."""
    return pd.DataFrame(model.trace)


def offers_frame(model: NegotiationModel) -> pd.DataFrame:
    """Every offer made so far: week, track, proposer, outcome, each party's utility, accepted."""
    trace = trace_frame(model)
    parties = model.compiled.party_names
    columns = [
        "week",
        "track",
        "proposer",
        "outcome",
        "accepted",
        *(f"utility_{p}" for p in parties),
        *(f"reservation_{p}" for p in parties),
    ]
    if trace.empty or "outcome" not in trace:
        return pd.DataFrame(columns=columns)
    offers = trace[trace["event"] == "offer"]
    return offers[columns].astype({"outcome": int, "accepted": bool}).reset_index(drop=True)


def reservation_history(model: NegotiationModel, track: str) -> pd.DataFrame:
    """Each week's reservation values on a track (after the week): week, party, reservation."""
    trace = trace_frame(model)
    columns = ["week", "party", "reservation"]
    if trace.empty or "is_open" not in trace:
        return pd.DataFrame(columns=columns)
    weekly = trace[(trace["event"] == "state") & (trace["track"] == track)]
    k = [t.name for t in model.compiled.tracks].index(track)
    parties = [model.compiled.party_names[p] for p in model.compiled.tracks[k].parties]
    long = weekly.melt(
        id_vars="week",
        value_vars=[f"reservation_{p}" for p in parties],
        var_name="party",
        value_name="reservation",
    )
    long["party"] = long["party"].str.removeprefix("reservation_")
    return long[columns].reset_index(drop=True)


def ratifications_frame(model: NegotiationModel) -> pd.DataFrame:
    """Every tentative deal sent home: each ratifying leader's probability and uniform draw.

    A deal is ratified when every draw is below its probability.
    """
    trace = trace_frame(model)
    if trace.empty or not (trace["event"] == "ratification").any():
        return pd.DataFrame(columns=["week", "track", "outcome", "ratified"])
    rows = trace[trace["event"] == "ratification"].dropna(axis=1, how="all")
    rows = rows.rename(columns={"accepted": "ratified"})
    extra = [c for c in rows.columns if c.startswith(("ratify_probability_", "ratify_draw_"))]
    rows = rows[["week", "track", "outcome", "ratified", *extra]]
    return rows.astype({"outcome": int, "ratified": bool}).reset_index(drop=True)


def _scripted_description(model: LiveNegotiation, week: int, kind: str, party: str) -> str:
    """The config's description of a scripted event, or ``stochastic`` for a leader's shock."""
    scripted = model.compiled.scenario.politics.events
    for spec, ev in zip(scripted, model.config.scenario.events, strict=False):
        if spec.week == week and spec.kind.value == kind and spec.party == party:
            return f"scripted: {ev.description}" if ev.description else "scripted"
    return "stochastic shock"


def events_frame(model: LiveNegotiation) -> pd.DataFrame:
    """What happened so far, by week: shocks, conditions that emerged, deals and rejections."""
    trace = trace_frame(model)
    leaders = {ld.party: ld.name for ld in model.compiled.scenario.politics.leaders}
    rows: list[dict[str, object]] = []
    if not trace.empty:
        for ev in trace[trace["event"].isin(SHOCK_EVENTS)].itertuples():
            week, kind, party = int(ev.week), str(ev.event), str(ev.proposer)
            origin = _scripted_description(model, week, kind, party)
            rows.append(
                {
                    "week": week,
                    "event": kind,
                    "who": leaders.get(party, party),
                    "track": "",
                    "detail": f"{int(ev.weeks)} week(s); {origin}",
                }
            )
        for ev in trace[trace["event"] == "ratification"].itertuples():
            rows.append(
                {
                    "week": int(ev.week),
                    "event": "deal ratified" if ev.accepted else "deal rejected at home",
                    "who": "",
                    "track": str(ev.track),
                    "detail": f"outcome {int(ev.outcome)}",
                }
            )
    played = weeks_played(model)
    for c, cond in enumerate(model.compiled.scenario.politics.conditions):
        week = int(model.state.condition_week[0, c])
        if week < played:
            rows.append(
                {
                    "week": week,
                    "event": "condition holds",
                    "who": "",
                    "track": "",
                    "detail": cond.name + (" (from the start)" if week == 0 else " (emerged)"),
                }
            )
    table = pd.DataFrame(rows, columns=["week", "event", "who", "track", "detail"])
    table = table.sort_values("week", kind="stable").reset_index(drop=True)
    table.insert(1, "date", [week_date(model, w).isoformat() for w in table["week"]])
    return table


@dataclass(frozen=True)
class UtilitySpace:
    """One track's outcome space in the two parties' utilities.

    Attributes:
        track: Track name.
        parties: The two parties at the track (x axis first).
        utilities: ``(2, n)`` each outcome's utility to each party.
        frontier: Indices of the Pareto-efficient outcomes, by the first party's utility.
        nash: Index of the Nash bargaining outcome (disagreement: the status quo), if any.
        status_quo: Index of the status-quo outcome.
    """

    track: str
    parties: tuple[str, str]
    utilities: np.ndarray
    frontier: np.ndarray
    nash: int | None
    status_quo: int


def utility_spaces(model: NegotiationModel) -> list[UtilitySpace]:
    """Every track's outcome space, Pareto frontier and Nash point (as the summary has them)."""
    spaces = []
    for track in model.compiled.tracks:
        utilities = track.utilities[list(track.parties)]
        a, b = (model.compiled.party_names[p] for p in track.parties)
        spaces.append(
            UtilitySpace(
                track=track.name,
                parties=(a, b),
                utilities=utilities,
                frontier=pareto_frontier(utilities),
                nash=nash_point(utilities, utilities[:, track.status_quo]),
                status_quo=track.status_quo,
            )
        )
    return spaces


def track_status(model: NegotiationModel) -> pd.DataFrame:
    """Per track: open, suspended or concluded, and each party's reservation value now."""
    state, compiled = model.state, model.compiled
    rows = []
    for k, track in enumerate(compiled.tracks):
        if not state.is_open[0, k]:
            status = f"deal in week {int(state.agreement_week[0, k])}"
        elif state.suspended_until[0, k] > state.week:
            status = f"suspended until week {int(state.suspended_until[0, k])}"
        elif state.week >= model.n_weeks:
            status = "no deal by the deadline"
        else:
            status = "open"
        row: dict[str, object] = {"track": track.name, "status": status}
        for p in track.parties:
            row[f"reservation_{compiled.party_names[p]}"] = round(
                float(state.reservation[0, p, k]), 3
            )
        rows.append(row)
    return pd.DataFrame(rows)


def _negotiator_state(model: NegotiationModel, agent: Negotiator) -> str:
    state, names = model.state, model.compiled.tracks
    parts = []
    for k in agent.tracks:
        made = state.offers[0, k, agent.party, : max(state.week, 0)]
        last = made[made >= 0]
        offer = f"last offer {int(last[-1])}" if last.size else "no offer yet"
        parts.append(f"{names[k].name}: rv {state.reservation[0, agent.party, k]:.3f}, {offer}")
    return "; ".join(parts)


def _leader_state(model: NegotiationModel, agent: Leader) -> str:
    state = model.state
    hazards = ", ".join(f"{k.value} {v:g}/wk" for k, v in agent.spec.hazards.items() if v > 0)
    suspended = int(state.suspended_until[0, agent.own_tracks].max(initial=0))
    directive = int(state.directive_until[0, agent.party].max(initial=0))
    bits = [f"hazards: {hazards or 'none'}"]
    if suspended > state.week:
        bits.append(f"talks suspended until week {suspended}")
    if directive > state.week:
        bits.append(f"directive until week {directive}")
    bits.append(f"escalations so far {int(state.escalations[0])}")
    return "; ".join(bits)


def _stakeholder_state(model: NegotiationModel, agent: Stakeholder) -> str:
    """Its mobilisation and its weekly push on the tracks it presses (while they are open)."""
    names = model.compiled.tracks
    pushes = [
        f"{names[k].name} {agent.push[0, k]:+.4f}/wk"
        for k in range(len(names))
        if agent.push[0, k] != 0.0 and model.state.is_open[0, k]
    ]
    return (
        f"influence {agent.spec.influence:g}, mobilisation {agent.strength[0]:.2f}; "
        f"pushes {', '.join(pushes) or 'on no open track'}"
    )


def agents_frame(model: NegotiationModel) -> pd.DataFrame:
    """Every Mesa agent with its role and its state this week."""
    state = model.state
    rows = []
    for agent in model.agents:
        party = model.compiled.party_names[agent.party] if hasattr(agent, "party") else ""
        if isinstance(agent, Negotiator):
            role = f"negotiator ({type(agent.strategy).__name__})"
            detail = _negotiator_state(model, agent)
        elif isinstance(agent, Leader):
            role, detail = "leader", _leader_state(model, agent)
        elif isinstance(agent, Stakeholder):
            role = f"stakeholder ({agent.spec.stance.value})"
            detail = _stakeholder_state(model, agent)
        elif isinstance(agent, Coordinator):
            drift = state.mandate_drift[0, agent.party]
            role = "coordinator"
            detail = f"momentum {agent.spec.mandate_momentum:g}; mandate drift {drift.sum():+.3f}"
            if agent.spec.link_max_gap > 0:  # its links: tracks bridged so far (sim.agents.linking)
                n_links = 0 if agent.linked is None else int(agent.linked[0].sum())
                detail += f"; links up to gap {agent.spec.link_max_gap:g}: {n_links} made"
        else:  # an agent kind this table does not know yet: still listed
            role, detail = type(agent).__name__, ""
        name = getattr(getattr(agent, "spec", None), "name", f"agent {agent.unique_id}")
        rows.append({"agent": name, "party": party, "role": role, "state": detail})
    return pd.DataFrame(rows, columns=["agent", "party", "role", "state"])


def final_outcome(model: NegotiationModel) -> pd.DataFrame:
    """The replicate's outcome rows as ``outcomes.parquet`` would hold them (once finished)."""
    return outcomes_frame(model.compiled, model.seed, model.outcome_columns())


def reproduction_check(model: LiveNegotiation) -> tuple[str, ...] | None:
    """Differences from the saved run's rows of this replicate (``None``: no saved run to check).

    Only meaningful once the model has finished.
    """
    if not model.run_dir:
        return None
    path = Path(model.run_dir) / OUTCOMES_FILE
    if not path.exists():
        return None
    stored = pd.read_parquet(path, filters=[("replicate", "==", model.replicate)])
    if stored.empty:
        return (f"replicate {model.replicate} is not in {path}",)
    return compare_outcomes(final_outcome(model), stored.reset_index(drop=True))
