"""How many of a party's outcomes are worth at least a target: a bucketed count, exact.

Every offer a negotiator makes starts from ``m(x)``, the number of outcomes worth at least its
target ``x`` to it. With the utilities sorted ascending, ``a_0 <= ... <= a_{n-1}``,

    m(x) = max(n - #{j : a_j < x - eps}, 1)

(at least its best outcome). ``searchsorted`` answers this with a binary search per replicate,
about 17 ns per search even on a 4-outcome table. The tracks of a scenario are small (4 to a few
hundred outcomes), so :class:`AtOrAboveCounter` answers it from buckets instead: ``G`` equal
buckets over ``[a_0, a_{n-1}]`` and a key's bucket ``b(k) = clip(floor((k - a_0) * G / span),
0, G - 1)``. The map is monotone (non-decreasing) in ``k``, and the utilities are put in buckets
by the same map, so for a key ``k`` in bucket ``b`` every utility of a lower bucket is below
``k`` and every utility of a higher bucket is above it. Only the few utilities sharing ``k``'s
bucket (at most ``K``) are compared, so the count equals ``searchsorted``'s bit for bit, ties
and the ends of the table included.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Buckets per outcome (the finer, the fewer utilities share a bucket).
BUCKETS_PER_OUTCOME = 8
#: Largest number of buckets (a table of 8-byte entries per bucket and per comparison).
MAX_BUCKETS = 1 << 16
#: Above this many utilities in one bucket (many ties), a binary search is cheaper.
MAX_SHARED = 6
#: Below this many targets the binary search is cheaper too (fewer numpy calls).
SMALL = 256


class AtOrAboveCounter:
    """``m(x)`` for one party's ascending utilities (see the module docstring).

    Args:
        ascending: The party's utilities of its ranked outcomes, ascending.
    """

    def __init__(self, ascending: FloatArray) -> None:
        self.ascending = ascending
        n = int(ascending.size)
        self.n_buckets = int(min(max(BUCKETS_PER_OUTCOME * n, 64), MAX_BUCKETS))
        low, high = float(ascending[0]), float(ascending[-1])
        self.low = low
        self.scale = self.n_buckets / (high - low) if high > low else 0.0
        counts = np.bincount(self._buckets(ascending), minlength=self.n_buckets)
        shared = int(counts.max())
        #: Whether the buckets answer (else ``searchsorted`` does: too many ties in a bucket).
        self.bucketed = shared <= MAX_SHARED
        first = np.concatenate(([0], np.cumsum(counts)[:-1]))  # utilities in lower buckets
        padded = np.concatenate((ascending, np.full(shared, np.inf)))
        #: Per bucket, ``n`` minus the utilities of the lower buckets.
        self._m_first = (n - first).astype(np.int64)
        #: Per bucket, its ``i``-th utility (or a higher bucket's, which no key there reaches).
        self._shared = tuple(padded[first + i] for i in range(shared))

    def _buckets(self, keys: FloatArray) -> npt.NDArray[np.intp]:
        position = (keys - self.low) * self.scale
        # maximum and minimum, not np.clip: its Python wrapper costs ~9 us a call
        np.maximum(position, 0.0, out=position)
        np.minimum(position, self.n_buckets - 1, out=position)
        return position.astype(np.intp)

    def count(self, target: FloatArray, eps: float) -> IntArray:
        """``m(target)`` per replicate, as ``searchsorted`` on the ascending utilities gives it.

        ``eps`` is the tolerance subtracted from the target before counting.
        """
        keys = target - eps
        if not self.bucketed or keys.size < SMALL:
            below = np.searchsorted(self.ascending, keys, side="left")
            return np.maximum(self.ascending.size - below, 1).astype(np.int64)
        bucket = self._buckets(keys)
        m = self._m_first[bucket]
        for utilities in self._shared:
            m -= utilities[bucket] < keys
        return np.maximum(m, 1, out=m)
