"""Rubinstein's agents on grids that do not contain the subgame-perfect share exactly.

The proposer offers its best grid point that still leaves the responder its continuation value
(rounding in the responder's favour), so the first offer is accepted and the split is within one
grid step of the closed form, on fine grids and coarse ones. The 1e-4 grid (10,002 options) also
exercises validation that is linear in the option count.
"""

from __future__ import annotations

import pytest

from sim.config.schema import IssueConfig, IssueKind, RunConfig
from sim.config.validation import validate_run
from sim.runs.experiment import run_replicates
from tests.conftest import compose_run_config, experiment_for


def pie_on_grid(d1: float, d2: float, n_steps: int, first_mover: str = "player_1") -> RunConfig:
    """The pie scenario with player 1's share on the grid 0, 1/n_steps, ..., 1 (plus no deal)."""
    cfg = compose_run_config(
        [
            "scenario=pie_rubinstein",
            "negotiator=rubinstein",
            f"negotiator.player_1.discount={d1}",
            f"negotiator.player_2.discount={d2}",
            f"protocol.first_mover={first_mover}",
            "n_replicates=2",
        ]
    )
    shares = {f"s{i}": i / n_steps for i in range(n_steps + 1)}
    labels = [*shares, "no_deal"]
    sc = cfg.scenario
    sc.issues = {
        "share": IssueConfig(options=labels, status_quo="no_deal", kind=IssueKind.concession)
    }
    sc.parties["player_1"].values = {"share": {**shares, "no_deal": 0.0}}
    sc.parties["player_2"].values = {
        "share": {**{k: 1.0 - x for k, x in shares.items()}, "no_deal": 0.0}
    }
    validate_run(cfg)  # 10,002 options: linear-time validation keeps this quick
    return cfg


def closed_form_first_share(d1: float, d2: float) -> float:
    return (1 - d2) / (1 - d1 * d2)


@pytest.mark.parametrize(
    ("d1", "d2", "n_steps"),
    [(0.9, 0.8, 10_000), (0.9, 0.8, 7), (0.9, 0.9, 10), (0.95, 0.9, 100), (0.6, 0.7, 3)],
)
def test_first_offer_is_accepted_within_one_grid_step_in_the_responders_favour(d1, d2, n_steps):
    out = run_replicates(experiment_for(pie_on_grid(d1, d2, n_steps)), n_replicates=2, batch_size=2)
    assert out["agreed"].all()
    assert (out["agreement_week"] == 0).all()  # no jump to the responder's counter-offer
    x1 = closed_form_first_share(d1, d2)
    share = out["utility_player_1"]
    assert (share <= x1 + 1e-12).all()  # rounded towards the responder
    assert (share > x1 - 1.0 / n_steps - 1e-12).all()  # by less than one grid step


def test_second_mover_proposes_on_the_grid_too():
    d1, d2, n_steps = 0.9, 0.8, 10_000
    out = run_replicates(
        experiment_for(pie_on_grid(d1, d2, n_steps, "player_2")), n_replicates=2, batch_size=2
    )
    x2 = closed_form_first_share(d2, d1)  # player 2 proposes its own SPE share
    assert (out["agreement_week"] == 0).all()
    share = out["utility_player_2"]
    assert ((share <= x2 + 1e-12) & (share > x2 - 1.0 / n_steps - 1e-12)).all()
