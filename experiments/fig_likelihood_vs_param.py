"""Deal likelihood against a swept parameter: per track, each point with its 95 % interval.

    python experiments/fig_likelihood_vs_param.py SWEEP_DIR [--param KEY] [--tracks T ...]
        [--out DIR]

``--param`` defaults to the sweep's only swept parameter (the x axis); any other swept parameter
gives one curve per value. The figure is the sweep's own (:func:`sim.plots.plot_sweep_likelihoods`,
as the sweep callback draws it): one panel per track on one fixed 0–100 % axis, parameters and
tracks named in words, numeric parameters as lines, categories (True/False, strategies) as
points never joined. Intervals are the runs' Wilson intervals. Writes
``<out>/likelihood_vs_<param>.png`` and ``.pdf`` (``--out`` defaults to the sweep directory).
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import pandas as pd

from sim.plots import plot_sweep_likelihoods
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import COMPLETE, swept_parameters
from sim.runs.sweep_outputs import long_table

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: Every job of the sweep, found on disk or expected but missing.
load_runs = sweep_aggregate.load_runs
#: The aggregate table's complete jobs.
aggregate = sweep_aggregate.complete_table


def likelihoods(table: pd.DataFrame, tracks: list[str] | None = None) -> pd.DataFrame:
    """One row per complete job and track (the sweep's long table), only ``tracks`` if given."""
    long = long_table(table)
    long = long[(long["status"] == COMPLETE) & long["track"].notna()]
    if tracks:
        unknown = sorted(set(tracks) - set(long["track"]))
        if unknown:
            _common.fail(
                f"--tracks: no track {unknown}; the sweep has {sorted(set(long['track']))}"
            )
        long = long[long["track"].isin(tracks)]
    return long


def plot(table: pd.DataFrame, param: str, path: Path, tracks: list[str] | None = None) -> Path:
    """Draw the likelihoods against ``param`` (other swept parameters: one curve per value)."""
    others = [p for p in swept_parameters(table) if p != param]
    return plot_sweep_likelihoods(likelihoods(table, tracks), [param, *others], path)


PARSER = _common.results_parser(
    __doc__,
    _common.option("--param", help="the swept parameter on the x axis (a config key)"),
    _common.TRACKS,
    out_help=_common.SWEEP_OUT_HELP,
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    table = aggregate(_common.load_records(load_runs, args.results_dir))
    (param,) = _common.swept_axes(table, [args.param], "--param")
    out = _common.out_dir(args) / f"likelihood_vs_{param.replace('.', '_')}.png"
    return _common.wrote(plot(table, param, out, args.tracks))


if __name__ == "__main__":
    sys.exit(main())
