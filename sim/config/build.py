"""Turn a validated run config into the domain's frozen specs (scenario, politics, protocol).

Strategies come from the registry in :mod:`sim.config.strategies`.
"""

from __future__ import annotations

from dataclasses import replace

from sim.agents.strategies.base import Strategy
from sim.config.errors import parse_date
from sim.config.negotiators import own_settings, resolve_negotiator
from sim.config.reservation import package_reservation
from sim.config.schema import (
    EventConfig,
    PartyConfig,
    ProtocolConfig,
    RunConfig,
    ScenarioConfig,
    leader_hazards,
    track_parties,
)
from sim.config.strategies import build_strategy
from sim.domain.scenario import (
    ConditionSpec,
    CoordinatorSpec,
    Issue,
    LeaderSpec,
    NegotiatorSpec,
    Party,
    Politics,
    ProtocolSpec,
    ReviewSpec,
    Scenario,
    ScriptedEvent,
    StakeholderSpec,
    Track,
)

PACKAGE_TRACK = "package"


def _track_parties(sc: ScenarioConfig, track: str) -> tuple[str, str]:
    """The two parties at a (validated, bilateral) track."""
    first, second = track_parties(sc, track)
    return first, second


def resolve_tracks(sc: ScenarioConfig) -> tuple[Track, ...]:
    """Tracks with linkage applied: linked issues join their track and leave every other one.

    In package mode every negotiated issue forms one ``package`` track between the (two) parties.
    Tracks left with no issues are dropped, and so are tracks without a negotiator of each of two
    parties (validation allows those only with ``scenario.allow_unled_tracks``).
    """
    linked = {i for t in sc.tracks.values() for i in t.linked_issues} if sc.linkage else set()
    tracks = []
    for name, t in sc.tracks.items():
        issues = [i for i in t.issues if i not in linked]
        if sc.linkage:
            issues += [i for i in t.linked_issues if i not in issues]
        if issues and (sc.package_mode or is_led(sc, name)):
            parties = ("", "") if sc.package_mode else _track_parties(sc, name)
            tracks.append(Track(name=name, issues=tuple(issues), parties=parties))
    if sc.package_mode:
        everything = dict.fromkeys(i for t in tracks for i in t.issues)  # ordered, unique
        first, second = list(sc.parties)[:2]
        return (Track(name=PACKAGE_TRACK, issues=tuple(everything), parties=(first, second)),)
    return tuple(tracks)


def is_led(sc: ScenarioConfig, track: str) -> bool:
    """Whether negotiators of two parties lead ``track``."""
    return len(track_parties(sc, track)) == 2


def _negotiators(sc: ScenarioConfig) -> tuple[NegotiatorSpec, ...]:
    """Chief negotiators; in package mode each party's first-listed one leads the package."""
    if not sc.package_mode:
        return tuple(
            NegotiatorSpec(
                key=key, name=n.name, party=n.party, tracks=tuple(n.tracks), mandate=n.mandate
            )
            for key, n in sc.negotiators.items()
        )
    leads: dict[str, NegotiatorSpec] = {}
    for key, n in sc.negotiators.items():
        leads.setdefault(
            n.party,
            NegotiatorSpec(
                key=key, name=n.name, party=n.party, tracks=(PACKAGE_TRACK,), mandate=n.mandate
            ),
        )
    return tuple(leads.values())


def _rate_step(ev: EventConfig, protocol: ProtocolConfig) -> float:
    """An escalation's rate step: its own, else the protocol's."""
    return protocol.escalation_rate_step if ev.rate_step is None else ev.rate_step


def build_politics(sc: ScenarioConfig, protocol: ProtocolConfig) -> Politics:
    """Leaders, stakeholders, coordinators, conditions and dated events as domain objects."""
    start = parse_date("scenario.start_date", sc.start_date)
    return Politics(
        conditions=tuple(
            ConditionSpec(name, c.initial_probability, c.weekly_hazard)
            for name, c in sc.conditions.items()
        ),
        requires={
            name: {opt: tuple(conds) for opt, conds in issue.requires.items()}
            for name, issue in sc.issues.items()
            if issue.requires
        },
        leaders=tuple(
            LeaderSpec(
                key=key,
                name=ld.name,
                party=ld.party,
                own_weight=ld.own_weight,
                threshold_premium=ld.ratification_threshold_premium,
                sharpness=ld.ratification_sharpness,
                hazards=leader_hazards(ld),
                provocation_response=ld.provocation_response,
                resumption_hazard=ld.resumption_hazard_per_week,
                audience_cost=ld.audience_cost_per_escalation,
                vetoed_options={i: tuple(opts) for i, opts in ld.vetoed_options.items()},
            )
            for key, ld in sc.leaders.items()
        ),
        stakeholders=tuple(
            StakeholderSpec(
                key=key,
                name=st.name,
                party=st.party,
                influence=st.influence,
                stance=st.stance,
                pressure_per_week=st.pressure_per_week,
                weights=dict(st.weights),
                values={i: dict(v) for i, v in st.values.items() if i in st.weights},
                provocation_hazard=st.provocation_hazard_per_week,
                provokes=st.provokes,
            )
            for key, st in sc.stakeholders.items()
        ),
        coordinators=tuple(
            CoordinatorSpec(
                key=key,
                name=c.name,
                party=c.party,
                mandate_momentum=c.mandate_momentum,
                link_max_gap=c.link_max_gap,
                link_exchange_rate=c.link_exchange_rate,
                link_min_ratification=c.link_min_ratification,
            )
            for key, c in sc.coordinators.items()
        ),
        events=tuple(
            ScriptedEvent(
                week=(parse_date("event.date", ev.date) - start).days // 7,
                kind=ev.kind,
                party=ev.party,
                weeks=ev.weeks,
                tracks=tuple(PACKAGE_TRACK if sc.package_mode else t for t in ev.tracks),
                rate_step=_rate_step(ev, protocol),
            )
            for ev in sc.events
        ),
    )


def build_review(sc: ScenarioConfig) -> ReviewSpec:
    """The calendar after the deadline."""
    r = sc.review
    return ReviewSpec(
        annual_reviews=r.annual_reviews,
        end_probability=r.end_probability,
        confirm_probability=r.confirm_probability,
        deadline_spread_weeks=r.deadline_spread_weeks,
        meeting_interval_weeks=r.meeting_interval_weeks,
    )


def build_scenario(sc: ScenarioConfig, protocol: ProtocolConfig) -> Scenario:
    """Build the domain scenario (with its political layer) from its validated config."""
    issues = {
        name: Issue(
            name=name,
            options=tuple(i.options),
            status_quo=i.status_quo,
            kind=i.kind.value,
            rates=dict(i.rates),
            trade_flow=i.trade_flow,
            borne_by=i.borne_by,
        )
        for name, i in sc.issues.items()
    }
    sectoral = resolve_tracks(replace(sc, package_mode=False)) if sc.package_mode else ()
    parties = tuple(
        Party(
            name=key,
            display_name=p.name,
            weights=dict(p.weights),
            values={k: dict(v) for k, v in p.values.items()},
            reservation_value=p.reservation_value,
            reservation_value_spread=p.reservation_value_spread,
            track_reservation_values=_track_reservations(p, sectoral),
        )
        for key, p in sc.parties.items()
    )
    return Scenario(
        name=sc.name,
        start_date=parse_date("scenario.start_date", sc.start_date),
        deadline=parse_date("scenario.deadline", sc.deadline),
        parties=parties,
        issues=issues,
        tracks=resolve_tracks(sc),
        negotiators=_negotiators(sc),
        politics=build_politics(sc, protocol),
        review=build_review(sc),
    )


def _track_reservations(party: PartyConfig, sectoral: tuple[Track, ...]) -> dict[str, float]:
    """The party's track reservation values; in package mode the package's from the tracks'."""
    values = dict(party.track_reservation_values)
    if sectoral:
        values.setdefault(PACKAGE_TRACK, package_reservation(party, sectoral))
    return values


def build_protocol(p: ProtocolConfig) -> ProtocolSpec:
    """The protocol's frozen spec."""
    return ProtocolSpec(
        first_mover=p.first_mover,
        suspension_weeks=p.suspension_weeks,
        escalation_rate_step=p.escalation_rate_step,
        directive_time_boost=p.directive_time_boost,
        directive_weeks=p.directive_weeks,
        directive_ratification_bonus=p.directive_ratification_bonus,
        max_pressure_drift=p.max_pressure_drift,
        is_ratification_required=p.ratification,
        delay_cost_scale=p.delay_cost_scale,
        delay_cost_horizon_years=p.delay_cost_horizon_years,
    )


def build_strategies(cfg: RunConfig) -> dict[str, Strategy]:
    """One strategy object per party key, and one per negotiator key with settings of its own.

    The model gives a negotiator the strategy under its own key, else its party's.
    """
    strategies = {party: build_strategy(n) for party, n in cfg.negotiator.items()}
    for key, actor in cfg.scenario.negotiators.items():
        if own_settings(actor):
            strategies[key] = build_strategy(resolve_negotiator(cfg, key))
    return strategies
