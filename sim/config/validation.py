"""Value ranges and cross-references of a run config; every failure is a one-line ConfigError."""

from __future__ import annotations

import math
from collections.abc import Collection

from sim.config.errors import ConfigError, check_unit, parse_date, require
from sim.config.negotiators import validate_negotiator_actors
from sim.config.schema import (
    AcceptanceName,
    IssueConfig,
    NegotiatorConfig,
    PartyConfig,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    Tactic,
    leader_hazards,
    track_parties,
)
from sim.config.strategies import STRATEGIES


def validate_run(cfg: RunConfig) -> None:
    """Check every value range and cross-reference of a run config.

    Raises:
        ConfigError: On the first bad value, naming its key, the value and what is allowed.
    """
    require(cfg.n_replicates >= 1, "n_replicates", cfg.n_replicates, "must be an integer >= 1")
    require(cfg.batch_size >= 1, "batch_size", cfg.batch_size, "must be an integer >= 1")
    require(cfg.n_workers >= 0, "n_workers", cfg.n_workers, "must be >= 0 (0 = all cores)")
    require(cfg.seed >= 0, "seed", cfg.seed, "must be an integer >= 0")
    if cfg.precision is not None:
        require(
            0.0 < cfg.precision < 0.5, "precision", cfg.precision, "must be in (0, 0.5) or null"
        )
        require(
            cfg.max_replicates >= cfg.n_replicates,
            "max_replicates",
            cfg.max_replicates,
            f"must be >= n_replicates ({cfg.n_replicates})",
        )
    validate_scenario(cfg.scenario)
    validate_politics(cfg.scenario)
    validate_protocol(cfg.protocol, cfg.scenario)
    validate_negotiators(cfg.negotiator, cfg.scenario)
    validate_negotiator_actors(cfg, validate_strategy_config)


def validate_genius_source(sc: ScenarioConfig) -> None:
    """Check a GENIUS scenario's files and options before they are read (sim.config.genius)."""
    g = sc.genius
    require(
        len(sc.profiles) == 2,
        "scenario.profiles",
        list(sc.profiles),
        "need exactly 2 GENIUS profile files, one per party (every track is bilateral)",
    )
    require(g.real_levels >= 2, "scenario.genius.real_levels", g.real_levels, "must be >= 2")
    require(
        math.isfinite(g.max_file_mb) and g.max_file_mb > 0,
        "scenario.genius.max_file_mb",
        g.max_file_mb,
        "must be > 0",
    )
    require(g.max_outcomes >= 1, "scenario.genius.max_outcomes", g.max_outcomes, "must be >= 1")


def validate_scenario(sc: ScenarioConfig) -> None:
    """Check a scenario's dates, issues, parties, tracks and negotiators."""
    if sc.profiles or sc.domain is not None:
        validate_genius_source(sc)
        require(
            bool(sc.parties),
            "scenario.profiles",
            list(sc.profiles),
            "not read yet: sim.config.genius.resolve_genius reads the files into the scenario",
        )
    start = parse_date("scenario.start_date", sc.start_date)
    end = parse_date("scenario.deadline", sc.deadline)
    require(end > start, "scenario.deadline", sc.deadline, f"must be after start_date {start}")
    require(
        bool(sc.parties),
        "scenario.parties",
        [],
        "need >= 2 parties (scenario=genius reads them from files: scenario.domain=DOMAIN.xml "
        "scenario.profiles=[A.xml,B.xml])",
    )
    require(len(sc.parties) >= 2, "scenario.parties", list(sc.parties), "need >= 2 parties")
    for name, issue in sc.issues.items():
        _validate_issue(f"scenario.issues.{name}", issue)
        _validate_trade_flow(f"scenario.issues.{name}", issue, sc)
    _validate_review(sc)
    for pname, party in sc.parties.items():
        _validate_party(f"scenario.parties.{pname}", party, sc)
    for tname, track in sc.tracks.items():
        for iname in [*track.issues, *track.linked_issues]:
            require(
                iname in sc.issues,
                f"scenario.tracks.{tname}.issues",
                iname,
                f"unknown issue; known: {sorted(sc.issues)}",
            )
    leads: dict[tuple[str, str], str] = {}
    for nname, neg in sc.negotiators.items():
        key = f"scenario.negotiators.{nname}"
        require(neg.party in sc.parties, f"{key}.party", neg.party, f"one of {sorted(sc.parties)}")
        for t in neg.tracks:
            require(
                t in sc.tracks, f"{key}.tracks", t, f"unknown track; known: {sorted(sc.tracks)}"
            )
            other = leads.setdefault((neg.party, t), nname)
            require(other == nname, f"{key}.tracks", t, f"already led for {neg.party} by {other}")
    if not sc.package_mode:
        _validate_track_parties(sc)


def _validate_track_parties(sc: ScenarioConfig) -> None:
    """Every track is bilateral: negotiators of exactly two parties lead it."""
    for tname in sc.tracks:
        parties = track_parties(sc, tname)
        key = f"scenario.tracks.{tname}"
        require(
            len(parties) <= 2,
            key,
            parties,
            "multilateral tracks are not supported: a track is negotiated by exactly two parties",
        )
        require(
            len(parties) == 2 or sc.allow_unled_tracks,
            key,
            parties,
            "needs a negotiator of each of two parties (scenario.negotiators.<key>.tracks), "
            "or scenario.allow_unled_tracks=true to leave it at its status quo",
        )


def listing(names: Collection[str], limit: int = 12) -> str:
    """``names`` for an error message: all of a short list, the first ``limit`` of a long one."""
    shown = list(names)[:limit]
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return "[" + ", ".join(repr(n) for n in shown) + more + "]"


def first_repeat(names: list[str]) -> str | None:
    """The first name that occurs a second time in ``names`` (``None``: all unique)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def _require_member(name: str, allowed: Collection[str], key: str, describe: str) -> None:
    """Require ``name in allowed`` (a set or dict: O(1)); the message is built only on failure."""
    if name not in allowed:
        raise ConfigError(key, name, f"{describe} {listing(sorted(allowed))}")


def _validate_issue(key: str, issue: IssueConfig) -> None:
    require(len(issue.options) >= 1, f"{key}.options", issue.options, "need >= 1 option")
    options = set(issue.options)  # membership tests below are O(1): validation stays linear
    if len(options) != len(issue.options):
        raise ConfigError(f"{key}.options", first_repeat(issue.options), "listed twice: unique")
    _require_member(issue.status_quo, options, f"{key}.status_quo", "one of")
    for opt, rate in issue.rates.items():
        _require_member(opt, options, f"{key}.rates", "one of")
        require(
            math.isfinite(rate) and rate >= 0.0, f"{key}.rates.{opt}", rate, "must be finite, >= 0"
        )


def _validate_trade_flow(key: str, issue: IssueConfig, sc: ScenarioConfig) -> None:
    """A cost-bearing tariff names who pays it and has a rate for its status quo and relief."""
    flow = issue.trade_flow
    require(math.isfinite(flow) and flow >= 0, f"{key}.trade_flow", flow, "must be >= 0")
    if flow == 0:
        return
    require(
        issue.borne_by in sc.parties,
        f"{key}.borne_by",
        issue.borne_by,
        f"a tariff with a trade_flow needs the paying party, one of {sorted(sc.parties)}",
    )
    missing = [o for o in issue.options if o not in issue.rates]
    require(
        not missing,
        f"{key}.rates",
        listing(sorted(issue.rates)),
        f"a tariff with a trade_flow needs a rate for every option; missing {listing(missing)}",
    )
    lowest = min(issue.rates.values())
    require(
        issue.rates[issue.status_quo] > lowest,
        f"{key}.rates.{issue.status_quo}",
        issue.rates[issue.status_quo],
        f"the status quo rate must exceed the lowest rate {lowest} (else there is no cost)",
    )


def _validate_review(sc: ScenarioConfig) -> None:
    r, k = sc.review, "scenario.review"
    require(0 <= r.annual_reviews <= 10, f"{k}.annual_reviews", r.annual_reviews, "in 0..10")
    check_unit(f"{k}.end_probability", r.end_probability)
    check_unit(f"{k}.confirm_probability", r.confirm_probability)
    require(
        r.end_probability + r.confirm_probability <= 1.0,
        f"{k}.confirm_probability",
        r.confirm_probability,
        f"end_probability + confirm_probability must be <= 1 (end_probability={r.end_probability})",
    )
    start = parse_date("scenario.start_date", sc.start_date)
    weeks = math.ceil((parse_date("scenario.deadline", sc.deadline) - start).days / 7)
    require(
        0 <= r.deadline_spread_weeks < min(weeks, 26),
        f"{k}.deadline_spread_weeks",
        r.deadline_spread_weeks,
        f"must be in [0, {min(weeks, 26)}) (the weeks to the deadline, at most half a year)",
    )
    require(
        1 <= r.meeting_interval_weeks <= 52,
        f"{k}.meeting_interval_weeks",
        r.meeting_interval_weeks,
        "in 1..52",
    )


def _validate_party(key: str, party: PartyConfig, sc: ScenarioConfig) -> None:
    check_unit(f"{key}.reservation_value", party.reservation_value)
    spread = party.reservation_value_spread
    require(0.0 <= spread <= 1.0, f"{key}.reservation_value_spread", spread, "must be in [0, 1]")
    for track, rv in party.track_reservation_values.items():
        require(track in sc.tracks, f"{key}.track_reservation_values", track, str(list(sc.tracks)))
        check_unit(f"{key}.track_reservation_values.{track}", rv)
    for iname, w in party.weights.items():
        require(iname in sc.issues, f"{key}.weights", iname, f"unknown issue; {sorted(sc.issues)}")
        require(math.isfinite(w) and w >= 0.0, f"{key}.weights.{iname}", w, "must be >= 0")
    for iname in party.values:
        require(iname in sc.issues, f"{key}.values", iname, f"unknown issue; {sorted(sc.issues)}")
    for iname, issue in sc.issues.items():
        vals = party.values.get(iname)
        if vals is None:
            weight = party.weights.get(iname, 0.0)
            require(weight == 0.0, f"{key}.values", iname, "an issue it weighs needs option values")
            continue
        for opt in issue.options:
            require(opt in vals, f"{key}.values.{iname}", opt, "every option needs a value")
            check_unit(f"{key}.values.{iname}.{opt}", vals[opt])
        options = set(issue.options)
        for opt in vals:
            _require_member(opt, options, f"{key}.values.{iname}", "one of")


def validate_protocol(p: ProtocolConfig, sc: ScenarioConfig) -> None:
    """Check the protocol against the scenario."""
    require(
        p.first_mover in sc.parties, "protocol.first_mover", p.first_mover, str(list(sc.parties))
    )
    require(p.suspension_weeks >= 1, "protocol.suspension_weeks", p.suspension_weeks, ">= 1")
    require(p.directive_weeks >= 1, "protocol.directive_weeks", p.directive_weeks, ">= 1")
    check_unit("protocol.escalation_rate_step", p.escalation_rate_step)
    check_unit("protocol.directive_time_boost", p.directive_time_boost)
    check_unit("protocol.directive_ratification_bonus", p.directive_ratification_bonus)
    check_unit("protocol.max_pressure_drift", p.max_pressure_drift)
    require(
        math.isfinite(p.delay_cost_scale) and 0 <= p.delay_cost_scale <= 100,
        "protocol.delay_cost_scale",
        p.delay_cost_scale,
        "must be in [0, 100] (0: no cost of delay)",
    )
    require(
        math.isfinite(p.delay_cost_horizon_years) and 0.25 <= p.delay_cost_horizon_years <= 50,
        "protocol.delay_cost_horizon_years",
        p.delay_cost_horizon_years,
        "must be in [0.25, 50] years",
    )


def validate_negotiators(negs: dict[str, NegotiatorConfig], sc: ScenarioConfig) -> None:
    """Check that every party has a valid strategy config."""
    for party in sc.parties:
        require(party in negs, "negotiator", party, "every party needs a negotiator entry")
    for party, n in negs.items():
        key = f"negotiator.{party}"
        require(party in sc.parties, key, party, f"unknown party; known: {sorted(sc.parties)}")
        validate_strategy_config(key, n)


def validate_strategy_config(key: str, n: NegotiatorConfig) -> None:
    """Check one strategy config (a party's, or a negotiator's merged with its party's)."""
    require(n.strategy in STRATEGIES, f"{key}.strategy", n.strategy, f"one of {sorted(STRATEGIES)}")
    _validate_tactic(key, n)
    require(n.n_candidates >= 1, f"{key}.n_candidates", n.n_candidates, "must be >= 1")
    check_unit(f"{key}.frequency_window", n.frequency_window)
    d = n.discount
    require(math.isfinite(d) and 0.0 < d <= 1.0, f"{key}.discount", d, "must be in (0, 1]")
    _validate_acceptance(key, n)
    if n.floor is not None:
        check_unit(f"{key}.floor", n.floor)
    if n.strategy == "rubinstein":
        require(d < 1.0, f"{key}.discount", d, "rubinstein needs a discount in (0, 1)")
        require(
            n.acceptance is AcceptanceName.ac_next,
            f"{key}.acceptance",
            n.acceptance.name,
            "rubinstein accepts by its subgame-perfect rule: leave ac_next",
        )


def _validate_tactic(key: str, n: NegotiatorConfig) -> None:
    if n.beta is not None:
        require(math.isfinite(n.beta) and n.beta > 0, f"{key}.beta", n.beta, "must be > 0")
    elif n.strategy in ("time_dependent", "bayesian"):
        raise ConfigError(f"{key}.beta", None, f"{n.strategy} needs beta > 0 (or a preset)")
    if n.strategy == "bayesian":
        require(
            n.tactic is Tactic.polynomial, f"{key}.tactic", n.tactic.name, "bayesian: polynomial"
        )
    # checked whatever the strategy: a bad value is never silently ignored
    require(1 <= n.belief_window <= 1000, f"{key}.belief_window", n.belief_window, "in 1..1000")
    require(
        math.isfinite(n.belief_noise) and 0.001 <= n.belief_noise <= 1.0,
        f"{key}.belief_noise",
        n.belief_noise,
        "must be in [0.001, 1]",
    )
    require(0.0 <= n.kappa < 1.0, f"{key}.kappa", n.kappa, "must be in [0, 1)")
    if n.tactic is Tactic.exponential:
        require(n.kappa > 0.0, f"{key}.kappa", n.kappa, "exponential tactic needs (0, 1)")


def _validate_acceptance(key: str, n: NegotiatorConfig) -> None:
    if n.acceptance is AcceptanceName.ac_const:
        c = n.acceptance_utility
        require(c is not None, f"{key}.acceptance_utility", c, "ac_const needs one in [0, 1]")
    if n.acceptance_utility is not None:
        check_unit(f"{key}.acceptance_utility", n.acceptance_utility)
    check_unit(f"{key}.acceptance_time", n.acceptance_time)


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
            ld.ratification_sharpness > 0,
            f"{k}.ratification_sharpness",
            ld.ratification_sharpness,
            "> 0",
        )
        for kind, hazard in leader_hazards(ld).items():
            check_unit(f"{k}.{kind.value}_hazard_per_week", hazard)
        check_unit(f"{k}.provocation_response", ld.provocation_response)
        check_unit(f"{k}.resumption_hazard_per_week", ld.resumption_hazard_per_week)
        check_unit(f"{k}.audience_cost_per_escalation", ld.audience_cost_per_escalation)
    for key, st in sc.stakeholders.items():
        k = f"scenario.stakeholders.{key}"
        require(st.party in sc.parties, f"{k}.party", st.party, f"one of {parties}")
        require(st.influence >= 0, f"{k}.influence", st.influence, "must be >= 0")
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
    for key, cond in sc.conditions.items():
        check_unit(f"scenario.conditions.{key}.initial_probability", cond.initial_probability)
        check_unit(f"scenario.conditions.{key}.weekly_hazard", cond.weekly_hazard)
    for iname, issue in sc.issues.items():
        for opt, conds in issue.requires.items():
            k = f"scenario.issues.{iname}.requires"
            _require_member(opt, set(issue.options), k, "one of")
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
