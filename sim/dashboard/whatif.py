"""What if: move the main parameters and re-run an ensemble with the same seed.

The controls are derived from the run config (every leader's shock hazards and ratification
premium, linkage, package mode, each party's strategy and beta, the deadline), each named by its
config key, so a set of changes is a list of ``key=value`` overrides that ``python -m sim``
accepts as well (:func:`command_line`). Changes are applied to a copy of the typed config and
validated (:func:`apply_changes`); the ensemble is simulated in this process with one worker
(:func:`run_ensemble`). The baseline and every what-if share the seed, so replicate ``i`` sees the
same random numbers in both and their difference is a paired comparison.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.likelihood import ALL_TRACKS, deal_likelihoods
from sim.analysis.outcomes import cumulative_deals
from sim.api import format_override
from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.config.strategies import STRATEGIES
from sim.config.validation import validate_run
from sim.runs.experiment import build_experiment, run_replicates

#: Ensemble sizes offered; the smallest answers in well under two seconds.
ENSEMBLE_SIZES = (2_000, 5_000, 10_000)
#: Deadlines offered besides the config's own: end of 2025, the USMCA joint review (1 July 2026)
#: and the annual reviews after it (as in ``conf/experiment/deadline_pressure.yaml``).
DEADLINES = ("2025-12-31", "2026-07-01", "2027-07-01", "2028-07-01")
#: Shock hazards a leader may have (fields ``<kind>_hazard_per_week`` of ``LeaderConfig``).
HAZARDS = ("suspension", "escalation", "directive")


@dataclass(frozen=True)
class Control:
    """One what-if control, named by the config key it sets.

    Attributes:
        key: Dotted config key, e.g. ``scenario.leaders.trump.suspension_hazard_per_week``.
        label: What the page shows.
        kind: Mesa ``UserInputs`` input type: ``SliderFloat``, ``Select`` or ``Checkbox``.
        value: Its value in the baseline config.
        minimum: Slider minimum.
        maximum: Slider maximum.
        step: Slider step.
        choices: Select choices.
    """

    key: str
    label: str
    kind: str
    value: Any
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[Any, ...] = ()

    def user_param(self, value: Any) -> dict[str, Any]:
        """The control as Mesa's ``UserInputs`` describes an input, showing ``value``."""
        spec: dict[str, Any] = {"type": self.kind, "label": self.label, "value": value}
        if self.kind == "SliderFloat":
            spec.update(min=self.minimum, max=self.maximum, step=self.step)
        elif self.kind == "Select":
            spec["values"] = list(self.choices)
        return spec


def _slider(key: str, label: str, value: float, low: float, high: float, step: float) -> Control:
    """A slider whose range always holds the baseline value."""
    value = float(value)
    return Control(key, label, "SliderFloat", value, min(low, value), max(high, value), step)


def controls_for(cfg: RunConfig) -> list[Control]:
    """The what-if controls of a config, with its values as the baseline."""
    sc = cfg.scenario
    controls: list[Control] = []
    for key, leader in sc.leaders.items():
        base = f"scenario.leaders.{key}"
        for kind in HAZARDS:
            field = f"{kind}_hazard_per_week"
            if hasattr(leader, field):
                controls.append(
                    _slider(
                        f"{base}.{field}",
                        f"{leader.name}: {kind} hazard per week",
                        getattr(leader, field),
                        0.0,
                        0.3,
                        0.01,
                    )
                )
        controls.append(
            _slider(
                f"{base}.ratification_threshold_premium",
                f"{leader.name}: ratification premium",
                leader.ratification_threshold_premium,
                -0.1,
                0.3,
                0.01,
            )
        )
        controls += _reacting_leader(base, leader)
    controls += _talks_dynamics(cfg)
    controls.append(
        Control("scenario.linkage", "Linkage (Keystone XL in metals)", "Checkbox", sc.linkage)
    )
    controls.append(
        Control("scenario.package_mode", "Package mode (one deal)", "Checkbox", sc.package_mode)
    )
    for party, negotiator in cfg.negotiator.items():
        name = sc.parties[party].name if party in sc.parties else party
        controls.append(
            Control(
                f"negotiator.{party}.strategy",
                f"{name}: strategy",
                "Select",
                negotiator.strategy,
                choices=tuple(sorted(STRATEGIES)),
            )
        )
        beta = 1.0 if negotiator.beta is None else float(negotiator.beta)
        controls.append(
            _slider(
                f"negotiator.{party}.beta",
                f"{name}: beta (time_dependent; < 1 Boulware)",
                beta,
                0.1,
                5.0,
                0.1,
            )
        )
    deadlines = tuple(sorted({sc.deadline, *DEADLINES}))
    controls.append(
        Control("scenario.deadline", "Deadline", "Select", sc.deadline, choices=deadlines)
    )
    return controls


#: Leaders who react (docs/model.md): (field, label, slider maximum, step); 0 switches it off.
REACTIONS = (
    ("audience_cost_per_escalation", "audience cost per escalation", 0.2, 0.01),
    ("provocation_response", "termination hazard after a provocation", 1.0, 0.05),
    ("resumption_hazard_per_week", "resumption hazard per week", 1.0, 0.05),
)


def _reacting_leader(base: str, leader: Any) -> list[Control]:
    """A leader's reactions: audience costs, provoked terminations, resumptions (issue 10)."""
    return [
        _slider(
            f"{base}.{field}", f"{leader.name}: {label}", getattr(leader, field), 0.0, top, step
        )
        for field, label, top, step in REACTIONS
        if hasattr(leader, field)
    ]


def _talks_dynamics(cfg: RunConfig) -> list[Control]:
    """Costly delay, directives and the open-ended review (issue 10); 0 switches each off."""
    protocol, review = cfg.protocol, cfg.scenario.review
    return [
        _slider(
            "protocol.delay_cost_scale",
            "Cost of delay (x the tariffs in force; 0: none)",
            protocol.delay_cost_scale,
            0.0,
            3.0,
            0.1,
        ),
        _slider(
            "protocol.directive_time_boost",
            "Directive: concession time gained",
            protocol.directive_time_boost,
            0.0,
            0.5,
            0.05,
        ),
        _slider(
            "protocol.directive_ratification_bonus",
            "Directive: readier ratification",
            protocol.directive_ratification_bonus,
            0.0,
            0.2,
            0.01,
        ),
        _slider(
            "scenario.review.end_probability",
            "Review: P(talks end for good) at each review",
            review.end_probability,
            0.0,
            1.0,
            0.05,
        ),
        _slider(
            "scenario.review.confirm_probability",
            "Review: P(review confirmed) at each review",
            review.confirm_probability,
            0.0,
            1.0,
            0.05,
        ),
    ]


def changed(controls: Sequence[Control], values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the baseline, in control order."""
    return {c.key: values[c.key] for c in controls if c.key in values and values[c.key] != c.value}


def _set(node: Any, path: list[str], value: Any, key: str) -> None:
    """Set ``node.a.b...`` (attributes of dataclasses, items of dicts) to ``value``."""
    head, *rest = path
    if isinstance(node, dict):
        if head not in node:
            raise ConfigError(key, value, f"no {head!r} here (one of {sorted(node)})")
        if rest:
            _set(node[head], rest, value, key)
        else:
            node[head] = value
        return
    if not dataclasses.is_dataclass(node) or not hasattr(node, head):
        raise ConfigError(key, value, f"not a config key ({head!r} is unknown)")
    if rest:
        _set(getattr(node, head), rest, value, key)
    else:
        setattr(node, head, value)


def apply_changes(cfg: RunConfig, changes: Mapping[str, Any]) -> RunConfig:
    """A validated copy of ``cfg`` with ``changes`` (config key -> value) applied.

    Raises:
        ConfigError: One line naming the key, the value and what is allowed.
    """
    out = copy.deepcopy(cfg)
    for key, value in changes.items():
        _set(out, key.split("."), value, key)
    validate_run(out)
    return out


def command_line(base: Sequence[str], changes: Mapping[str, Any]) -> str:
    """The ``python -m sim`` command that runs the same what-if (at any ensemble size)."""
    overrides = [*base, *(format_override(k, v) for k, v in changes.items())]
    return " ".join(["python -m sim", *overrides])


@dataclass(frozen=True)
class Ensemble:
    """An ensemble's deal likelihoods and deals-over-time curves.

    Attributes:
        likelihoods: One row per track and ``all_tracks``: ``deal_likelihood``, ``ci_low``,
            ``ci_high`` (95% Wilson), ``mean_agreement_week``, ``n_replicates``.
        deals_over_time: Share of replicates with a ratified deal by each week, per track.
        n_replicates: Replicates simulated.
        seconds: Wall time of the simulation.
    """

    likelihoods: pd.DataFrame
    deals_over_time: pd.DataFrame
    n_replicates: int
    seconds: float


def run_ensemble(cfg: RunConfig, n_replicates: int) -> Ensemble:
    """Simulate replicates ``0 .. n_replicates - 1`` of ``cfg`` in this process.

    One worker and one batch (``batch_size`` raised to the ensemble): forking workers from a
    server with live threads is unsafe, and one batch is the fastest way to step a few thousand
    replicates. The outcome table does not depend on either, so these are the replicates a full
    run of the same config simulates.
    """
    started = time.perf_counter()
    experiment = build_experiment(cfg)
    outcomes = run_replicates(experiment, n_replicates, batch_size=n_replicates, n_workers=1)
    likelihoods = deal_likelihoods(outcomes)
    curves = cumulative_deals(outcomes, experiment.compiled.n_weeks)
    return Ensemble(likelihoods, curves, n_replicates, time.perf_counter() - started)


def comparison_shown(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`comparison` as the page shows it: percentages, intervals and the change in points.

    Narrow enough to sit beside its chart (the raw table's eight numeric columns were not).
    """

    def share(p: float) -> str:
        return "" if pd.isna(p) else f"{100 * p:.1f}%"

    def interval(low: float, high: float) -> str:
        return "" if pd.isna(low) else f"[{100 * low:.1f}, {100 * high:.1f}]"

    def points(d: float) -> str:
        return "" if pd.isna(d) else f"{100 * d:+.1f}"

    rows = table.to_dict("records")
    columns = {("", "track"): [r["track"] for r in rows]}
    for run, label in (("baseline", "baseline"), ("what_if", "what if")):
        columns[(label, "likelihood")] = [share(r[f"deal_likelihood_{run}"]) for r in rows]
        columns[(label, "95% interval")] = [
            interval(r[f"ci_low_{run}"], r[f"ci_high_{run}"]) for r in rows
        ]
    columns[("change", "points")] = [points(r["difference"]) for r in rows]
    return pd.DataFrame(columns)


def comparison(baseline: Ensemble, what_if: Ensemble) -> pd.DataFrame:
    """Per track: baseline and what-if likelihoods with their intervals, and the difference."""
    cols = ["track", "deal_likelihood", "ci_low", "ci_high"]
    merged = baseline.likelihoods[cols].merge(
        what_if.likelihoods[cols], on="track", how="outer", suffixes=("_baseline", "_what_if")
    )
    merged["difference"] = merged["deal_likelihood_what_if"] - merged["deal_likelihood_baseline"]
    # the baseline's tracks in their order, then tracks only the what-if has (package mode)
    order = list(dict.fromkeys([*baseline.likelihoods["track"], *what_if.likelihoods["track"]]))
    order.sort(key=lambda t: t == ALL_TRACKS)  # stable: "every track" stays last
    return merged.set_index("track").loc[order].reset_index()
