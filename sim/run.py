"""Command-line entry point: ``python -m sim.run [overrides]`` (``-m`` for a multirun sweep).

The only module that imports Hydra. It composes ``conf/``, converts the config once into typed
dataclasses, validates it and hands it to :func:`execute`, which simulates the replicates and writes
the run directory: ``outcomes.parquet``, ``summary.json``, ``manifest.json`` and figures, next to
Hydra's ``.hydra/`` (the resolved config and the overrides).
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import ConfigAttributeError, ConfigKeyError, OmegaConfBaseException

from sim.config import ConfigError, RunConfig, register_configs, validate
from sim.experiment import Experiment, resolve_workers, run_replicates
from sim.factory import build_protocol, build_strategies, compile_run
from sim.report import jsonable, write_outputs
from sim.results import build_manifest, write_json

register_configs()


def build_experiment(cfg: RunConfig) -> Experiment:
    """Compile the scenario and build everything a replicate needs (once per run)."""
    compiled, politics = compile_run(cfg)
    return Experiment(
        compiled=compiled,
        politics=politics,
        protocol=build_protocol(cfg.protocol, compiled),
        strategies=build_strategies(cfg.negotiator, compiled),
        seed=cfg.seed,
    )


def format_summary(summary: pd.DataFrame) -> str:
    """A plain-text table of deal likelihoods with their 95% intervals."""
    lines = [f"{'track':<18} {'deal likelihood':>15}  {'95% interval':>17}  {'mean week':>9}"]
    for row in summary.itertuples():
        week = "-" if pd.isna(row.mean_agreement_week) else f"{row.mean_agreement_week:.1f}"
        lines.append(
            f"{row.track:<18} {row.deal_likelihood:>15.1%}  "
            f"[{row.ci_low:>6.1%}, {row.ci_high:>6.1%}]  {week:>9}"
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
    started = time.perf_counter()
    experiment = build_experiment(cfg)
    outcomes = run_replicates(
        experiment, cfg.n_replicates, cfg.batch_size, cfg.n_workers, progress=cfg.progress
    )
    simulated = time.perf_counter() - started
    header = {"scenario": cfg.scenario.name, "seed": cfg.seed, "n_replicates": cfg.n_replicates}
    result = write_outputs(out_dir, outcomes, experiment.compiled, header)
    wall = time.perf_counter() - started
    manifest_extra = {
        "simulation_time_s": round(simulated, 3),
        "n_replicates": cfg.n_replicates,
        "batch_size": cfg.batch_size,
        "n_workers": resolve_workers(cfg.n_workers),
        "replicates_per_second": round(cfg.n_replicates / max(simulated, 1e-9), 1),
        "config": jsonable(cfg),
    }
    write_json(out_dir / "manifest.json", build_manifest(cfg.seed, wall, manifest_extra))
    print(format_summary(pd.DataFrame(result["deal_likelihood"])))
    print(f"{cfg.n_replicates:,} replicates in {wall:.2f} s -> {out_dir}")
    return result


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def _app(dict_cfg: DictConfig) -> dict[str, Any]:
    cfg = OmegaConf.to_object(dict_cfg)
    assert isinstance(cfg, RunConfig)
    try:
        validate(cfg)
    except ConfigError as exc:  # exit here, before Hydra logs a multi-line job failure
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    return execute(cfg, Path(HydraConfig.get().runtime.output_dir))


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
    text = re.sub(r"\s*(full_key:|Config search path).*", "", text)
    return text or type(exc).__name__


def main() -> None:
    """Run the Hydra app; config mistakes exit with status 2 and one line on stderr."""
    # Let config exceptions reach us instead of Hydra's multi-line report.
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        _app()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        sys.exit(2)
    except (HydraException, OmegaConfBaseException) as exc:
        print(f"config error: {one_line_error(exc)}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
