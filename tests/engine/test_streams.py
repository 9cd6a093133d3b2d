"""Per-block random streams (:mod:`sim.engine.streams`).

A replicate's draws depend only on (seed, replicate, block name): not on its batch, on which other
replicates are drawn with it, nor on which other blocks exist.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.schema import StakeholderConfig, Stance
from sim.engine.streams import DrawBlock, draw_block, draw_blocks
from tests.conftest import experiment_for, single_issue_config

SEED = 20251010
BLOCKS = [
    DrawBlock("reservation.canada", (4,)),  # exactly one Philox step per replicate
    DrawBlock("shock.suspension.trump", (38,)),  # not a multiple of four
    DrawBlock("condition.private_sponsor", (2,)),
    DrawBlock("stakeholder.ca_steel", (1,)),
    DrawBlock("grid", (3, 5)),
]


def one_by_one(seed: int, replicates, block: DrawBlock) -> np.ndarray:
    return np.stack([draw_block(seed, np.array([i]), block)[0] for i in replicates])


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_a_batch_of_consecutive_replicates_equals_per_replicate_draws(block):
    batch = draw_block(SEED, np.arange(40, 90), block)
    assert batch.shape == (50, *block.shape)
    np.testing.assert_array_equal(batch, one_by_one(SEED, range(40, 90), block))
    assert ((batch >= 0.0) & (batch < 1.0)).all()


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_non_contiguous_replicate_sets_get_the_same_draws(block):
    full = draw_block(SEED, np.arange(0, 200), block)
    for subset in ([3, 7, 8, 9, 150, 199], [199, 3, 4, 0], [5], [10, 12, 14, 16]):
        picked = draw_block(SEED, np.array(subset), block)
        np.testing.assert_array_equal(picked, full[subset])


def test_adding_or_resizing_a_block_leaves_the_other_blocks_unchanged():
    replicates = np.arange(100)
    base = draw_blocks(SEED, replicates, BLOCKS)
    more = draw_blocks(SEED, replicates, [DrawBlock("stakeholder.new_lobby", (1,)), *BLOCKS])
    resized = [DrawBlock(b.name, (7,)) if b.name == "grid" else b for b in reversed(BLOCKS)]
    other = draw_blocks(SEED, replicates, resized)
    for block in BLOCKS:
        np.testing.assert_array_equal(more[block.name], base[block.name])
        if block.name != "grid":
            np.testing.assert_array_equal(other[block.name], base[block.name])


def test_different_block_names_and_seeds_give_different_draws():
    replicates = np.arange(50)
    block = DrawBlock("reservation.canada", (4,))
    draws = [
        draw_block(SEED, replicates, block),
        draw_block(SEED + 1, replicates, block),
        draw_block(0, replicates, block),
        draw_block(SEED, replicates, DrawBlock("reservation.united_states", (4,))),
        draw_block(SEED, replicates, DrawBlock("reservation.canad", (4,))),
    ]
    for i in range(len(draws)):
        for j in range(i):
            assert (draws[i] != draws[j]).all(), (i, j)
    # and neighbouring replicates of one block do not overlap
    assert np.unique(draws[0]).size == draws[0].size


def test_empty_inputs_and_repeated_names():
    block = DrawBlock("b", (3,))
    assert draw_block(SEED, np.array([], dtype=np.int64), block).shape == (0, 3)
    assert draw_block(SEED, np.arange(4), DrawBlock("none", (0,))).shape == (4, 0)
    with pytest.raises(ValueError, match="unique"):
        draw_blocks(SEED, np.arange(3), [block, DrawBlock("b", (1,))])


def test_a_new_stakeholder_leaves_every_other_random_input_of_the_model_unchanged():
    """The model draws per block too: a lobby's mobilisation is its own block."""
    base = single_issue_config(rv_canada=0.3, rv_us=0.3, spread=0.2, hazard=0.1)
    lobbied = single_issue_config(rv_canada=0.3, rv_us=0.3, spread=0.2, hazard=0.1)
    lobbied.scenario.stakeholders["lobby"] = StakeholderConfig(
        name="lobby",
        party="canada",
        stance=Stance.hold,
        weights={"tariff": 1.0},
        values={"tariff": {lv: 0.5 for lv in lobbied.scenario.issues["tariff"].options}},
    )
    replicates = np.arange(64)
    a, b = (experiment_for(c).model(replicates) for c in (base, lobbied))
    np.testing.assert_array_equal(a.state.initial_reservation, b.state.initial_reservation)
    (leader_a,), (leader_b,) = a.track_leaders[0], b.track_leaders[0]
    for kind, uniforms in leader_a.shock_uniforms.items():
        np.testing.assert_array_equal(uniforms, leader_b.shock_uniforms[kind])
