"""``python -m sim.explore``: a design over the priors from the command line (Hydra).

``conf/explore.yaml`` with the groups ``design`` and ``priors``; any key can be overridden
(``design=lhs design.size=500 n_replicates=1000 'params=[scenario.review.end_probability]'``),
priors added with ``+prior.<key>='uniform(a,b)'``, model values with
``'overrides=[scenario.linkage=false]'``. A bad value stops with one ``config error:`` line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.cli import trust
from sim.cli.compose import CONF_DIR, one_line_error
from sim.config.errors import ConfigError


def container(node: Any) -> Any:
    """A config node as plain Python containers."""
    return OmegaConf.to_container(node, resolve=True) if OmegaConf.is_config(node) else node


def prior_options(cfg: DictConfig) -> tuple[list[Any], dict[str, Any]]:
    """The priors group's entries and the command line's ``prior`` specs (flattened keys)."""
    from sim.uncertainty.priors import flatten_cli_priors, priors_from_entries

    group = container(cfg.get("priors")) or {}
    entries = priors_from_entries(group.get("entries", []), f"priors={group.get('name', '?')}")
    return entries, flatten_cli_priors(container(cfg.get("prior")) or {})


def fail(exc: ConfigError) -> None:
    """Print the one-line error and exit with status 2 (as ``python -m sim`` does)."""
    print(f"config error: {exc}", file=sys.stderr)
    sys.exit(2)


@hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name="explore")
def _app(cfg: DictConfig) -> None:
    from sim.uncertainty.api import explore

    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        entries, extra = prior_options(cfg)
        design = container(cfg.design)
        prim = container(cfg.prim)
        result = explore(
            str(design["name"]),
            overrides=[str(o) for o in container(cfg.overrides)],
            priors=entries,
            prior=extra,
            run_dir=out_dir,
            seed=int(cfg.seed),
            size=int(design["size"]),
            levels=int(design.get("levels") or 4),
            design_seed=int(design.get("seed", 0)),
            params=[str(p) for p in container(cfg.params)],
            n_replicates=int(cfg.n_replicates),
            n_workers=int(cfg.n_workers),
            backend=container(cfg.backend),
            address=container(cfg.address),
            progress=bool(cfg.progress),
            prim=bool(prim["enabled"]),
            prim_output=str(prim["output"]),
            prim_threshold=float(prim["threshold"]),
        )
    except ConfigError as exc:
        fail(exc)
        return
    print(f"{len(result.values)} points -> {out_dir}/report.html")


def run_app(app: Any) -> None:
    """Run a Hydra app; config mistakes exit with status 2 and one line on stderr."""
    os.environ["HYDRA_FULL_ERROR"] = "1"  # let errors reach us, not Hydra's multi-line report
    try:
        trust.check_command_line(sys.argv[1:])  # user files are data (as for python -m sim)
        app()
    except ConfigError as exc:
        fail(exc)
    except (HydraException, OmegaConfBaseException) as exc:
        print(f"config error: {one_line_error(exc)}", file=sys.stderr)
        sys.exit(2)


def main() -> None:
    """Run the Hydra app (``python -m sim.explore``)."""
    run_app(_app)
