"""Command-line entry point: ``python -m sim.run [overrides]`` (``-m`` for a multirun sweep).

The only module that imports Hydra. It composes ``conf/``, converts the config once into typed
dataclasses, validates it and hands it to :func:`execute`, which simulates the replicates and writes
the run directory: ``outcomes.parquet``, ``summary.json``, ``manifest.json`` and figures, next to
Hydra's ``.hydra/`` (the resolved config and the overrides).
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException, OverrideParseException
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.config import ConfigError, RunConfig, register_configs, validate
from sim.sweep import run_job

if TYPE_CHECKING:
    import pandas as pd

# The simulation stack (Mesa, pandas, scipy, matplotlib) is imported inside the functions that use
# it: worker processes re-import this entry module, and a light import is what keeps their start-up
# short.

register_configs()

#: The config directory (``conf/`` next to the ``sim`` package).
CONF_DIR = Path(__file__).resolve().parent.parent / "conf"


def format_summary(summary: pd.DataFrame) -> str:
    """A plain-text table of deal likelihoods with their 95% intervals."""
    lines = [f"{'track':<18} {'deal likelihood':>15}  {'95% interval':>17}  {'mean week':>9}"]
    for row in summary.to_dict("records"):
        mean_week = float(row["mean_agreement_week"])
        week = "-" if math.isnan(mean_week) else f"{mean_week:.1f}"
        lines.append(
            f"{row['track']!s:<18} {row['deal_likelihood']:>15.1%}  "
            f"[{row['ci_low']:>6.1%}, {row['ci_high']:>6.1%}]  {week:>9}"
        )
    return "\n".join(lines)


def execute(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
    """Simulate a validated run config and write its run directory.

    Args:
        cfg: The run config (already validated).
        out_dir: The run directory (Hydra's output dir).

    Returns:
        The summary written to ``summary.json``.
    """
    import pandas as pd

    from sim.adaptive import simulate_outcomes
    from sim.experiment import resolve_workers
    from sim.factory import build_experiment
    from sim.report import jsonable, write_outputs
    from sim.results import build_manifest, write_json

    started = time.perf_counter()
    experiment = build_experiment(cfg)
    outcomes, adaptive = simulate_outcomes(experiment, cfg)
    n_replicates = adaptive.n_replicates if adaptive is not None else cfg.n_replicates
    simulated = time.perf_counter() - started
    header: dict[str, Any] = {
        "scenario": cfg.scenario.name,
        "seed": cfg.seed,
        "n_replicates": n_replicates,
    }
    if adaptive is not None:
        header["adaptive"] = adaptive.to_dict()
    result = write_outputs(out_dir, outcomes, experiment.compiled, header)
    wall = time.perf_counter() - started
    manifest_extra = {
        "simulation_time_s": round(simulated, 3),
        "n_replicates": n_replicates,
        "batch_size": cfg.batch_size,
        "n_workers": resolve_workers(cfg.n_workers),
        "replicates_per_second": round(n_replicates / max(simulated, 1e-9), 1),
        "config": jsonable(cfg),
    }
    write_json(out_dir / "manifest.json", build_manifest(cfg.seed, wall, manifest_extra))
    print(format_summary(pd.DataFrame(result["deal_likelihood"])))
    if adaptive is not None:
        print(adaptive.describe())
    print(f"{n_replicates:,} replicates in {wall:.2f} s -> {out_dir}")
    return result


def _validate_and_execute(cfg: RunConfig, out_dir: Path) -> dict[str, Any]:
    validate(cfg)
    return execute(cfg, out_dir)


# Absolute, so the app finds conf/ however it is started (``python -m sim``, ``python -m sim.run``
# or ``sim.run.main()`` from Python), not only when this module is ``__main__``.
@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="config")
def _app(dict_cfg: DictConfig) -> dict[str, Any] | None:
    cfg = OmegaConf.to_object(dict_cfg)
    assert isinstance(cfg, RunConfig)
    hydra_cfg = HydraConfig.get()
    out_dir = Path(hydra_cfg.runtime.output_dir)
    if hydra_cfg.mode is RunMode.MULTIRUN:  # one point of a sweep: resume; record, not raise
        return run_job(cfg, out_dir, _validate_and_execute, multirun=True)
    try:
        validate(cfg)
    except ConfigError as exc:  # exit here, before Hydra logs a multi-line job failure
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    return run_job(cfg, out_dir, execute, multirun=False)


def _keyed_omegaconf_error(exc: BaseException) -> OmegaConfBaseException | None:
    """The outermost OmegaConf error in the cause chain that names a config key."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, OmegaConfBaseException) and getattr(cur, "full_key", None):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def one_line_error(exc: BaseException) -> str:
    """Collapse a Hydra/OmegaConf config error into one line: key, value, what is allowed."""
    cause = _keyed_omegaconf_error(exc)
    if cause is not None and getattr(cause, "full_key", None):
        msg = str(getattr(cause, "msg", "") or cause).split("\n")[0].strip()
        text = f"{cause.full_key}: {msg}"
        object_type = getattr(cause, "object_type", None)
        if isinstance(cause, ConfigKeyError | ConfigAttributeError) and is_dataclass(object_type):
            allowed = ", ".join(sorted(f.name for f in fields(object_type)))
            text += f" (allowed keys: {allowed})"
        return text
    text = " ".join(str(exc).split())
    text = re.sub(r"\s*(full_key:|Config search path|See https://hydra.cc).*", "", text)
    if isinstance(exc, OverrideParseException):
        text = re.sub(r"^Error parsing override '[^']*'\s*", "", text)
        text = f"cannot parse override {exc.override!r}: {text}"
    return text or type(exc).__name__


def main() -> None:
    """Run the Hydra app; config mistakes exit with status 2 and one line on stderr."""
    # Let config exceptions reach us instead of Hydra's multi-line report.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    from sim import callbacks

    callbacks.reset_sweep_report()
    try:
        _app()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    except (HydraException, OmegaConfBaseException) as exc:
        print(f"config error: {one_line_error(exc)}", file=sys.stderr)
        sys.exit(2)
    report, error = callbacks.sweep_report(), callbacks.sweep_error()
    if error is not None:
        print(f"sweep error: {error}", file=sys.stderr)
        sys.exit(1)
    if report is not None and not report.is_complete:
        print(f"sweep incomplete: {report.headline()}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
