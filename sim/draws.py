"""Per-replicate random inputs.

Replicate ``i`` of a run with seed ``s`` owns exactly one generator,
``numpy.random.default_rng(SeedSequence(s, spawn_key=(i,)))`` (the same stream as child ``i`` of
``SeedSequence(s).spawn(n)``), and every random input of that replicate is drawn from it, up front,
in a fixed layout. A batch stacks those draws along a leading replicate axis, so a replicate's
trajectory cannot depend on which batch, chunk or worker simulated it, and the model's weekly step
does no random drawing and no Python loop over replicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DrawLayout:
    """Named blocks of uniform(0, 1) draws and their per-replicate shapes, in stream order."""

    blocks: tuple[tuple[str, tuple[int, ...]], ...]

    @property
    def size(self) -> int:
        """Uniforms drawn per replicate."""
        return sum(int(np.prod(shape)) for _, shape in self.blocks)


def replicate_rng(seed: int, replicate: int) -> np.random.Generator:
    """The generator that replicate ``replicate`` of a run seeded ``seed`` draws from."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replicate,)))


def draw_batch(
    seed: int, replicates: npt.NDArray[np.int64], layout: DrawLayout
) -> dict[str, FloatArray]:
    """Draw every random input of a batch of replicates.

    Args:
        seed: The experiment seed.
        replicates: Global replicate indices of the batch.
        layout: What to draw per replicate.

    Returns:
        One array per block, shaped ``(len(replicates), *block_shape)``.
    """
    flat = np.empty((replicates.size, layout.size), dtype=np.float64)
    for row, rep in enumerate(replicates):  # once per batch, outside the weekly step
        flat[row] = replicate_rng(seed, int(rep)).random(layout.size)
    out: dict[str, FloatArray] = {}
    start = 0
    for name, shape in layout.blocks:
        n = int(np.prod(shape))
        out[name] = flat[:, start : start + n].reshape((replicates.size, *shape))
        start += n
    return out
