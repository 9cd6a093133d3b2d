"""Per-negotiator settings: a negotiator plays its party's strategy unless it sets its own.

``scenario.negotiators.<key>`` takes every field of ``negotiator.<party>`` (``None``: the
party's value) plus ``mandate``, a shift of the party's mean reservation value on the tracks the
negotiator leads. :func:`resolve_negotiator` merges the two into the negotiator's own
:class:`~sim.config.schema.NegotiatorConfig`; :func:`validate_negotiator_actors` checks the merged
settings with the same checks as a party's, under the negotiator's key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from sim.config.errors import require
from sim.config.schema import NegotiatorActorConfig, NegotiatorConfig, RunConfig, ScenarioConfig

#: The strategy fields a negotiator may set for itself (every field of ``NegotiatorConfig``).
STRATEGY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(NegotiatorConfig))


def own_settings(actor: NegotiatorActorConfig) -> dict[str, Any]:
    """The strategy fields the negotiator sets itself (those not left to its party)."""
    return {
        name: getattr(actor, name) for name in STRATEGY_FIELDS if getattr(actor, name) is not None
    }


def resolve_negotiator(cfg: RunConfig, key: str) -> NegotiatorConfig:
    """The negotiator's strategy config: its party's, with the fields it sets itself."""
    actor = cfg.scenario.negotiators[key]
    return replace(cfg.negotiator[actor.party], **own_settings(actor))


def validate_negotiator_actors(
    cfg: RunConfig, check_strategy: Callable[[str, NegotiatorConfig], None]
) -> None:
    """Check each negotiator's own settings, its mandate, and that it leads a track.

    Args:
        cfg: The run config.
        check_strategy: The check of one strategy config under a key
            (:func:`sim.config.validation.validate_strategy_config`).

    Raises:
        ConfigError: One line naming ``scenario.negotiators.<key>.<field>``.
    """
    sc = cfg.scenario
    for key, actor in sc.negotiators.items():
        prefix = f"scenario.negotiators.{key}"
        require(
            math.isfinite(actor.mandate) and -1.0 <= actor.mandate <= 1.0,
            f"{prefix}.mandate",
            actor.mandate,
            "must be in [-1, 1] (a shift of the party's reservation value on its tracks)",
        )
        _require_tracks(sc, key, actor)
        if own_settings(actor) and actor.party in cfg.negotiator:
            require(
                key not in sc.parties,
                prefix,
                key,
                "a negotiator with its own settings needs a key that is not a party's",
            )
            check_strategy(prefix, resolve_negotiator(cfg, key))


def _require_tracks(sc: ScenarioConfig, key: str, actor: NegotiatorActorConfig) -> None:
    require(
        bool(actor.tracks) or sc.allow_idle_negotiators or sc.package_mode,
        f"scenario.negotiators.{key}.tracks",
        list(actor.tracks),
        "a negotiator must lead at least one track (or set scenario.allow_idle_negotiators=true)",
    )
