"""Package mode's reservation values, derived from the sectoral tracks' so the two are paired.

A party's utility of a package is its weighted mean over every issue, so with ``W_k`` the party's
weight of track ``k``'s issues the package utility is ``sum_k (W_k / W) u_k``. The reservation
value that makes a package acceptable exactly when the track deals would be, on average, is the
same mean of the track reservation values:

    rv_package = sum_k (W_k / W) rv_k

Comparing ``scenario.package_mode=true`` with the sectoral tracks then compares two protocols on
one calibration, not two calibrations (an explicit ``track_reservation_values.package`` wins).
"""

from __future__ import annotations

from sim.config.schema import PartyConfig
from sim.domain.scenario import Track


def package_reservation(party: PartyConfig, tracks: tuple[Track, ...]) -> float:
    """``sum_k (W_k / W) rv_k`` over the sectoral ``tracks`` (the party's own weights)."""
    weight = {t.name: sum(party.weights.get(i, 0.0) for i in t.issues) for t in tracks}
    total = sum(weight.values())
    if total <= 0:
        return party.reservation_value
    rv = {
        t.name: party.track_reservation_values.get(t.name, party.reservation_value) for t in tracks
    }
    return sum(weight[k] * rv[k] for k in weight) / total
