"""What a sweep writes into its folder when it ends, beside ``aggregate.parquet``/``.csv``.

* ``aggregate_long.parquet`` and ``.csv``: one row per job and track (``job``, ``status``, the
  parameters, ``track``, ``deal_likelihood``, ``ci_low``, ``ci_high``, ``mean_agreement_week``),
  the tidy table beside the wide one (whose columns grow with tracks x metrics).
* ``deal_likelihood_sweep.png``/``.pdf``: every track's likelihood with its interval at every
  point (:func:`sim.plots.plot_sweep_likelihoods`), unless figures are off.
* ``report.html``: the figure, the likelihood table, the jobs and their status, and links to each
  job's own files (:mod:`sim.runs.report`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.runs.aggregate import (
    COMPLETE,
    TRACK_METRICS,
    SweepReport,
    parameter_columns,
    point_labels,
    swept_parameters,
    write_aggregate,
)
from sim.runs.report import (
    REPORT_FILE,
    Figure,
    Links,
    Section,
    Table,
    Text,
    write_report,
)

LONG_NAME = "aggregate_long"
SWEEP_FIGURE = "deal_likelihood_sweep"


def long_table(table: pd.DataFrame) -> pd.DataFrame:
    """The wide aggregate as one row per job and track (complete jobs; others keep one row)."""
    params = parameter_columns(table)
    tracks = [c.removeprefix("deal_likelihood/") for c in table if c.startswith("deal_likelihood/")]
    rows = []
    for record in table.to_dict("records"):
        head = {"job": record["job"], "status": record["status"], **{p: record[p] for p in params}}
        if record["status"] != COMPLETE or not tracks:
            rows.append({**head, "track": None})
            continue
        for track in tracks:
            metrics = {m: record.get(f"{m}/{track}") for m in TRACK_METRICS}
            rows.append({**head, "track": track, **metrics})
    columns = ["job", "status", *params, "track", *TRACK_METRICS]
    return pd.DataFrame(rows, columns=columns)


def _likelihood_frame(long: pd.DataFrame, params: list[str]) -> pd.DataFrame:
    done = long[long["status"] == COMPLETE].copy()

    def pct(v: float) -> str:
        return "–" if pd.isna(v) else (f"{v:.2%}" if 0 < v < 0.01 else f"{v:.1%}")

    out = done[["job", *params, "track"]].copy()
    out["deal likelihood"] = done["deal_likelihood"].map(pct)
    out["95 % interval"] = [
        f"[{pct(lo)}, {pct(hi)}]" for lo, hi in zip(done["ci_low"], done["ci_high"], strict=True)
    ]
    return out


def write_sweep_outputs(report: SweepReport, figures: bool = True) -> tuple[Path, ...]:
    """Write the long table, the sweep figure (when ``figures``) and ``report.html``.

    Returns:
        The files written.
    """
    sweep_dir, table = report.sweep_dir, report.table
    long = long_table(table)
    paths = list(write_aggregate(long, sweep_dir, LONG_NAME))
    params = swept_parameters(table) if len(table) else []
    done = long[(long["status"] == COMPLETE) & long["track"].notna()]
    items: list = [Text(report.headline())]
    if figures and len(done):
        from sim.plots import plot_sweep_likelihoods  # matplotlib only here, once per sweep

        png = plot_sweep_likelihoods(done, params, sweep_dir / f"{SWEEP_FIGURE}.png")
        paths += [png, png.with_suffix(".pdf")]
        items.append(
            Figure("Deal likelihood across the sweep", png, vector=png.with_suffix(".pdf"))
        )
    items.append(
        Table(
            "Deal likelihood per point and track",
            _likelihood_frame(long, params),
            "Share of replicates with a ratified deal; Wilson 95 % interval.",
        )
    )
    jobs = table[["job", "status", *parameter_columns(table), "error_type", "error_message"]]
    jobs = jobs.assign(point=point_labels(table, params) if len(table) else [])
    job_reports = [
        Path(d) / REPORT_FILE for d in table["job_dir"].dropna() if (Path(d) / REPORT_FILE).exists()
    ]
    sections = [
        Section("Results", items),
        Section("Jobs", [Table("Jobs and their status", jobs)]),
        Section(
            "Files",
            [Links([*paths, *report.paths, *sorted(sweep_dir.glob("*.yaml")), *job_reports])],
        ),
    ]
    title = f"Sweep {sweep_dir.name}"
    paths.append(write_report(sweep_dir / REPORT_FILE, title, sections, report.headline()))
    return tuple(paths)
