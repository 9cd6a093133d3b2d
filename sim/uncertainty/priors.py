"""Priors on config values: ``uniform(a,b)``-style specs, loaded from YAML or the command line.

A prior is a key of the run config (``scenario.parties.canada.reservation_value``), a
distribution written as a call (``uniform(0.35, 0.55)``, ``triangular(0.6, 0.7, 0.8)``,
``truncnormal(0.05, 0.02, 0, 0.15)``, ``beta(2, 8)``, ``normal(0.5, 0.1)``,
``loguniform(0.001, 0.05)``) and why it has that range. A set of priors maps the unit hypercube to
parameter values through each prior's quantile function, so every design (LHS, Sobol, Saltelli,
Morris) is drawn on [0, 1]^d and the same points serve any priors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from sim.config.errors import ConfigError
from sim.config.schema import RunConfig
from sim.uncertainty.params import numeric_value, with_values

FloatArray = npt.NDArray[np.float64]

#: Distribution name -> its parameters, in the order a spec lists them.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "truncnormal": ("mean", "sd", "low", "high"),
    "beta": ("a", "b"),
}
_SPEC = re.compile(r"^\s*([A-Za-z_]+)\s*\(([^()]*)\)\s*$")
# The quantiles whose values must pass validation (a prior's effective support).
_FACE = 1e-6
_EDGE_QUANTILES = (_FACE, 0.5, 1.0 - _FACE)


@dataclass(frozen=True)
class Prior:
    """One parameter's prior.

    Attributes:
        key: Dotted config key (a numeric value).
        dist: Distribution name (a key of :data:`DISTRIBUTIONS`).
        args: Its parameters, in :data:`DISTRIBUTIONS` order.
        why: The reason for the range (shown in tables and reports).
    """

    key: str
    dist: str
    args: tuple[float, ...]
    why: str = ""

    @property
    def spec(self) -> str:
        """The prior written back as ``dist(a, b)``."""
        return f"{self.dist}({', '.join(f'{a:g}' for a in self.args)})"

    def scipy_form(self) -> tuple[str, dict[str, float]]:
        """The scipy.stats distribution name and keyword arguments (pyabc's ``RV`` takes them)."""
        a = self.args
        if self.dist == "uniform":
            return "uniform", {"loc": a[0], "scale": a[1] - a[0]}
        if self.dist == "loguniform":
            return "loguniform", {"a": a[0], "b": a[1]}
        if self.dist == "triangular":
            c = (a[1] - a[0]) / (a[2] - a[0])
            return "triang", {"c": c, "loc": a[0], "scale": a[2] - a[0]}
        if self.dist == "normal":
            return "norm", {"loc": a[0], "scale": a[1]}
        if self.dist == "truncnormal":
            lo, hi = (a[2] - a[0]) / a[1], (a[3] - a[0]) / a[1]
            return "truncnorm", {"a": lo, "b": hi, "loc": a[0], "scale": a[1]}
        return "beta", {"a": a[0], "b": a[1]}

    def frozen(self) -> Any:
        """The scipy.stats frozen distribution."""
        name, kwargs = self.scipy_form()
        return getattr(stats, name)(**kwargs)

    def ppf(self, u: FloatArray) -> FloatArray:
        """Values at quantiles ``u`` in [0, 1]."""
        # the unit cube's faces (Morris levels 0 and 1) map to finite values for every prior
        clipped = np.clip(u, _FACE, 1.0 - _FACE)
        return np.asarray(self.frozen().ppf(clipped), dtype=np.float64)


def _bad(key: str, spec: Any, allowed: str) -> ConfigError:
    return ConfigError(f"prior.{key}", spec, allowed)


def _check_args(key: str, spec: str, dist: str, args: Sequence[float]) -> None:
    """Bounds in order, positive scales, a mode inside its range: one-line errors."""
    names = DISTRIBUTIONS[dist]
    if len(args) != len(names):
        raise _bad(key, spec, f"{dist} takes {len(names)} numbers ({', '.join(names)})")
    if not all(math.isfinite(x) for x in args):
        raise _bad(key, spec, "parameters must be finite numbers")
    if dist in {"uniform", "loguniform"} and not args[0] < args[1]:
        raise _bad(key, spec, "inverted or empty bounds: needs low < high")
    if dist == "loguniform" and args[0] <= 0:
        raise _bad(key, spec, "loguniform needs 0 < low < high")
    if dist == "triangular" and not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
        raise _bad(key, spec, "inverted bounds: needs low <= mode <= high and low < high")
    if dist in {"normal", "truncnormal"} and args[1] <= 0:
        raise _bad(key, spec, "needs sd > 0")
    if dist == "truncnormal" and not args[2] < args[3]:
        raise _bad(key, spec, "inverted or empty bounds: needs low < high")
    if dist == "beta" and not (args[0] > 0 and args[1] > 0):
        raise _bad(key, spec, "beta needs a > 0 and b > 0")


def parse_prior(key: str, spec: Any, why: str = "") -> Prior:
    """A prior from a spec string such as ``uniform(0.6, 0.8)``.

    Raises:
        ConfigError: ``prior.<key>=<spec>: <what is allowed>`` (unsupported distribution,
            wrong number of parameters, inverted bounds, non-positive scale).
    """
    match = _SPEC.match(spec) if isinstance(spec, str) else None
    if match is None:
        raise _bad(key, spec, f"write a prior as dist(a, b, ...) with dist one of {_names()}")
    dist = match.group(1).lower()
    if dist not in DISTRIBUTIONS:
        raise _bad(key, spec, f"unsupported distribution {dist!r}: one of {_names()}")
    try:
        args = tuple(float(x) for x in match.group(2).split(",") if x.strip())
    except ValueError:
        raise _bad(key, spec, "parameters must be numbers") from None
    _check_args(key, spec, dist, args)
    return Prior(key=key, dist=dist, args=args, why=why)


def _names() -> str:
    return ", ".join(DISTRIBUTIONS)


@dataclass(frozen=True)
class PriorSet:
    """Priors on distinct keys, in a fixed order (the columns of every design)."""

    priors: tuple[Prior, ...]

    @property
    def keys(self) -> list[str]:
        """The parameters' keys, in design-column order."""
        return [p.key for p in self.priors]

    def __len__(self) -> int:
        return len(self.priors)

    def values(self, unit: FloatArray) -> FloatArray:
        """Map points of the unit hypercube ``(n, d)`` to parameter values ``(n, d)``."""
        unit = np.atleast_2d(np.asarray(unit, dtype=np.float64))
        if unit.shape[1] != len(self):
            raise ValueError(f"unit points have {unit.shape[1]} columns, priors {len(self)}")
        return np.column_stack([p.ppf(unit[:, j]) for j, p in enumerate(self.priors)])

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        """``n`` independent prior draws ``(n, d)``."""
        return self.values(rng.random((n, len(self))))

    def log_density(self, values: FloatArray) -> FloatArray:
        """Joint log prior density of parameter values ``(n, d)`` (independent priors)."""
        values = np.atleast_2d(values)
        parts = [p.frozen().logpdf(values[:, j]) for j, p in enumerate(self.priors)]
        return np.sum(parts, axis=0)

    def select(self, keys: Iterable[str]) -> PriorSet:
        """The priors of these keys, in the given order (a one-line error for one without)."""
        by_key = {p.key: p for p in self.priors}
        chosen = []
        for key in keys:
            if key not in by_key:
                raise ConfigError(
                    "params", key, f"has no prior ({len(self)} priors; add +prior.{key}=...)"
                )
            chosen.append(by_key[key])
        return PriorSet(tuple(chosen))

    def check_against(self, cfg: RunConfig) -> None:
        """Every key exists and is numeric, and values across each prior's support validate.

        Raises:
            ConfigError: An unknown or non-numeric key, or a prior whose range leaves what the
                key allows (e.g. a probability prior reaching above 1).
        """
        for prior in self.priors:
            numeric_value(cfg, prior.key)
            for q in _EDGE_QUANTILES:
                value = float(prior.ppf(np.array([q]))[0])
                try:
                    with_values(cfg, {prior.key: value})
                except ConfigError as exc:
                    raise _bad(
                        prior.key, prior.spec, f"its range reaches {value:g}, refused: {exc}"
                    ) from None


def priors_from_entries(entries: Any, source: str) -> list[Prior]:
    """Priors from a YAML list of ``{key, dist, why}`` mappings (a priors group file).

    Raises:
        ConfigError: A malformed entry, naming the file and the entry.
    """
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        raise ConfigError(f"{source}: priors", entries, "must be a list of {key, dist, why}")
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not {"key", "dist"} <= set(entry):
            raise ConfigError(f"{source}: priors[{i}]", entry, "needs key and dist (and why)")
        out.append(parse_prior(str(entry["key"]), entry["dist"], str(entry.get("why", ""))))
    return out


def flatten_cli_priors(node: Any, prefix: str = "") -> dict[str, Any]:
    """``+prior.a.b.c='uniform(0,1)'`` arrives nested; flatten it to ``{'a.b.c': spec}``."""
    if not isinstance(node, Mapping):
        return {prefix: node}
    out: dict[str, Any] = {}
    for k, v in node.items():
        out.update(flatten_cli_priors(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def build_prior_set(
    entries: Sequence[Prior], extra: Mapping[str, Any] | None = None, cfg: RunConfig | None = None
) -> PriorSet:
    """Merge a file's priors with command-line ones (which replace the same key), check them.

    Args:
        entries: Priors from a priors file, in order.
        extra: Key -> spec string from the command line or the API (replacing or adding).
        cfg: The run config they apply to (checked when given).
    """
    by_key: dict[str, Prior] = {}
    for prior in entries:
        if prior.key in by_key:
            raise _bad(prior.key, prior.spec, "given twice in the priors file")
        by_key[prior.key] = prior
    for key, spec in (extra or {}).items():
        if isinstance(spec, Prior):
            by_key[key] = spec
        else:
            why = "command line" if key not in by_key else f"command line (file: {by_key[key].why})"
            by_key[key] = parse_prior(key, spec, why)
    prior_set = PriorSet(tuple(by_key.values()))
    if not len(prior_set):
        raise ConfigError("priors", [], "no priors given: choose priors=<set> or add +prior.<key>")
    if cfg is not None:
        prior_set.check_against(cfg)
    return prior_set
