"""Checks of a scenario's political layer: leaders, stakeholders, coordinators, conditions, events.

Every failure is a one-line :class:`sim.config.errors.ConfigError` naming the key, the value and
what is allowed.
"""

from __future__ import annotations

import math

from sim.config.errors import check_unit, parse_date, require, require_member
from sim.config.schema import ScenarioConfig, leader_hazards


def _validate_stakeholder_values(
    key: str, values: dict[str, dict[str, float]], sc: ScenarioConfig
) -> None:
    """Values name existing issues and options (also for issues the stakeholder does not weigh)."""
    for iname, vals in values.items():
        require_member(iname, sc.issues, f"{key}.values", "unknown issue; known:")
        options = set(sc.issues[iname].options)
        for opt in vals:
            require_member(opt, options, f"{key}.values.{iname}", "unknown option; one of")


def _validate_vetoes(key: str, vetoed: dict[str, list[str]], sc: ScenarioConfig) -> None:
    """A leader's vetoed options are existing options of existing issues, never the status quo."""
    for iname, opts in vetoed.items():
        require_member(iname, sc.issues, f"{key}.vetoed_options", "unknown issue; known:")
        issue = sc.issues[iname]
        for opt in opts:
            require_member(opt, set(issue.options), f"{key}.vetoed_options.{iname}", "one of")
            sq_key = f"{key}.vetoed_options.{iname}"
            require(opt != issue.status_quo, sq_key, opt, "not the status quo")


def validate_politics(sc: ScenarioConfig) -> None:
    """Check leaders, stakeholders, coordinators, conditions and scripted events."""
    parties = sorted(sc.parties)
    start, end = (
        parse_date("scenario.start_date", sc.start_date),
        parse_date("scenario.deadline", sc.deadline),
    )
    seen_leader: dict[str, str] = {}
    for key, ld in sc.leaders.items():
        k = f"scenario.leaders.{key}"
        require(ld.party in sc.parties, f"{k}.party", ld.party, f"one of {parties}")
        other = seen_leader.setdefault(ld.party, key)
        require(other == key, f"{k}.party", ld.party, f"already led by {other}")
        check_unit(f"{k}.own_weight", ld.own_weight)
        require(
            math.isfinite(ld.ratification_threshold_premium),
            f"{k}.ratification_threshold_premium",
            ld.ratification_threshold_premium,
            "must be finite",
        )
        require(
            math.isfinite(ld.ratification_sharpness) and ld.ratification_sharpness > 0,
            f"{k}.ratification_sharpness",
            ld.ratification_sharpness,
            "must be finite and > 0",
        )
        for kind, hazard in leader_hazards(ld).items():
            check_unit(f"{k}.{kind.value}_hazard_per_week", hazard)
        check_unit(f"{k}.provocation_response", ld.provocation_response)
        check_unit(f"{k}.resumption_hazard_per_week", ld.resumption_hazard_per_week)
        check_unit(f"{k}.audience_cost_per_escalation", ld.audience_cost_per_escalation)
        _validate_vetoes(k, ld.vetoed_options, sc)
    for key, st in sc.stakeholders.items():
        k = f"scenario.stakeholders.{key}"
        require(st.party in sc.parties, f"{k}.party", st.party, f"one of {parties}")
        require(
            math.isfinite(st.influence) and st.influence >= 0,
            f"{k}.influence",
            st.influence,
            "must be finite and >= 0",
        )
        _validate_stakeholder_values(k, st.values, sc)
        check_unit(f"{k}.pressure_per_week", st.pressure_per_week)
        check_unit(f"{k}.provocation_hazard_per_week", st.provocation_hazard_per_week)
        if st.provocation_hazard_per_week > 0 or st.provokes:
            require(
                st.provokes in sc.parties and st.provokes != st.party,
                f"{k}.provokes",
                st.provokes,
                f"the party it provokes, one of {sorted(set(sc.parties) - {st.party})}",
            )
        for iname, w in st.weights.items():
            require(
                iname in sc.issues, f"{k}.weights", iname, f"unknown issue; {sorted(sc.issues)}"
            )
            require(math.isfinite(w) and w >= 0, f"{k}.weights.{iname}", w, "must be >= 0")
            vals = st.values.get(iname, {})
            for opt in sc.issues[iname].options:
                require(
                    opt in vals,
                    f"{k}.values.{iname}",
                    opt,
                    "every option of a weighted issue needs a value",
                )
                check_unit(f"{k}.values.{iname}.{opt}", vals[opt])
    for key, co in sc.coordinators.items():
        k = f"scenario.coordinators.{key}"
        require(co.party in sc.parties, f"{k}.party", co.party, f"one of {parties}")
        check_unit(f"{k}.mandate_momentum", co.mandate_momentum)
        check_unit(f"{k}.link_max_gap", co.link_max_gap)
        check_unit(f"{k}.link_min_ratification", co.link_min_ratification)
        rate = co.link_exchange_rate
        require(math.isfinite(rate) and rate > 0, f"{k}.link_exchange_rate", rate, "must be > 0")
    for key, cond in sc.conditions.items():
        check_unit(f"scenario.conditions.{key}.initial_probability", cond.initial_probability)
        check_unit(f"scenario.conditions.{key}.weekly_hazard", cond.weekly_hazard)
    for iname, issue in sc.issues.items():
        for opt, conds in issue.requires.items():
            k = f"scenario.issues.{iname}.requires"
            require_member(opt, set(issue.options), k, "one of")
            require(opt != issue.status_quo, k, opt, "the status quo cannot require conditions")
            for c in conds:
                require(
                    c in sc.conditions,
                    f"{k}.{opt}",
                    c,
                    f"unknown condition; {sorted(sc.conditions)}",
                )
    for i, ev in enumerate(sc.events):
        k = f"scenario.events[{i}]"
        when = parse_date(f"{k}.date", ev.date)
        require(start <= when < end, f"{k}.date", ev.date, f"must be in [{start}, {end})")
        require(ev.party in sc.parties, f"{k}.party", ev.party, f"one of {parties}")
        require(
            ev.party in seen_leader, f"{k}.party", ev.party, "the party's leader issues it: add one"
        )
        require(ev.weeks >= 1, f"{k}.weeks", ev.weeks, "must be >= 1")
        if ev.rate_step is not None:
            check_unit(f"{k}.rate_step", ev.rate_step)
        for t in ev.tracks:
            require(t in sc.tracks, f"{k}.tracks", t, f"unknown track; {sorted(sc.tracks)}")
