"""Workload 2 with NegMAS 0.16 as a comparator (``make bench-compare``; runs in ``.venv-negmas``).

Reads the same scenario file as our engine (``conf/scenario/bench_8issue.yaml``): eight issues,
46,656 outcomes, linear-additive utilities with weights normalised to sum to 1, and 52 steps of
NegMAS's ``SAOMechanism`` (one step = one offer from each side). The United States (added first,
so it proposes first) plays a time-based Boulware negotiator with aspiration exponent 1 / 0.2 = 5,
Canada a Conceder with exponent 1 / 5 = 0.2 (NegMAS's ``u(t) = 1 - t**e``; our ``beta = 1 / e``).
Each negotiation draws both reservation values from U(0.3, 0.5) and builds its mechanism, utility
functions and negotiators afresh, as a Monte Carlo replicate must. Only NegMAS's public API is used.

Usage::

    .venv-negmas/bin/python benchmarks/negmas_compare.py --n 5 \\
        --ours benchmarks/out/eight_issue.json
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from negmas import SAOMechanism, make_issue
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.value_fun import TableFun
from negmas.sao.negotiators.timebased import TimeBasedConcedingNegotiator

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "conf" / "scenario" / "bench_8issue.yaml"
OUT_DIR = HERE / "out"
N_STEPS = 52
EXPONENT = {"united_states": 1 / 0.2, "canada": 1 / 5.0}  # Boulware, Conceder
FIRST_MOVER = "united_states"
SEED = 20251010


def load_scenario(path: Path = SCENARIO) -> dict[str, Any]:
    """The scenario YAML as plain data."""
    return yaml.safe_load(path.read_text())


def run_negotiation(sc: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """Build and run one NegMAS negotiation; return its result and wall time."""
    start = time.perf_counter()
    names = list(sc["issues"])
    issues = [make_issue(name=n, values=list(sc["issues"][n]["options"])) for n in names]
    mechanism = SAOMechanism(issues=issues, n_steps=N_STEPS, time_limit=None)
    order = [FIRST_MOVER, *(p for p in sc["parties"] if p != FIRST_MOVER)]
    ufuns = {}
    for party in order:
        pref = sc["parties"][party]
        lo = pref["reservation_value"] - pref["reservation_value_spread"]
        hi = pref["reservation_value"] + pref["reservation_value_spread"]
        total = sum(pref["weights"].get(n, 0.0) for n in names)
        ufun = LinearAdditiveUtilityFunction(
            values=[TableFun(dict(pref["values"][n])) for n in names],
            weights=[pref["weights"].get(n, 0.0) / total for n in names],
            outcome_space=mechanism.outcome_space,
            reserved_value=float(rng.uniform(lo, hi)),
        )
        ufuns[party] = ufun
        negotiator = TimeBasedConcedingNegotiator(
            name=party, offering_curve=EXPONENT[party], stochastic=False
        )
        mechanism.add(negotiator, ufun=ufun)
    state = mechanism.run()
    wall = time.perf_counter() - start
    deal = state.agreement
    utility = {p: float(u(deal)) if deal is not None else None for p, u in ufuns.items()}
    return {"wall_s": wall, "agreed": deal is not None, "step": int(state.step), "utility": utility}


def compare(n: int, ours: dict[str, Any] | None) -> dict[str, Any]:
    """Run ``n`` timed negotiations (after one untimed warm-up) and compare with our record."""
    sc = load_scenario()
    rng = np.random.default_rng(SEED)
    n_outcomes = int(np.prod([len(i["options"]) for i in sc["issues"].values()]))
    run_negotiation(sc, rng)  # warm-up: imports, caches
    runs = [run_negotiation(sc, rng) for _ in range(n)]
    times = [r["wall_s"] for r in runs]
    best, median = min(times), statistics.median(times)
    result: dict[str, Any] = {
        "negmas_version": importlib.metadata.version("negmas"),
        "python": platform.python_version(),
        "n_outcomes": n_outcomes,
        "n_steps": N_STEPS,
        "negotiations": n,
        "times_s": [round(t, 4) for t in times],
        "negmas_rate_best": 1 / best,
        "negmas_rate_median": 1 / median,
        "negmas_deal_rate": float(np.mean([r["agreed"] for r in runs])),
        "negmas_mean_agreement_step": float(np.mean([r["step"] for r in runs])),
    }
    if ours is not None:
        result.update(
            ours_rate_best=ours["rate_best"],
            ours_rate_median=ours["rate_median"],
            ours_n=ours["n"],
            ratio_best=ours["rate_best"] / result["negmas_rate_best"],
            ratio_median=ours["rate_median"] / result["negmas_rate_median"],
        )
    return result


def render(res: dict[str, Any]) -> str:
    """A markdown summary."""
    rows = [
        (
            "NegMAS SAOMechanism",
            res["negotiations"],
            res["negmas_rate_best"],
            res["negmas_rate_median"],
        )
    ]
    if "ours_rate_best" in res:
        rows.append(
            ("this engine, 1 core", res["ours_n"], res["ours_rate_best"], res["ours_rate_median"])
        )
    lines = [
        f"NegMAS {res['negmas_version']} (Python {res['python']}), {res['n_outcomes']:,} outcomes,"
        f" {res['n_steps']} steps, {res['negotiations']} timed negotiations:"
        f" deal rate {res['negmas_deal_rate']:.0%},"
        f" mean final step {res['negmas_mean_agreement_step']:.1f}.",
        "",
        "| engine | negotiations timed | best negotiations/s | median negotiations/s |",
        "|:---|---:|---:|---:|",
        *(f"| {name} | {n:,} | {best:,.2f} | {median:,.2f} |" for name, n, best, median in rows),
    ]  # fmt: skip
    if "ratio_best" in res:
        lines += [
            "",
            f"Ratio (ours / NegMAS): {res['ratio_best']:,.0f}x (best),"
            f" {res['ratio_median']:,.0f}x (median).",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="workload 2 on NegMAS, next to our engine")
    parser.add_argument("--n", type=int, default=5, help="timed NegMAS negotiations")
    parser.add_argument("--ours", type=Path, help="our engine's workload-2 record (JSON)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    ours = json.loads(args.ours.read_text()) if args.ours and args.ours.exists() else None
    res = compare(args.n, ours)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "negmas_compare.json").write_text(json.dumps(res, indent=2) + "\n")
    md = render(res)
    (args.out / "negmas_compare.md").write_text(md)
    print(md, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
