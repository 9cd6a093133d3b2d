"""The dashboard's figures as Altair charts (drawn in the browser by Vega-Lite).

Plain functions from tables to charts, so they are tested without a browser. The party colours
are fixed by party order (first party red, second blue), as in the run's PNG figures.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from sim.dashboard.model import UtilitySpace

#: Colours of the first and second party of a scenario (then any further ones).
PARTY_COLOURS = ("#C44E52", "#4C72B0", "#55A868", "#8172B2")
WIDTH, HEIGHT = 380, 250


def _party_scale(parties: list[str]) -> alt.Scale:
    return alt.Scale(domain=parties, range=list(PARTY_COLOURS[: len(parties)]))


def utility_space_chart(
    space: UtilitySpace,
    offers: pd.DataFrame,
    reservation: dict[str, float],
    agreed: int | None,
    parties: list[str],
) -> alt.TopLevelMixin:
    """A track's outcomes in both parties' utilities with the offers made so far.

    Grey dots are every outcome; the black line is the Pareto frontier, the star the Nash point
    (disagreement: the status quo, the square); dashed rules are each side's reservation value
    now; coloured dots are the offers, darker the later, the last ones ringed; a deal is the large
    green ring.

    Args:
        space: The track's outcome space.
        offers: This track's rows of :func:`~sim.dashboard.model.offers_frame`.
        reservation: Each party's reservation value on the track now.
        agreed: The agreed outcome index, if there is a deal.
        parties: Every party of the scenario (fixes the colours).
    """
    a, b = space.parties
    u = space.utilities
    x = alt.X("x:Q", title=f"utility to {a}", scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("y:Q", title=f"utility to {b}", scale=alt.Scale(domain=[0, 1]))
    outcomes = pd.DataFrame({"x": u[0], "y": u[1], "outcome": np.arange(u.shape[1])})
    layers: list[alt.Chart] = [
        alt.Chart(outcomes)
        .mark_circle(size=18, color="#BBBBBB")
        .encode(x=x, y=y, tooltip=["outcome:Q", "x:Q", "y:Q"]),
        alt.Chart(outcomes.iloc[space.frontier].assign(order=np.arange(space.frontier.size)))
        .mark_line(color="black", strokeWidth=1.2)
        .encode(x=x, y=y, order="order:Q"),
        alt.Chart(outcomes.iloc[[space.status_quo]])
        .mark_square(size=70, color="black", filled=False)
        .encode(x=x, y=y, tooltip=["outcome:Q"]),
    ]
    if space.nash is not None:
        layers.append(
            alt.Chart(outcomes.iloc[[space.nash]])
            .mark_point(shape="diamond", size=150, color="#DD8452", filled=True)
            .encode(x=x, y=y, tooltip=["outcome:Q"])
        )
    colour = alt.Color("party:N", scale=_party_scale(parties), title="party")
    # each side's reservation value, on its own axis
    rule_a = pd.DataFrame({"party": [a], "x": [reservation[a]]})
    rule_b = pd.DataFrame({"party": [b], "y": [reservation[b]]})
    layers.append(alt.Chart(rule_a).mark_rule(strokeDash=[4, 3]).encode(x=x, color=colour))
    layers.append(alt.Chart(rule_b).mark_rule(strokeDash=[4, 3]).encode(y=y, color=colour))
    if not offers.empty:
        made = offers.rename(
            columns={f"utility_{a}": "x", f"utility_{b}": "y", "proposer": "party"}
        )[["week", "party", "outcome", "x", "y", "accepted"]]
        layers.append(
            alt.Chart(made)
            .mark_circle(size=45)
            .encode(
                x=x,
                y=y,
                color=colour,
                opacity=alt.Opacity("week:Q", scale=alt.Scale(range=[0.25, 1.0]), legend=None),
                tooltip=["week:Q", "party:N", "outcome:Q", "x:Q", "y:Q", "accepted:N"],
            )
        )
        latest = made[made["week"] == made["week"].max()]
        layers.append(
            alt.Chart(latest)
            .mark_point(size=160, strokeWidth=2)
            .encode(x=x, y=y, color=colour, tooltip=["week:Q", "party:N", "outcome:Q"])
        )
    if agreed is not None:
        layers.append(
            alt.Chart(outcomes.iloc[[agreed]])
            .mark_point(size=420, strokeWidth=3, color="#2CA02C")
            .encode(x=x, y=y, tooltip=["outcome:Q"])
        )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT, title=space.track)


def offers_over_weeks_chart(
    track: str,
    offers: pd.DataFrame,
    reservations: pd.DataFrame,
    n_weeks: int,
    parties: list[str],
) -> alt.TopLevelMixin:
    """Each side's offers on a track in its own utility by week, and its reservation value.

    Args:
        track: Track name (title).
        offers: This track's rows of :func:`~sim.dashboard.model.offers_frame`.
        reservations: Long table ``week, party, reservation`` for this track.
        n_weeks: Weeks until the deadline (the x range).
        parties: Every party of the scenario (fixes the colours).
    """
    x = alt.X("week:Q", title="week of talks", scale=alt.Scale(domain=[0, max(n_weeks - 1, 1)]))
    y = alt.Y("utility:Q", title="utility to the proposer", scale=alt.Scale(domain=[0, 1]))
    colour = alt.Color("party:N", scale=_party_scale(parties), title="party")
    own = pd.DataFrame(
        {
            "week": offers["week"],
            "party": offers["proposer"],
            "outcome": offers["outcome"],
            "utility": [row[f"utility_{row['proposer']}"] for _, row in offers.iterrows()],
        }
    )
    layers: list[alt.Chart] = [
        alt.Chart(reservations.rename(columns={"reservation": "utility"}))
        .mark_line(strokeDash=[4, 3])
        .encode(x=x, y=y, color=colour, tooltip=["week:Q", "party:N", "utility:Q"]),
        alt.Chart(own)
        .mark_line(point=True)
        .encode(x=x, y=y, color=colour, tooltip=["week:Q", "party:N", "outcome:Q", "utility:Q"]),
    ]
    return alt.layer(*layers).properties(
        width=WIDTH, height=HEIGHT, title=f"{track}: offers (solid) and reservation values (dashed)"
    )


def likelihood_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Deal likelihood per track with its 95% interval, baseline and what-if side by side.

    Args:
        table: :func:`~sim.dashboard.whatif.comparison`'s table.
    """
    rows = []
    for which in ("baseline", "what_if"):
        part = table[["track", f"deal_likelihood_{which}", f"ci_low_{which}", f"ci_high_{which}"]]
        part = part.set_axis(["track", "likelihood", "low", "high"], axis=1).assign(run=which)
        rows.append(part)
    long = pd.concat(rows, ignore_index=True).dropna(subset=["likelihood"])
    y = alt.Y("track:N", title=None, sort=list(table["track"]))
    offset = alt.YOffset("run:N", sort=["baseline", "what_if"])
    colour = alt.Color(
        "run:N", scale=alt.Scale(domain=["baseline", "what_if"], range=["#999999", "#4C72B0"])
    )
    x = alt.X(
        "likelihood:Q", title="deal likelihood (95% interval)", scale=alt.Scale(domain=[0, 1])
    )
    tooltip = [
        alt.Tooltip("track:N"),
        alt.Tooltip("run:N"),
        alt.Tooltip("likelihood:Q", format=".1%"),
        alt.Tooltip("low:Q", format=".1%"),
        alt.Tooltip("high:Q", format=".1%"),
    ]
    base = alt.Chart(long)
    return alt.layer(
        base.mark_bar(opacity=0.85).encode(x=x, y=y, yOffset=offset, color=colour, tooltip=tooltip),
        base.mark_rule(color="black").encode(x="low:Q", x2="high:Q", y=y, yOffset=offset),
    ).properties(width=WIDTH - 40, height=HEIGHT - 60)


def deals_over_time_chart(baseline: pd.DataFrame, what_if: pd.DataFrame) -> alt.Chart:
    """Share of replicates with a ratified deal by each week, per track (baseline dashed).

    Args:
        baseline: ``cumulative_deals`` of the baseline (index ``week``, one column per track).
        what_if: The same for the what-if.
    """
    frames = []
    for name, curves in (("baseline", baseline), ("what_if", what_if)):
        long = curves.reset_index().melt(id_vars="week", var_name="track", value_name="share")
        frames.append(long.assign(run=name))
    data = pd.concat(frames, ignore_index=True)
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=alt.X("week:Q", title="week of talks"),
            y=alt.Y("share:Q", title="share with a deal", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("track:N"),
            strokeDash=alt.StrokeDash(
                "run:N", scale=alt.Scale(domain=["what_if", "baseline"], range=[[1, 0], [4, 3]])
            ),
            tooltip=["week:Q", "track:N", "run:N", alt.Tooltip("share:Q", format=".1%")],
        )
        .properties(width=WIDTH, height=HEIGHT - 30)
    )
