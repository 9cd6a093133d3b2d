"""Final-tariff distributions per sector across the points of a sweep.

    python experiments/fig_tariff_distributions.py SWEEP_DIR [--issues I ...] [--out DIR]

One panel per tariff issue (the ``rate_<issue>`` columns of each job's ``outcomes.parquet``):
for each sweep point, a bubble per final tariff level whose area is the share of replicates
ending there (deal or status quo), and a black bar at the mean. Writes
``<out>/tariff_distributions.png``.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pyarrow.parquet as pq

from sim.plots import save_figure
from sim.runs import aggregate as sweep_aggregate
from sim.runs.aggregate import COMPLETE, JobRecord, point_labels
from sim.runs.schema import OUTCOMES_FILE

sys.path.append(str(Path(__file__).resolve().parent))  # for _common when loaded by file location
import _common

#: The jobs of a sweep directory, or the run itself for a run directory.
load_runs = sweep_aggregate.load_run_or_sweep


def aggregate(records: list[JobRecord], issues: list[str] | None = None) -> pd.DataFrame:
    """Share of replicates at each final tariff, per complete job and issue.

    Columns: ``point`` (position), ``label``, ``issue``, ``rate`` and ``share``.
    """
    records = [r for r in records if r.status == COMPLETE and r.job_dir is not None]
    table = sweep_aggregate.aggregate(records)
    labels = point_labels(table) if len(table) > 1 else ["run"]
    parts = []
    for point, (record, label) in enumerate(zip(records, labels, strict=True)):
        assert record.job_dir is not None
        path = record.job_dir / OUTCOMES_FILE
        names = [n for n in pq.read_schema(path).names if n.startswith("rate_")]
        if issues:
            names = [n for n in names if n.removeprefix("rate_") in issues]
        frame = pd.read_parquet(path, columns=names)
        for name in names:
            shares = frame[name].dropna().round(6).value_counts(normalize=True)
            parts.append(
                pd.DataFrame(
                    {
                        "point": point,
                        "label": label,
                        "issue": name.removeprefix("rate_"),
                        "rate": shares.index.to_numpy(dtype=float),
                        "share": shares.to_numpy(dtype=float),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def plot(data: pd.DataFrame, path: Path) -> Path:
    issues = list(dict.fromkeys(data["issue"]))
    labels = list(dict.fromkeys(data["label"]))
    ncols = min(len(issues), 3)
    nrows = -(-len(issues) // ncols)
    width = max(4.5, 0.9 * len(labels) + 1.5)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, 3.4 * nrows), squeeze=False, layout="constrained"
    )
    for ax, issue in zip(axes.flat, issues, strict=False):
        rows = data[data["issue"] == issue]
        ax.scatter(
            rows["point"], rows["rate"] * 100, s=rows["share"] * 700, alpha=0.5, color="#4C72B0"
        )
        means = rows.assign(w=rows["rate"] * rows["share"]).groupby("point")["w"].sum()
        ax.scatter(means.index, means.to_numpy() * 100, marker="_", s=500, color="black", lw=2)
        ax.set_xticks(range(len(labels)), labels, rotation=30 if len(labels) > 3 else 0, fontsize=7)
        ax.set_xlim(-0.6, len(labels) - 0.4)
        ax.set_ylim(-3, rows["rate"].max() * 100 + 5)
        ax.set_title(issue.replace("_", " "), fontsize=10)
        ax.set_ylabel("final tariff (%)")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(issues) :]:
        ax.set_visible(False)
    fig.suptitle(
        "Final tariffs per sector (bubble area: share of replicates; bar: mean)", fontsize=11
    )
    return save_figure(fig, path, dpi=130)


PARSER = _common.results_parser(
    __doc__,
    _common.option("--issues", nargs="+", help="tariff issues to draw (default: all)"),
    **_common.RUN_OR_SWEEP,
)


@_common.command(PARSER)
def main(args: Namespace) -> int:
    records = _common.load_complete(load_runs, args.results_dir)
    data = aggregate(records, args.issues)
    return _common.wrote(plot(data, _common.out_dir(args) / "tariff_distributions.png"))


if __name__ == "__main__":
    sys.exit(main())
