"""GENIUS / ANAC negotiation files: a domain and one utility-space profile per party (pure parsing).

GENIUS (and the ANAC competitions, and NegMAS) keep a negotiation as a *domain* file that lists the
issues and one *profile* file per party that values them. This module turns their XML, given as
bytes or text, into frozen objects with GENIUS's own utility function; it reads no file (that is
:mod:`sim.config.genius`), and knows nothing of the rest of ``sim``. The format, as GENIUS's Java
evaluator reads it:

* Domain: root ``<negotiation_template>`` -> ``<utility_space>`` -> ``<objective>`` ->
  ``<issue index name type>`` (the type is ``type``, else ``etype``, else ``vtype``, else
  discrete). A discrete issue lists ``<item index value/>``; an integer issue carries
  ``lowerbound``/``upperbound`` attributes; a real issue has a ``<range lowerbound upperbound/>``
  child.
* Profile: root ``<utility_space>`` with the same objective and issues. Discrete items carry an
  ``evaluation``; integer issues ``<evaluator ftype="linear" slope offset/>``; real issues
  ``<evaluator ftype="linear" parameter0 parameter1/>``. ``<weight index value/>`` children of the
  objective weigh the issues; ``<reservation value/>`` and ``<discount_factor value/>`` may stand
  anywhere (before or after the objective). Every profile repeats its issues, so a profile alone
  describes the domain too (some ANAC 2010 scenarios are read that way). ``type="uncertain"``
  profiles (ANAC 2019) add ``<comparisons>``, ``<errors>`` and ``<elicitation_cost>``.

Semantics (:meth:`GeniusProfile.utility`): a discrete value is its evaluation divided by the
issue's largest evaluation (0 if that is below 1e-5, as GENIUS does); an integer value is
``clip(slope * (x - lowerbound) + offset, 0, 1)``; a real value is ``clip(p1 * x + p0, 0, 1)`` (not
relative to the lower bound); the utility is the weighted sum, weights normalised by their sum. A
missing reservation value is 0; a discount factor outside (0, 1] is 1 (no discounting).

Every malformed file raises :class:`GeniusFormatError`, one line naming the file and the element.
XML is parsed by :mod:`defusedxml`, which refuses entity declarations (the "billion laughs" entity
bomb) and external references; inputs larger than ``max_bytes`` are refused before parsing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from xml.etree.ElementTree import Element, ParseError

import numpy as np
from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import fromstring

#: Refuse inputs larger than this before parsing (bytes); the largest ANAC files are a few MB.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: GENIUS treats a discrete issue whose largest evaluation is below this as worth 0 throughout.
EVALUATION_EPS = 1e-5

DOMAIN_ROOT = "negotiation_template"
PROFILE_ROOT = "utility_space"


class GeniusFormatError(ValueError):
    """A GENIUS file that cannot be read; the message is ``<source>: <element>: <problem>``."""

    def __init__(self, source: str, element: str, problem: str) -> None:
        self.source, self.element, self.problem = source, element, problem
        super().__init__(f"{source}: {element}: {problem}")


class IssueType(Enum):
    """GENIUS's issue types."""

    discrete = "discrete"
    integer = "integer"
    real = "real"


@dataclass(frozen=True)
class GeniusIssue:
    """One issue as a domain (or a profile) lists it.

    Attributes:
        index: The ``index`` attribute, which weights refer to.
        name: The ``name`` attribute.
        type: Discrete, integer or real.
        values: A discrete issue's item values, in file order (empty otherwise).
        lower: An integer or real issue's lower bound (0 for a discrete one).
        upper: Its upper bound.
    """

    index: int
    name: str
    type: IssueType
    values: tuple[str, ...] = ()
    lower: float = 0.0
    upper: float = 0.0

    def levels(self, real_levels: int) -> tuple[tuple[str, ...], tuple[str | float, ...]]:
        """The issue's options: labels and the GENIUS value (item or number) each stands for.

        Discrete issues keep their items; an integer issue has every integer from its lower to
        its upper bound; a real issue is discretised into ``real_levels`` evenly spaced levels,
        both bounds included (one level if they coincide).
        """
        if self.type is IssueType.discrete:
            return self.values, self.values
        if self.type is IssueType.integer:
            ints = range(int(self.lower), int(self.upper) + 1)
            return tuple(str(x) for x in ints), tuple(float(x) for x in ints)
        n = 1 if self.lower == self.upper else real_levels
        points = [float(x) for x in np.linspace(self.lower, self.upper, n)]
        return tuple(f"{x:.12g}" for x in points), tuple(points)

    def n_levels(self, real_levels: int) -> int:
        """Number of options :meth:`levels` gives (without building them)."""
        if self.type is IssueType.discrete:
            return len(self.values)
        if self.type is IssueType.integer:
            return int(self.upper) - int(self.lower) + 1
        return 1 if self.lower == self.upper else real_levels


@dataclass(frozen=True)
class GeniusDomain:
    """A domain: its objective's name and its issues, in file order."""

    source: str
    name: str
    issues: tuple[GeniusIssue, ...]


@dataclass(frozen=True)
class DiscreteEvaluator:
    """Raw evaluations of a discrete issue's items; a value is evaluation / largest evaluation."""

    evaluations: Mapping[str, float]

    def value(self, x: str | float) -> float:
        """Normalised evaluation of item ``x``."""
        top = max(self.evaluations.values())
        return 0.0 if top < EVALUATION_EPS else self.evaluations[str(x)] / top


@dataclass(frozen=True)
class IntegerEvaluator:
    """``clip(slope * (x - lowerbound) + offset, 0, 1)``."""

    lowerbound: float
    slope: float
    offset: float

    def value(self, x: str | float) -> float:
        """Value of the integer ``x``."""
        return min(max(self.slope * (float(x) - self.lowerbound) + self.offset, 0.0), 1.0)


@dataclass(frozen=True)
class RealEvaluator:
    """``clip(parameter1 * x + parameter0, 0, 1)``: not relative to the lower bound."""

    parameter0: float
    parameter1: float

    def value(self, x: str | float) -> float:
        """Value of the real ``x``."""
        return min(max(self.parameter1 * float(x) + self.parameter0, 0.0), 1.0)


Evaluator = DiscreteEvaluator | IntegerEvaluator | RealEvaluator


@dataclass(frozen=True)
class Uncertainty:
    """What a ``type="uncertain"`` profile adds: the elicitation set-up of ANAC 2019.

    Attributes:
        comparisons: Number of pairwise bid comparisons the agent is given (GENIUS default 10).
        errors: Number of wrong comparisons among them (GENIUS default 10).
        elicitation_cost: Cost of asking for one more comparison (GENIUS default 0).
    """

    comparisons: int
    errors: int
    elicitation_cost: float


@dataclass(frozen=True)
class GeniusProfile:
    """One party's utility space.

    Attributes:
        source: Where it was read from (for messages).
        issues: The issues as the profile lists them.
        weights: Issue index -> weight, normalised to sum to 1.
        evaluators: Issue index -> evaluator.
        reservation_value: Utility of no agreement (0 if the file gives none).
        discount_factor: ``d`` of GENIUS's ``u * d**t`` over normalised time (1: none).
        uncertainty: The elicitation set-up of an uncertain profile, else ``None``.
    """

    source: str
    issues: tuple[GeniusIssue, ...]
    weights: Mapping[int, float]
    evaluators: Mapping[int, Evaluator]
    reservation_value: float
    discount_factor: float
    uncertainty: Uncertainty | None

    def value(self, issue: GeniusIssue, x: str | float) -> float:
        """The evaluator's value (in [0, 1]) of ``x`` on ``issue``."""
        return self.evaluators[issue.index].value(x)

    def utility(self, outcome: Mapping[str, str | float]) -> float:
        """GENIUS's undiscounted utility of an outcome (issue name -> item or number)."""
        return sum(
            self.weights[issue.index] * self.value(issue, outcome[issue.name])
            for issue in self.issues
        )


# --- XML helpers ---------------------------------------------------------------------------------


def describe(el: Element) -> str:
    """An element as it reads in the file: ``<issue index="3" name="Price">`` (one line)."""
    attrs = "".join(
        f' {k}="{_short(el.attrib[k])}"' for k in ("index", "name", "value") if k in el.attrib
    )
    return f"<{el.tag}{attrs}>"


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Two slips that GENIUS's own lenient reader accepts and real ANAC files contain: an XML
# declaration after a comment (ANAC 2014), a bare "&" in a value ("Coffee & Thee", ANAC 2015), and
# text in latin-1 that declares no encoding.
_DECLARATION = re.compile(r"<\?xml[^>]*\?>")
_BARE_AMPERSAND = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][A-Za-z0-9_.-]*;)")


def _tolerate_slips(text: str) -> str:
    """Move a misplaced XML declaration to the start and escape bare ampersands."""
    found = _DECLARATION.search(text)
    if found is not None and found.start() > 0:
        text = found.group(0) + text[: found.start()] + text[found.end() :]
    return _BARE_AMPERSAND.sub("&amp;", text)


def _tolerate_slips_in_bytes(data: bytes) -> bytes | str:
    # the slips are ASCII; latin-1 maps every byte to one character and back, whatever the
    # file's encoding (UTF-8, ISO-8859-1, ...), so the declared encoding still decodes the rest
    text = _tolerate_slips(data.decode("latin-1"))
    if _DECLARATION.match(text) is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:  # undeclared and not UTF-8 ("\xa310,000", ANAC 2015): latin-1
            return text
    return text.encode("latin-1")


def parse_xml(data: bytes | str, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Element:
    """Parse untrusted XML safely, or raise a one-line :class:`GeniusFormatError`.

    A misplaced XML declaration, bare ``&`` characters and undeclared latin-1 text are tolerated,
    as GENIUS's own reader tolerates them.
    """
    size = len(data.encode() if isinstance(data, str) else data)
    if size > max_bytes:
        raise GeniusFormatError(
            source, "file", f"{size:,} bytes: larger than the limit of {max_bytes:,} bytes"
        )
    data = _tolerate_slips(data) if isinstance(data, str) else _tolerate_slips_in_bytes(data)
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden:
        raise GeniusFormatError(
            source, "<!ENTITY>", "entity declarations are refused (an entity-expansion bomb?)"
        ) from None
    except DefusedXmlException as exc:
        raise GeniusFormatError(source, "<!DOCTYPE>", f"refused: {exc}") from None
    except ParseError as exc:
        raise GeniusFormatError(source, "file", f"not well-formed XML ({exc})") from None


def _number(el: Element, attr: str, source: str, *, required: bool = True) -> float | None:
    raw = el.get(attr)
    if raw is None:
        if required:
            raise GeniusFormatError(source, describe(el), f"has no {attr!r} attribute")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise GeniusFormatError(source, describe(el), f"{attr}={raw!r} is not a number") from None
    if not math.isfinite(value):
        raise GeniusFormatError(source, describe(el), f"{attr}={raw!r} is not finite")
    return value


def _required_number(el: Element, attr: str, source: str) -> float:
    value = _number(el, attr, source)
    assert value is not None
    return value


def _integer(el: Element, attr: str, source: str) -> int:
    value = _required_number(el, attr, source)
    if value != int(value):
        raise GeniusFormatError(source, describe(el), f"{attr}={el.get(attr)!r}: not an integer")
    return int(value)


def _root(data: bytes | str, source: str, tag: str, max_bytes: int) -> Element:
    root = parse_xml(data, source, max_bytes)
    if root.tag != tag:
        hint = {
            DOMAIN_ROOT: " (a domain file given as a profile?)",
            PROFILE_ROOT: " (a profile given as the domain?)",
        }.get(root.tag, "")
        raise GeniusFormatError(
            source, f"<{root.tag}>", f"wrong root element: expected <{tag}>{hint}"
        )
    return root


def _child(parent: Element, tag: str, source: str) -> Element:
    found = parent.find(tag)
    if found is None:
        raise GeniusFormatError(source, describe(parent), f"has no <{tag}> child")
    return found


def _objective(space: Element, source: str) -> Element:
    objective = _child(space, "objective", source)
    nested = objective.find("objective")
    if nested is not None:
        raise GeniusFormatError(
            source, describe(nested), "nested objectives are not supported (issues only)"
        )
    return objective


# --- issues --------------------------------------------------------------------------------------


def _issue_type(el: Element, source: str) -> IssueType:
    raw = el.get("type") or el.get("etype") or el.get("vtype") or "discrete"
    try:
        return IssueType(raw.lower())
    except ValueError:
        allowed = ", ".join(t.value for t in IssueType)
        raise GeniusFormatError(
            source, describe(el), f"type {raw!r} is not supported (one of {allowed})"
        ) from None


def _bounds(el: Element, source: str) -> tuple[float, float]:
    """An integer or real issue's bounds: attributes of the issue, else of its ``<range>``."""
    holder = el if el.get("lowerbound") is not None else el.find("range")
    if holder is None:
        raise GeniusFormatError(
            source, describe(el), "has neither lowerbound/upperbound nor a <range> child"
        )
    lower = _required_number(holder, "lowerbound", source)
    upper = _required_number(holder, "upperbound", source)
    if lower > upper:
        raise GeniusFormatError(
            source, describe(holder), f"lowerbound {lower:g} is above upperbound {upper:g}"
        )
    return lower, upper


def _parse_issue(el: Element, source: str) -> GeniusIssue:
    index = _integer(el, "index", source)
    name = el.get("name") or f"issue_{index}"
    kind = _issue_type(el, source)
    if kind is IssueType.discrete:
        values: list[str] = []
        for item in el.findall("item"):
            value = item.get("value")
            if value is None:
                raise GeniusFormatError(source, describe(item), "has no 'value' attribute")
            if value not in values:  # a repeated item (an ANAC 2012 domain has one) counts once
                values.append(value)
        if not values:
            raise GeniusFormatError(source, describe(el), "a discrete issue with no <item>")
        return GeniusIssue(index=index, name=name, type=kind, values=tuple(values))
    lower, upper = _bounds(el, source)
    if kind is IssueType.integer and (lower != int(lower) or upper != int(upper)):
        raise GeniusFormatError(source, describe(el), "an integer issue needs integer bounds")
    return GeniusIssue(index=index, name=name, type=kind, lower=lower, upper=upper)


def _parse_issues(objective: Element, source: str) -> tuple[GeniusIssue, ...]:
    issues: list[GeniusIssue] = []
    for el in objective.findall("issue"):
        issue = _parse_issue(el, source)
        if any(i.index == issue.index for i in issues):
            raise GeniusFormatError(source, describe(el), "another issue has the same index")
        if any(i.name == issue.name for i in issues):
            raise GeniusFormatError(source, describe(el), "another issue has the same name")
        issues.append(issue)
    if not issues:
        raise GeniusFormatError(source, describe(objective), "has no <issue>")
    return tuple(issues)


def parse_domain(
    data: bytes | str, source: str = "<domain>", max_bytes: int = DEFAULT_MAX_BYTES
) -> GeniusDomain:
    """Read a GENIUS domain file (root ``<negotiation_template>``).

    Args:
        data: The file's contents.
        source: Names the file in error messages.
        max_bytes: Larger inputs are refused before parsing.

    Raises:
        GeniusFormatError: One line naming ``source`` and the offending element.
    """
    root = _root(data, source, DOMAIN_ROOT, max_bytes)
    objective = _objective(_child(root, "utility_space", source), source)
    name = objective.get("name") or "domain"
    return GeniusDomain(source=source, name=name, issues=_parse_issues(objective, source))


# --- profiles ------------------------------------------------------------------------------------


def _discrete_evaluator(el: Element, issue: GeniusIssue, source: str) -> DiscreteEvaluator:
    evaluations: dict[str, float] = {}
    for item in el.findall("item"):
        value = item.get("value")
        if value not in issue.values:
            raise GeniusFormatError(
                source, describe(item), f"not an item of issue {issue.name!r} in the domain"
            )
        raw = item.get("evaluation")
        if raw is None or raw == "null":
            raise GeniusFormatError(source, describe(item), "has no evaluation")
        evaluation = _required_number(item, "evaluation", source)
        if evaluation < 0.0:
            raise GeniusFormatError(
                source, describe(item), f"evaluation {evaluation:g} is out of range (>= 0)"
            )
        evaluations[value] = evaluation
    missing = [v for v in issue.values if v not in evaluations]
    if missing:
        raise GeniusFormatError(
            source, describe(el), f"item {_short(missing[0])!r} of the domain has no evaluation"
        )
    return DiscreteEvaluator(evaluations=evaluations)


def _evaluator_element(el: Element, source: str) -> Element:
    evaluator = _child(el, "evaluator", source)
    ftype = (evaluator.get("ftype") or "linear").lower()
    if ftype != "linear":
        raise GeniusFormatError(
            source, describe(evaluator), f"ftype {ftype!r} is not supported (linear only)"
        )
    return evaluator


def _parse_evaluator(el: Element, issue: GeniusIssue, source: str) -> Evaluator:
    if issue.type is IssueType.discrete:
        return _discrete_evaluator(el, issue, source)
    evaluator = _evaluator_element(el, source)
    if issue.type is IssueType.integer:
        # GENIUS anchors the line at the lower bound the profile's own issue element states
        own_lower = _number(el, "lowerbound", source, required=False)
        return IntegerEvaluator(
            lowerbound=issue.lower if own_lower is None else own_lower,
            slope=_required_number(evaluator, "slope", source),
            offset=_required_number(evaluator, "offset", source),
        )
    return RealEvaluator(
        parameter0=_required_number(evaluator, "parameter0", source),
        parameter1=_required_number(evaluator, "parameter1", source),
    )


def _match_issue(el: Element, domain: GeniusDomain, source: str) -> GeniusIssue:
    """The domain's issue a profile's ``<issue>`` element values (same index, name and type)."""
    index = _integer(el, "index", source)
    issue = next((i for i in domain.issues if i.index == index), None)
    if issue is None:
        known = ", ".join(str(i.index) for i in domain.issues)
        raise GeniusFormatError(
            source, describe(el), f"the domain has no issue with index {index} (issues: {known})"
        )
    name = el.get("name")
    if name is not None and name != issue.name:
        raise GeniusFormatError(
            source, describe(el), f"the domain calls issue {index} {issue.name!r}"
        )
    if _issue_type(el, source) is not issue.type:
        raise GeniusFormatError(
            source, describe(el), f"the domain's issue {index} is {issue.type.value}"
        )
    return issue


def _weights(objective: Element, issues: tuple[GeniusIssue, ...], source: str) -> dict[int, float]:
    raw: dict[int, float] = {}
    indices = {i.index for i in issues}
    own = objective.get("index")
    for el in objective.findall("weight"):
        index = _integer(el, "index", source)
        if el.get("index") == own and index not in indices:
            continue  # the objective's own weight (ANAC 2012 files give it): not an issue's
        if index not in indices:
            known = ", ".join(str(i) for i in sorted(indices))
            problem = f"weighs a missing issue: no issue has index {index} (issues: {known})"
            raise GeniusFormatError(source, describe(el), problem)
        if index in raw:
            raise GeniusFormatError(source, describe(el), f"issue {index} is weighed twice")
        weight = _required_number(el, "value", source)
        if weight < 0.0:
            raise GeniusFormatError(source, describe(el), f"weight {weight:g} is negative")
        raw[index] = weight
    for issue in issues:
        if issue.index not in raw:
            raise GeniusFormatError(
                source, describe(objective), f"no <weight> for issue {issue.name!r} ({issue.index})"
            )
    total = sum(raw.values())
    if total <= 0.0:
        raise GeniusFormatError(source, describe(objective), "the weights sum to 0")
    return {index: w / total for index, w in raw.items()}


def _single(root: Element, tag: str, source: str) -> Element | None:
    """The one ``<tag>`` anywhere in the file (GENIUS looks at every level), or ``None``."""
    found = list(root.iter(tag))
    if len(found) > 1:
        raise GeniusFormatError(source, describe(found[1]), f"more than one <{tag}>")
    return found[0] if found else None


def _reservation(root: Element, source: str) -> float:
    el = _single(root, "reservation", source)
    if el is None:
        return 0.0  # GENIUS: no reservation value is 0
    value = _required_number(el, "value", source)
    if not 0.0 <= value <= 1.0:
        raise GeniusFormatError(source, describe(el), f"{value:g} is out of range [0, 1]")
    return value


def _discount(root: Element, source: str) -> float:
    el = _single(root, "discount_factor", source)
    if el is None:
        return 1.0
    value = _required_number(el, "value", source)
    return value if 0.0 < value <= 1.0 else 1.0  # GENIUS: outside (0, 1] means no discount


def _text_number(root: Element, tag: str, default: float, source: str) -> float:
    el = _single(root, tag, source)
    if el is None:
        return default
    text = (el.text or "").strip()
    try:
        value = float(text)
    except ValueError:
        raise GeniusFormatError(source, f"<{tag}>", f"{_short(text)!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise GeniusFormatError(source, f"<{tag}>", f"{text!r}: must be a number >= 0")
    return value


def _uncertainty(root: Element, source: str) -> Uncertainty | None:
    kind = (root.get("type") or "").lower()
    if kind in ("", "linear", "additive"):
        return None
    if kind != "uncertain":
        raise GeniusFormatError(
            source,
            f'<{root.tag} type="{_short(kind)}">',
            "not supported: only linear additive and uncertain profiles",
        )
    return Uncertainty(
        comparisons=int(_text_number(root, "comparisons", 10, source)),
        errors=int(_text_number(root, "errors", 10, source)),
        elicitation_cost=_text_number(root, "elicitation_cost", 0.0, source),
    )


def parse_profile(
    data: bytes | str,
    source: str = "<profile>",
    domain: GeniusDomain | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> GeniusProfile:
    """Read a GENIUS utility-space profile (root ``<utility_space>``).

    Args:
        data: The file's contents.
        source: Names the file in error messages.
        domain: The domain the profile values; its issues are matched by index (and must agree
            in name, type and items). ``None``: the profile's own issues are the domain.
        max_bytes: Larger inputs are refused before parsing.

    Raises:
        GeniusFormatError: One line naming ``source`` and the offending element.
    """
    root = _root(data, source, PROFILE_ROOT, max_bytes)
    uncertainty = _uncertainty(root, source)
    objective = _objective(root, source)
    if domain is None:  # the profile carries its issues: they are the domain
        domain = GeniusDomain(source=source, name="domain", issues=_parse_issues(objective, source))
    elements: dict[int, Element] = {}
    for el in objective.findall("issue"):
        issue = _match_issue(el, domain, source)
        if issue.index in elements:
            raise GeniusFormatError(source, describe(el), "another issue has the same index")
        elements[issue.index] = el
    missing = [i for i in domain.issues if i.index not in elements]
    if missing:
        raise GeniusFormatError(
            source,
            describe(objective),
            f"does not value the domain's issue {missing[0].name!r} ({missing[0].index})",
        )
    evaluators = {i.index: _parse_evaluator(elements[i.index], i, source) for i in domain.issues}
    return GeniusProfile(
        source=source,
        issues=domain.issues,
        weights=_weights(objective, domain.issues, source),
        evaluators=evaluators,
        reservation_value=_reservation(root, source),
        discount_factor=_discount(root, source),
        uncertainty=uncertainty,
    )
