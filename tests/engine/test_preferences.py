"""Preferences and vetoes from sources (issue 11): C-202, and package vs sectoral on one basis."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.build import build_scenario
from sim.config.errors import ConfigError
from sim.domain.outcome_space import compile_scenario
from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for

SMALL = ["n_replicates=300", "batch_size=300", "progress=false"]
NO_VETO = "scenario.leaders.carney.vetoed_options.dairy_access=[]"


def _dairy_conceded(overrides: list[str]) -> tuple[float, float]:
    """Share of autos deals granting dairy access, and of replicates with an autos deal."""
    cfg = compose_run_config(SMALL + overrides)
    outcomes = run_replicates(experiment_for(cfg), cfg.n_replicates, cfg.batch_size, 1)
    autos = outcomes[outcomes.track == "autos"]
    granted = (autos.agreed & (autos.option_dairy_access == "expand_trq")).mean()
    return float(granted), float(autos.agreed.mean())


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
@pytest.mark.parametrize("policy", ["expected_utility", "pareto"])
def test_with_the_c202_veto_no_dairy_concession_is_ever_ratified(policy: str) -> None:
    both = [
        f"negotiator.canada.offer_policy={policy}",
        f"negotiator.united_states.offer_policy={policy}",
    ]
    vetoed, _ = _dairy_conceded(both)
    assert vetoed == 0.0
    unvetoed, _ = _dairy_conceded([*both, NO_VETO])
    assert unvetoed > 0.0  # the veto, not the preferences alone, keeps dairy out


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_anticipating_negotiators_close_more_autos_deals_under_the_veto() -> None:
    """Offers that anticipate the veto avoid deals Carney cannot ratify (Putnam's win-set)."""
    naive = [f"negotiator.{p}.offer_policy=pareto" for p in ("canada", "united_states")]
    aware = [f"negotiator.{p}.offer_policy=expected_utility" for p in ("canada", "united_states")]
    _, anticipating = _dairy_conceded(aware)
    _, blind = _dairy_conceded(naive)
    assert anticipating > blind


def test_a_vetoed_option_must_exist_and_not_be_the_status_quo() -> None:
    for bad in ("dairy_access=[nonsense]", "dairy_access=[status_quo]"):
        with pytest.raises(ConfigError, match=r"vetoed_options\.dairy_access"):
            compose_run_config([f"scenario.leaders.carney.vetoed_options.{bad}"])


def test_package_reservation_values_are_the_tracks_weighted_mean() -> None:
    """rv_package = sum_k (W_k / W) rv_k, so package and sectoral share one calibration."""
    sectoral = compose_run_config(SMALL)
    package = compose_run_config([*SMALL, "scenario.package_mode=true"])
    tracks = compile_scenario(build_scenario(sectoral.scenario, sectoral.protocol))
    whole = compile_scenario(build_scenario(package.scenario, package.protocol))
    for p, name in enumerate(tracks.party_names):
        party = sectoral.scenario.parties[name]
        weight = np.array(
            [sum(party.weights.get(i, 0.0) for i in t.issues) for t in tracks.scenario.tracks]
        )
        expected = float(weight @ tracks.reservation_mean[p] / weight.sum())
        assert whole.reservation_mean[p, 0] == pytest.approx(expected)
