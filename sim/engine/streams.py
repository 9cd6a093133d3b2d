"""Per-replicate random inputs, one independent stream per named draw block.

Every random input of the model is a uniform(0, 1) draw in a named block
(``shock.suspension.trump``, ``ratification.carney.autos``, ``stakeholder.ca_steel``, ...)
that an agent or the model declares with its per-replicate shape. Block ``b`` of replicate ``i``
in a run seeded ``s`` is read from a counter-based Philox stream whose key is derived from
``(s, b)`` and whose counter starts at ``i * stride(b)``:

    key(s, b)  = SeedSequence(s, spawn_key=(h(b),)).generate_state(2, uint64)
    draws(i)   = Philox(key(s, b), counter = i * ceil(size(b) / 4)).random(size(b))

with ``h(b)`` the first 8 bytes of SHA-256 of the block name. So

* a replicate's draws depend only on ``(seed, replicate, block name)``: not on its batch, chunk or
  worker (a batch of consecutive replicates is one call per block);
* adding, removing or resizing a block (a new stakeholder, a new shock kind) leaves every other
  block's numbers unchanged, so stored results of the other blocks stay comparable;
* the weekly step does no random drawing and no Python loop over replicates.

:data:`RNG_SCHEME` names this scheme in every ``manifest.json``.
"""

from __future__ import annotations

import functools
import hashlib
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Version of the random-number scheme, recorded in ``manifest.json``. 1: one
#: ``SeedSequence(seed, spawn_key=(i,))`` stream per replicate, blocks drawn in a fixed order
#: (runs without ``rng_scheme``); 2: one Philox stream per (seed, block name), replicate ``i`` at a
#: counter offset (this module).
RNG_SCHEME = 2

#: Philox4x64 yields four 64-bit words (four doubles) per counter step.
_DOUBLES_PER_STEP = 4


@dataclass(frozen=True)
class DrawBlock:
    """A named block of uniform(0, 1) draws and its per-replicate shape."""

    name: str
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        """Uniforms per replicate."""
        return math.prod(self.shape)


@functools.lru_cache(maxsize=4096)
def block_key(seed: int, name: str) -> npt.NDArray[np.uint64]:
    """The Philox key of block ``name`` in a run seeded ``seed`` (read-only).

    Cached: deriving it (SHA-256, ``SeedSequence``) costs about 0.1 ms, which every batch would
    otherwise pay again for each of its ~40 blocks.
    """
    name_hash = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    sequence = np.random.SeedSequence(seed, spawn_key=(name_hash,))
    key = np.asarray(sequence.generate_state(2, np.uint64), dtype=np.uint64)
    key.setflags(write=False)
    return key


def _contiguous_runs(replicates: IntArray) -> list[IntArray]:
    """Positions of the runs of consecutive replicate indices (one run for a normal batch)."""
    breaks = np.flatnonzero(np.diff(replicates) != 1) + 1
    return np.split(np.arange(replicates.size), breaks)


#: Doubles drawn per chunk of a block: a chunk's draws stay in cache while they are rearranged
#: replicates-last (about 15 % faster than rearranging a whole wide block at once).
CHUNK_DOUBLES = 1 << 16


def draw_block(seed: int, replicates: IntArray, block: DrawBlock) -> FloatArray:
    """Every replicate's draws of one block, shaped ``(len(replicates), *block.shape)``.

    Stored replicates last: a week reads one draw of every replicate (``block[:, step]``),
    which in the stream's order would touch a cache line per replicate.
    """
    n = replicates.size
    if n == 0 or block.size == 0:
        return np.zeros((n, *block.shape))
    steps = math.ceil(block.size / _DOUBLES_PER_STEP)
    width = steps * _DOUBLES_PER_STEP  # doubles a replicate takes from the stream
    key = block_key(seed, block.name)
    per_chunk = max(1, CHUNK_DOUBLES // width)
    stored = np.empty((block.size, n))  # replicates last
    for run in _contiguous_runs(replicates):  # one run for a normal batch
        # consecutive replicates' draws are consecutive in the stream: one generator per run
        stream = _philox(key, int(replicates[run[0]]) * steps)
        for at in range(run[0], run[-1] + 1, per_chunk):
            end = min(at + per_chunk, run[-1] + 1)
            drawn = stream.random((end - at) * width).reshape(end - at, width)
            # each replicate's first ``size`` doubles (the rest of its last step unused)
            stored[:, at:end] = drawn[:, : block.size].T
    return stored.T.reshape((n, *block.shape))


def _philox(key: npt.NDArray[np.uint64], counter: int) -> np.random.Generator:
    """A generator on the Philox stream ``key`` from ``counter`` on."""
    return np.random.Generator(np.random.Philox(key=key, counter=counter))


def draw_blocks(seed: int, replicates: IntArray, blocks: list[DrawBlock]) -> dict[str, FloatArray]:
    """Draw every block of a batch (names must be unique)."""
    names = [b.name for b in blocks]
    if len(set(names)) != len(names):
        duplicated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"draw blocks must have unique names; repeated: {duplicated}")
    return {b.name: draw_block(seed, replicates, b) for b in blocks}
