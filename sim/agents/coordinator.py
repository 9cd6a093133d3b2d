"""Coordinates a party's mandate across tracks (e.g. Michael Sabia, Clerk of the Privy Council).

Each week, after the tracks' rounds, a coordinator does two things:

1. **mandate momentum**: each deal its party concluded this week lowers the party's reservation
   value on its other open tracks by ``mandate_momentum`` (a banked deal makes the next one easier
   to sell; assumption);
2. **issue linkage** (``link_max_gap > 0``): where the counterpart blocks a track by a small gap,
   the coordinator moves that concession onto another track where the counterpart has surplus
   (:mod:`sim.agents.linking`; Tollison & Willett 1979, Sebenius 1983). The counterpart commits
   to a deal on the deadlocked track (its reservation value there is capped) and its reservation
   value rises on the donor track.
"""

from __future__ import annotations

from typing import cast

import mesa
import numpy as np
import numpy.typing as npt

from sim.agents.linking import Links, LinkTerms, WinSets, plan_links
from sim.agents.world import World
from sim.domain.scenario import CoordinatorSpec
from sim.engine.state import any_per_row, count_per_row

BoolArray = npt.NDArray[np.bool_]


class Coordinator(mesa.Agent):
    """A party's coordinator, for every replicate of the batch at once.

    Args:
        model: The ensemble model.
        spec: The coordinator's parameters.
        party: Party index.
    """

    def __init__(self, model: mesa.Model, spec: CoordinatorSpec, party: int) -> None:
        super().__init__(model)
        self.spec = spec
        self.party = party
        self.terms = LinkTerms(
            spec.link_max_gap, spec.link_exchange_rate, spec.link_min_ratification
        )
        #: ``(R, T)`` deadlocked tracks this coordinator has linked (one link each; set on use).
        self.linked: BoolArray | None = None
        #: The tracks' win-sets as the coordinator ranks them (built on first use).
        self.win_sets: WinSets | None = None

    @property
    def world(self) -> World:
        """The model, as an agent sees it."""
        return cast(World, self.model)

    def act(self) -> None:
        """Shift the party's mandate by this week's deals, then link deadlocked tracks."""
        self._momentum()
        if self.terms.max_gap > 0.0:
            self._link()

    def _momentum(self) -> None:
        """Lower the mandate on the party's open tracks by this week's deals on its tracks."""
        world = self.world
        state, mine = world.state, world.at_track[self.party]
        if self.spec.mandate_momentum == 0.0:
            return
        # only the replicates with a deal this week: the others' shift is zero
        concluded = state.concluded_now & mine
        rows = any_per_row(concluded).nonzero()[0]
        if rows.size == 0:
            return
        n_deals = count_per_row(concluded[rows]).astype(np.float64)
        shift = -self.spec.mandate_momentum * n_deals[:, None] * (state.is_open[rows] & mine)
        state.mandate_drift[rows, self.party, :] += shift
        state.moved_rows.append(rows)

    def _link(self) -> None:
        """Move concessions across the tracks the party shares with each counterpart."""
        world = self.world
        state, tracks = world.state, world.compiled.tracks
        if self.linked is None or self.win_sets is None:
            self.linked = np.zeros(state.is_open.shape, dtype=bool)
            self.win_sets = WinSets(world.politics, self.terms.min_ratification)
        utilities = [t.utilities for t in tracks]
        status_quo = [t.status_quo for t in tracks]
        for counterpart in self._counterparts():
            shared = np.flatnonzero(world.at_track[self.party] & world.at_track[counterpart])
            if shared.size < 2:
                continue
            parties = (self.party, counterpart)
            links = plan_links(
                self.win_sets,
                utilities,
                status_quo,
                state,
                parties,
                shared,
                self.terms,
                self.linked,
            )
            self._apply(counterpart, links)

    def _counterparts(self) -> list[int]:
        """The other parties at the party's tracks."""
        at = self.world.at_track
        shares = (at & at[self.party][None, :]).any(axis=1)
        return [int(q) for q in np.flatnonzero(shares) if q != self.party]

    def _apply(self, counterpart: int, links: Links) -> None:
        """Commit the counterpart on the linked tracks and raise its demands on the donors.

        A donor's drift is set so that its new raw value is the raised current one: a
        repayment counts in full even where the raw value had left [0, 1].
        """
        state = self.world.state
        if self.world.tracer is not None:
            self.world.tracer.links(self.party, counterpart, links.commit, links.repay)
        state.links_made = True
        committed = np.isfinite(links.commit)
        if committed.any():
            caps = state.link_cap[:, counterpart, :]
            state.link_cap[:, counterpart, :] = np.minimum(caps, links.commit)
        repaid = links.repay != 0.0
        if repaid.any():
            raw = state.raw_reservation()[:, counterpart, :]
            target = state.current_reservation()[:, counterpart, :] + links.repay
            state.link_drift[:, counterpart, :] += np.where(repaid, target - raw, 0.0)
