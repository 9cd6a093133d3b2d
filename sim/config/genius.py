"""A scenario from GENIUS / ANAC files (``scenario=genius``): the files read into the config.

:func:`resolve_genius` reads the files a scenario config names (``scenario.domain``,
``scenario.profiles``), parses them with :mod:`sim.domain.genius` and fills the config's
``issues``, ``parties``, ``tracks`` and ``negotiators``, so that validation, building, the engine,
summaries and replay see an ordinary scenario. This is the one place that reads them: the model
never reads files. It runs right after the config is composed (:mod:`sim.cli`) and again when a
run is replayed, and is idempotent: a config it already filled (as ``SimulationResult.save``
writes it) is checked against the files, which must still give the same scenario.

The scenario: one track, ``agreement``, on which ``party_1`` and ``party_2`` (the profiles, in
order; display names are the files' stems) negotiate every issue; each issue's options are its
items, its integers, or ``scenario.genius.real_levels`` levels of a real issue, valued by GENIUS's
evaluators; weights are normalised; a party's reservation value is its profile's (no spread); the
status quo, which GENIUS lacks, is chosen by ``scenario.genius.status_quo``. Issue names become
identifiers (``Size of Fund`` -> ``size_of_fund``). A profile's discount factor d becomes the
party's per-round ``negotiator.<party>.discount`` = d ** (1 / rounds).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from sim.config.errors import ConfigError, parse_date, require
from sim.config.schema import (
    GeniusStatusQuo,
    IssueConfig,
    IssueKind,
    NegotiatorActorConfig,
    NegotiatorConfig,
    PartyConfig,
    RunConfig,
    ScenarioConfig,
    TrackConfig,
)
from sim.config.validation import validate_genius_source
from sim.domain.genius import (
    GeniusDomain,
    GeniusFormatError,
    GeniusIssue,
    GeniusProfile,
    parse_domain,
    parse_profile,
)

#: The one track of a GENIUS scenario.
TRACK = "agreement"
MIB = 1024 * 1024


def party_key(i: int) -> str:
    """The key of the party of ``scenario.profiles[i]``."""
    return f"party_{i + 1}"


def is_genius(sc: ScenarioConfig) -> bool:
    """Whether the scenario names GENIUS files to read."""
    return bool(sc.profiles) or sc.domain is not None


def read_file(key: str, path: str, max_bytes: int) -> bytes:
    """A file's bytes, refusing a missing file or one larger than ``max_bytes`` before reading."""
    p = Path(path).expanduser()
    require(p.is_file(), key, path, "no such file")
    size = p.stat().st_size
    limit = f"scenario.genius.max_file_mb={max_bytes / MIB:g}"
    require(size <= max_bytes, key, path, f"file: {size:,} bytes, larger than {limit}")
    return p.read_bytes()


def load_files(sc: ScenarioConfig) -> tuple[GeniusDomain | None, list[GeniusProfile]]:
    """Read and parse the domain (if any) and the profiles the scenario names.

    Without a domain file, the first profile's own issues are the domain (ANAC 2010 style) and
    the second profile must value the same issues.

    Raises:
        ConfigError: ``<key>=<path>: <element>: <problem>`` for a missing, oversized or malformed
            file.
    """
    max_bytes = int(sc.genius.max_file_mb * MIB)
    domain: GeniusDomain | None = None
    if sc.domain is not None:
        data = read_file("scenario.domain", sc.domain, max_bytes)
        try:
            domain = parse_domain(data, sc.domain, max_bytes)
        except GeniusFormatError as exc:
            raise _file_error("scenario.domain", sc.domain, exc) from None
    profiles: list[GeniusProfile] = []
    for i, path in enumerate(sc.profiles):
        key = f"scenario.profiles[{i}]"
        data = read_file(key, path, max_bytes)
        against = domain if domain is not None or not profiles else _domain_of(profiles[0])
        try:
            profiles.append(parse_profile(data, path, against, max_bytes))
        except GeniusFormatError as exc:
            raise _file_error(key, path, exc) from None
    return domain, profiles


def _domain_of(profile: GeniusProfile) -> GeniusDomain:
    return GeniusDomain(source=profile.source, name="domain", issues=profile.issues)


def _file_error(key: str, path: str, exc: GeniusFormatError) -> ConfigError:
    """The parser's one-line error as a ConfigError naming the key, the file and the element."""
    return ConfigError(key, path, f"{exc.element}: {exc.problem}")


def issue_keys(issues: tuple[GeniusIssue, ...]) -> dict[int, str]:
    """Issue index -> the scenario's issue name: the GENIUS name as an identifier, unique."""
    keys: dict[int, str] = {}
    for issue in issues:
        key = re.sub(r"[^0-9a-z]+", "_", issue.name.lower()).strip("_") or "issue"
        if key[0].isdigit():
            key = f"issue_{key}"
        if key in keys.values():
            key = f"{key}_{issue.index}"
        keys[issue.index] = key
    return keys


@dataclass(frozen=True)
class GeniusScenario:
    """The parts of a scenario config that GENIUS files give, and each party's discount factor."""

    issues: dict[str, IssueConfig]
    parties: dict[str, PartyConfig]
    tracks: dict[str, TrackConfig]
    negotiators: dict[str, NegotiatorActorConfig]
    discount_factors: dict[str, float]


def _check_size(sc: ScenarioConfig, issues: tuple[GeniusIssue, ...], keys: dict[int, str]) -> None:
    """Refuse an outcome space larger than ``max_outcomes`` before building its options."""
    sizes = {keys[i.index]: i.n_levels(sc.genius.real_levels) for i in issues}
    n = math.prod(sizes.values())
    where = (
        ("scenario.domain", sc.domain) if sc.domain else ("scenario.profiles[0]", sc.profiles[0])
    )
    listed = ", ".join(f"{k}: {v:,}" for k, v in sizes.items())
    require(
        n <= sc.genius.max_outcomes,
        *where,
        f"{n:,} outcomes ({listed}), more than scenario.genius.max_outcomes="
        f"{sc.genius.max_outcomes:,} (fewer scenario.genius.real_levels make real issues smaller)",
    )


def _status_quo(sc: ScenarioConfig, key: str, labels: tuple[str, ...], welfare: list[float]) -> str:
    """The issue's status-quo option; ``welfare`` is the parties' summed weighted value of each."""
    chosen = sc.genius.status_quo_options.get(key)
    if chosen is not None:
        key_name = f"scenario.genius.status_quo_options.{key}"
        require(chosen in labels, key_name, chosen, f"one of {list(labels)}")
        return chosen
    if sc.genius.status_quo is GeniusStatusQuo.first:
        return labels[0]
    if sc.genius.status_quo is GeniusStatusQuo.last:
        return labels[-1]
    # utility is additive, so the issue-wise minima make the outcome of least total utility
    return labels[welfare.index(min(welfare))]  # ties: the first listed


def _issue_description(issue: GeniusIssue, n_options: int) -> str:
    text = f"GENIUS {issue.type.value} issue {issue.name!r} (index {issue.index})"
    if issue.type.value != "discrete":
        text += f", {n_options} options in [{issue.lower:g}, {issue.upper:g}]"
    return text


def genius_scenario(sc: ScenarioConfig, profiles: list[GeniusProfile]) -> GeniusScenario:
    """Issues, parties, the track and its negotiators, from parsed profiles.

    Raises:
        ConfigError: For a status-quo option that is not an option of its issue, or an outcome
            space larger than ``scenario.genius.max_outcomes``.
    """
    issues = profiles[0].issues
    keys = issue_keys(issues)
    for key in sc.genius.status_quo_options:
        require(
            key in keys.values(),
            "scenario.genius.status_quo_options",
            key,
            f"unknown issue; known: {sorted(keys.values())}",
        )
    _check_size(sc, issues, keys)
    levels = {i.index: i.levels(sc.genius.real_levels) for i in issues}
    values = [
        {
            keys[i.index]: {
                label: profile.value(i, point)
                for label, point in zip(*levels[i.index], strict=True)
            }
            for i in issues
        }
        for profile in profiles
    ]

    def welfare(issue: GeniusIssue) -> list[float]:
        key = keys[issue.index]
        return [
            sum(
                p.weights[issue.index] * v[key][label]
                for p, v in zip(profiles, values, strict=True)
            )
            for label in levels[issue.index][0]
        ]

    issue_configs = {
        keys[i.index]: IssueConfig(
            options=list(levels[i.index][0]),
            status_quo=_status_quo(sc, keys[i.index], levels[i.index][0], welfare(i)),
            kind=IssueKind.concession,
            description=_issue_description(i, len(levels[i.index][0])),
        )
        for i in issues
    }
    parties = {
        party_key(n): PartyConfig(
            name=Path(path).stem,
            reservation_value=profile.reservation_value,
            weights={keys[i.index]: profile.weights[i.index] for i in issues},
            values=values[n],
        )
        for n, (path, profile) in enumerate(zip(sc.profiles, profiles, strict=True))
    }
    negotiators = {
        f"{p}_negotiator": NegotiatorActorConfig(
            name=f"{party.name} negotiator", party=p, tracks=[TRACK]
        )
        for p, party in parties.items()
    }
    return GeniusScenario(
        issues=issue_configs,
        parties=parties,
        tracks={TRACK: TrackConfig(issues=list(issue_configs), description="every issue")},
        negotiators=negotiators,
        discount_factors={party_key(n): p.discount_factor for n, p in enumerate(profiles)},
    )


def rounds(sc: ScenarioConfig) -> int:
    """Weekly rounds from start to deadline (``Scenario.deadline_weeks``)."""
    start = parse_date("scenario.start_date", sc.start_date)
    end = parse_date("scenario.deadline", sc.deadline)
    require(end > start, "scenario.deadline", sc.deadline, f"must be after start_date {start}")
    return math.ceil((end - start).days / 7)


def per_round_discounts(
    cfg: RunConfig, factors: dict[str, float], n_rounds: int
) -> dict[str, NegotiatorConfig]:
    """The negotiator configs with each profile's discount factor as a per-round discount.

    GENIUS discounts ``u * d**t`` over normalised time t in [0, 1]; over ``n_rounds`` weekly
    rounds that is ``d ** (1 / n_rounds)`` per round. A party whose negotiator already sets a
    different discount is an error rather than a silent choice between the two.
    """
    negotiator = dict(cfg.negotiator)
    if not cfg.scenario.genius.use_profile_discounts:
        return negotiator
    for n, (party, d) in enumerate(factors.items()):
        if d >= 1.0 or party not in negotiator:
            continue  # no discount; a missing negotiator entry is validation's to report
        per_round = d ** (1.0 / n_rounds)
        current = negotiator[party].discount
        if math.isclose(current, per_round, rel_tol=1e-12):
            continue  # already filled (a saved, resolved config)
        require(
            current == 1.0,
            f"negotiator.{party}.discount",
            current,
            f"{cfg.scenario.profiles[n]} has discount_factor {d:g}, {per_round:.6g} per round "
            "over the scenario's rounds: leave the discount at 1.0, or set "
            "scenario.genius.use_profile_discounts=false",
        )
        negotiator[party] = replace(negotiator[party], discount=per_round)
    return negotiator


def resolve_genius(cfg: RunConfig) -> RunConfig:
    """The run config with the GENIUS files it names read into its scenario (else unchanged).

    Raises:
        ConfigError: One line naming the key, the file and the element for a bad file; or the
            key of a bad GENIUS option, or of a part of the scenario that the files fill but the
            config sets otherwise.
    """
    sc = cfg.scenario
    if not is_genius(sc):
        return cfg
    validate_genius_source(sc)
    _, profiles = load_files(sc)
    parts = genius_scenario(sc, profiles)
    for name in ("issues", "parties", "tracks", "negotiators"):
        given = getattr(sc, name)
        require(
            not given or given == getattr(parts, name),
            f"scenario.{name}",
            sorted(given),
            "filled from the GENIUS files (scenario.profiles): leave it empty",
        )
    scenario = replace(
        sc,
        issues=parts.issues,
        parties=parts.parties,
        tracks=parts.tracks,
        negotiators=parts.negotiators,
    )
    negotiator = per_round_discounts(cfg, parts.discount_factors, rounds(sc))
    return replace(cfg, scenario=scenario, negotiator=negotiator)
