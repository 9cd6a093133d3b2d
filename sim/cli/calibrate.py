"""``python -m sim.calibrate``: ABC on the pre-start record and out-of-sample scores (Hydra).

``conf/calibrate.yaml`` with the groups ``priors``, ``observations`` (the fitting set) and
``observations@score`` (the scoring set): ``python -m sim.calibrate method=smc n_draws=2000
'params=[scenario.leaders.trump.suspension_hazard_per_week]'``. One ``config error:`` line for a
bad value.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.cli.compose import CONF_DIR
from sim.cli.explore import container, fail, prior_options, run_app
from sim.config.errors import ConfigError

_SETTINGS = (
    "method",
    "n_draws",
    "quantile",
    "population_size",
    "max_populations",
    "abc_seed",
    "n_replicates",
    "forecast_draws",
    "forecast_replicates",
    "n_workers",
    "backend",
    "address",
    "progress",
)


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="calibrate")
def _app(cfg: DictConfig) -> None:
    from sim.uncertainty.api import calibrate
    from sim.uncertainty.observations import parse_observations

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        entries, extra = prior_options(cfg)
        fit = container(cfg.observations)
        score = container(cfg.score)
        result = calibrate(
            parse_observations(fit, f"observations={fit.get('name', '?')}"),
            parse_observations(score, f"score={score.get('name', '?')}"),
            overrides=[str(o) for o in container(cfg.overrides)],
            priors=entries,
            prior=extra,
            run_dir=out_dir,
            seed=int(cfg.seed),
            params=[str(p) for p in container(cfg.params)],
            horizons=[str(h) for h in container(cfg.horizons)],
            **{key: container(cfg[key]) for key in _SETTINGS},
        )
    except ConfigError as exc:
        fail(exc)
        return
    print(
        f"acceptance rate {result.acceptance_rate:.2%}, "
        f"{len(result.posterior_draws)} posterior draws -> {out_dir}/report.html"
    )


def main() -> None:
    """Run the Hydra app (``python -m sim.calibrate``)."""
    run_app(_app)
