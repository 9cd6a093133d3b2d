"""A negotiator that learns the opponent's reservation value and concession rate from its offers.

In the spirit of Zeng & Sycara (1998), the learner holds a belief over hypotheses ``h = (rv, b)``
about the opponent: its reservation value ``rv`` and the exponent ``b`` of a time-dependent
concession (Faratin et al. 1998) it is assumed to follow, so that its aspiration at relative time
``t`` is

    A_h(t) = rv + (1 - t**(1/b)) * (u_max - rv)

on the opponent's utility scale (complete information about the opponent's utility function, as
for the ``pareto`` offer policy). Each offer ``o_s`` the opponent made is evidence, with the
likelihood

    P(o_s | h) = N(u_opp(o_s); A_h(t_s), sigma**2)   and 0 if u_opp(o_s) < rv - eps

(a negotiator never offers below its reservation value), over the last ``window`` offers. With a
uniform prior the posterior is ``prod_s P(o_s | h)`` normalised. The learner predicts what the
opponent accepts now, ``A_hat = E[A_h(t_now)]``, and the best outcome for itself that gives the
opponent at least that, ``m(A_hat)``. If ``m(A_hat)`` is at or above its own reservation value
(it believes a zone of agreement exists now) it aims at ``min(own aspiration, m(A_hat))``: it
closes at the best terms it believes acceptable instead of waiting; otherwise it follows its own
time-dependent aspiration. Everything is recomputed from the offer history in the view (the
strategy keeps no state), as arrays over ``(replicate, hypothesis, offer)``.

References:
    Zeng, D., & Sycara, K. (1998). Bayesian learning in negotiation. International Journal of
    Human-Computer Studies 48(1), 125-141.
    Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
    autonomous agents. Robotics and Autonomous Systems 24(3-4), 159-182.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sim.agents.strategies.acceptance import AcceptanceCondition, ACNext
from sim.agents.strategies.base import TrackView, including_offer
from sim.agents.strategies.offers import OfferPolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Hypotheses about the opponent's reservation value (on its own utility scale).
RV_GRID = np.linspace(0.0, 1.0, 21)
#: Hypotheses about its concession exponent: Boulware to Conceder.
BETA_GRID = np.array([0.2, 0.5, 1.0, 2.0, 5.0])


@dataclass(frozen=True)
class BayesianLearnerStrategy:
    """Time-dependent concession that closes early when it believes a zone of agreement exists.

    Attributes:
        beta: Its own concession exponent (> 0).
        kappa: Its own initial concession in [0, 1).
        offer_policy: Picks an outcome at the target utility.
        acceptance: Acceptance condition (AC_next by default).
        discount: Per-round discount factor (1.0: none).
        window: How many of the opponent's latest offers are evidence (>= 1).
        noise: ``sigma`` of the likelihood, in utility units (> 0).
    """

    beta: float
    kappa: float
    offer_policy: OfferPolicy
    acceptance: AcceptanceCondition = field(default_factory=ACNext)
    discount: float = 1.0
    window: int = 10
    noise: float = 0.05

    def own_target(self, view: TrackView) -> FloatArray:
        """Its own time-dependent aspiration (the polynomial tactic)."""
        u_max = float(view.track.sorted_desc[view.me, 0])
        alpha = self.kappa + (1.0 - self.kappa) * np.power(view.time, 1.0 / self.beta)
        return view.reservation + (1.0 - alpha) * (u_max - view.reservation)

    def posterior(self, view: TrackView) -> FloatArray:
        """``(R, H)`` belief over the hypotheses ``(rv, beta)`` (flattened, ``rv``-major)."""
        rv, beta = (g.ravel() for g in np.meshgrid(RV_GRID, BETA_GRID, indexing="ij"))
        offers = view.opponent_offers[-self.window :]  # (S, R)
        n_seen = offers.shape[0]
        if n_seen == 0:
            return np.full((view.replicates.size, rv.size), 1.0 / rv.size)
        first_round = view.history.shape[2] - n_seen
        rounds = np.arange(first_round, first_round + n_seen)
        tau = np.minimum(rounds, view.n_rounds - 1) / max(view.n_rounds - 1, 1)  # (S,)
        u_opp = view.track.utilities[view.opponent][np.maximum(offers, 0)]  # (S, R)
        made = offers >= 0
        predicted = self._aspiration(view, rv, beta, tau)  # (S, H)
        z = (u_opp[:, :, None] - predicted[:, None, :]) / self.noise  # (S, R, H)
        log_lik = -0.5 * z**2 - 1e6 * (u_opp[:, :, None] < rv[None, None, :] - 1e-9)
        log_post = np.where(made[:, :, None], log_lik, 0.0).sum(axis=0)  # (R, H)
        log_post -= log_post.max(axis=1, keepdims=True)
        weights = np.exp(log_post)
        return weights / weights.sum(axis=1, keepdims=True)

    def _aspiration(
        self, view: TrackView, rv: FloatArray, beta: FloatArray, tau: FloatArray
    ) -> FloatArray:
        """``(len(tau), H)`` the opponent's aspiration under each hypothesis."""
        u_max = float(view.track.sorted_desc[view.opponent, 0])
        conceded = np.power(tau[:, None], 1.0 / beta[None, :])
        return rv[None, :] + (1.0 - conceded) * (u_max - rv[None, :])

    def predicted_acceptance(self, view: TrackView) -> FloatArray:
        """``(R,)`` the opponent's expected aspiration now: what it is believed to accept."""
        rv, beta = (g.ravel() for g in np.meshgrid(RV_GRID, BETA_GRID, indexing="ij"))
        tau = np.array([min(view.round, view.n_rounds - 1) / max(view.n_rounds - 1, 1)])
        now = self._aspiration(view, rv, beta, tau)[0]  # (H,)
        return self.posterior(view) @ now

    def best_acceptable(self, view: TrackView, threshold: FloatArray) -> FloatArray:
        """``(R,)`` my best utility among feasible outcomes worth >= ``threshold`` to the opponent.

        ``-inf`` where there is none. My ranking (best first) is scanned through the running
        maximum of the opponent's utility along it, so one ``searchsorted`` answers every replicate.
        """
        ranked = view.track.order_desc[view.me]
        running = np.maximum.accumulate(view.track.utilities[view.opponent][ranked])
        j = np.searchsorted(running, threshold - 1e-12, side="left")
        mine = np.append(view.track.sorted_desc[view.me], -np.inf)
        return mine[j]

    def target(self, view: TrackView) -> FloatArray:
        """My aspiration: closes at ``m(A_hat)`` when that meets my reservation value."""
        own = self.own_target(view)
        acceptable = self.best_acceptable(view, self.predicted_acceptance(view))
        zone_now = acceptable >= view.reservation
        return np.where(zone_now, np.minimum(own, acceptable), own)

    def propose(self, view: TrackView) -> IntArray:
        """Offer the outcome the offer policy picks at the learner's aspiration."""
        return self.offer_policy(view, self.target(view))

    def respond(self, view: TrackView, offer: IntArray) -> BoolArray:
        """Accept by the acceptance condition, having seen the offer (it is evidence too)."""
        view = including_offer(view, offer)
        return self.acceptance.accept(view, offer, self.propose(view))
