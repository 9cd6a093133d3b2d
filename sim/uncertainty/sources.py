"""The files of the uncertainty tools: priors and observation sets, loaded as untrusted data.

A set is named (``canada_us_2025`` reads ``conf/priors/canada_us_2025.yaml``) or given as a path
outside ``conf/``; either way it goes through :func:`sim.config.untrusted.load_data_file`, so a
file cannot name code or read the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.config.untrusted import load_data_file
from sim.uncertainty.priors import Prior, PriorSet, build_prior_set, priors_from_entries

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
DEFAULT_PRIORS = "canada_us_2025"


def resolve_set(group: str, name_or_path: str | Path) -> Path:
    """A set's file: ``conf/<group>/<name>.yaml`` for a bare name, else the path itself.

    Raises:
        ConfigError: No such set or file (naming the group's sets).
    """
    text = str(name_or_path)
    if "/" not in text and not text.endswith((".yaml", ".yml")):
        path = CONF_DIR / group / f"{text}.yaml"
        if not path.is_file():
            names = sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))
            raise ConfigError(group, text, f"no such set; one of {names} or a path to a .yaml file")
        return path
    path = Path(text)
    if not path.is_file():
        raise ConfigError(group, text, "no such file")
    return path


def load_set(group: str, name_or_path: str | Path) -> dict[str, Any]:
    """A priors or observations file's contents as plain containers."""
    path = resolve_set(group, name_or_path)
    data = OmegaConf.to_container(load_data_file(path), resolve=True)
    if not isinstance(data, dict):
        raise ConfigError(str(path), type(data).__name__, "must be a mapping with 'entries'")
    return {str(k): v for k, v in data.items()}


def load_priors_file(name_or_path: str | Path) -> list[Prior]:
    """The priors of a priors file (``entries: [{key, dist, why}, ...]``)."""
    data = load_set("priors", name_or_path)
    return priors_from_entries(data.get("entries", []), str(name_or_path))


def default_priors(cfg: RunConfig | None = None) -> PriorSet:
    """The default Canada-U.S. prior set, checked against ``cfg`` when given."""
    return build_prior_set(load_priors_file(DEFAULT_PRIORS), cfg=cfg)
