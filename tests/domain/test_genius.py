"""Reading GENIUS files (``sim/domain/genius.py``): every variant, against hand computations."""

from __future__ import annotations

import pytest

from sim.domain.genius import (
    GeniusFormatError,
    IssueType,
    parse_domain,
    parse_profile,
)
from tests import genius_xml as gx

FRUIT = parse_domain(gx.domain(), "fruit.xml")


def test_domain_lists_each_issue_type_with_its_values_or_bounds():
    kinds = {i.name: i for i in FRUIT.issues}
    assert FRUIT.name == "Fruit"
    assert kinds["Fruit Kind"].type is IssueType.discrete
    assert kinds["Fruit Kind"].values == ("apple", "pear", "plum")
    assert (kinds["count"].type, kinds["count"].lower, kinds["count"].upper) == (
        IssueType.integer,
        2,
        6,
    )
    # vtype alone names the type; a real issue's bounds come from its <range>
    assert (kinds["price"].type, kinds["price"].lower, kinds["price"].upper) == (
        IssueType.real,
        10,
        20,
    )


def test_utility_of_an_outcome_matches_a_hand_computation():
    a = parse_profile(gx.profile_a(), "a.xml", FRUIT)
    b = parse_profile(gx.profile_b(), "b.xml", FRUIT)
    outcome = {"Fruit Kind": "pear", "count": 5, "price": 15.0}
    # A: .5 * (4/4) + .25 * (0.2 * (5 - 2) + 0.1) + .25 * (0.1 * 15 - 1) = .5 + .175 + .125
    assert a.utility(outcome) == pytest.approx(0.8)
    # B: .25 * (1/5) + .25 * (-0.25 * (5 - 2) + 1) + .5 * (2 - 0.1 * 15) = .05 + .0625 + .25
    assert b.utility(outcome) == pytest.approx(0.3625)


def test_discrete_values_are_evaluations_over_the_largest():
    a = parse_profile(gx.profile_a(), "a.xml", FRUIT)
    kind = FRUIT.issues[0]
    assert [a.value(kind, v) for v in kind.values] == [0.5, 1.0, 0.25]


def test_weights_are_normalised_by_their_sum():
    a = parse_profile(gx.profile_a(), "a.xml", FRUIT)  # weights 2, 1, 1
    assert dict(a.weights) == pytest.approx({1: 0.5, 2: 0.25, 3: 0.25})


def _count_only(slope: float, offset: float) -> str:
    """A profile that varies only in the integer issue."""
    issues = gx.kind_issue("1", "1", "1") + gx.count_issue(slope, offset) + gx.price_issue(0, 0)
    return gx.profile(issues + gx.weights(1, 1, 1))


def test_integer_value_is_relative_to_the_lower_bound_and_clipped():
    count = FRUIT.issues[1]
    steep = parse_profile(_count_only(0.5, 0.6), "steep.xml", FRUIT)
    assert steep.value(count, 2) == pytest.approx(0.6)  # at the lower bound: the offset
    assert steep.value(count, 3) == 1.0  # 0.5 * 1 + 0.6 = 1.1, clipped
    falling = parse_profile(_count_only(-0.5, 0.2), "falling.xml", FRUIT)
    assert falling.value(count, 4) == 0.0  # -0.5 * 2 + 0.2 < 0, clipped


def test_real_value_is_not_relative_to_the_lower_bound():
    a = parse_profile(gx.profile_a(), "a.xml", FRUIT)
    price = FRUIT.issues[2]
    # p1 * x + p0 = 0.1 * 15 - 1 = 0.5; relative to the bound 10 it would be 0.1 * 5 - 1 < 0
    assert a.value(price, 15.0) == pytest.approx(0.5)
    assert a.value(price, 20.0) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('<reservation value="0.4"/><discount_factor value="0.7"/>', ""),
        ("", '<discount_factor value="0.7"/><reservation value="0.4"/>'),
        ('<discount_factor value="0.7"/>', '<reservation value="0.4"/>'),
    ],
    ids=["before", "after", "split"],
)
def test_reservation_and_discount_are_read_before_or_after_the_objective(before, after):
    p = parse_profile(gx.profile(gx.A_ISSUES + gx.weights(2, 1, 1), before, after), "p.xml", FRUIT)
    assert (p.reservation_value, p.discount_factor) == (0.4, 0.7)


def test_missing_reservation_is_zero_and_missing_discount_is_none():
    p = parse_profile(gx.profile(gx.A_ISSUES + gx.weights(2, 1, 1)), "p.xml", FRUIT)
    assert (p.reservation_value, p.discount_factor) == (0.0, 1.0)


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2"])
def test_a_discount_outside_zero_one_means_no_discount(value):
    body = gx.A_ISSUES + gx.weights(2, 1, 1)
    p = parse_profile(gx.profile(body, after=f'<discount_factor value="{value}"/>'), "p.xml", FRUIT)
    assert p.discount_factor == 1.0


def test_a_profile_that_carries_its_issues_needs_no_domain():
    # ANAC 2010 style: the profile's items, bounds and ranges are the domain
    p = parse_profile(gx.profile_a(), "a.xml", domain=None)
    assert [i.name for i in p.issues] == ["Fruit Kind", "count", "price"]
    assert p.issues[1].lower == 2 and p.issues[2].upper == 20
    assert p.utility({"Fruit Kind": "pear", "count": 5, "price": 15.0}) == pytest.approx(0.8)


def test_an_uncertain_profile_keeps_its_true_utility_and_elicitation_set_up():
    text = gx.profile(
        gx.A_ISSUES + gx.weights(2, 1, 1),
        after="<comparisons> 20 </comparisons><errors>2</errors>"
        "<elicitation_cost>0.01</elicitation_cost><fixed_seed>true</fixed_seed>",
        root_attrs=' type="UNCERTAIN"',
    )
    p = parse_profile(text, "u.xml", FRUIT)
    assert p.uncertainty is not None
    assert (p.uncertainty.comparisons, p.uncertainty.errors) == (20, 2)
    assert p.uncertainty.elicitation_cost == pytest.approx(0.01)
    assert p.utility({"Fruit Kind": "pear", "count": 5, "price": 15.0}) == pytest.approx(0.8)
    assert parse_profile(gx.profile_a(), "a.xml", FRUIT).uncertainty is None


def test_real_issues_are_discretised_into_evenly_spaced_levels():
    labels, points = FRUIT.issues[2].levels(5)
    assert labels == ("10", "12.5", "15", "17.5", "20")
    assert points == (10.0, 12.5, 15.0, 17.5, 20.0)
    labels, _ = FRUIT.issues[1].levels(5)  # integers: every value, whatever the levels
    assert labels == ("2", "3", "4", "5", "6")


# --- bad files: one line naming the file and the element -----------------------------------------


def _error(parse, text: str, source: str = "bad.xml", **kwargs) -> str:
    with pytest.raises(GeniusFormatError) as info:
        parse(text, source, **kwargs)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{source}: ")
    return message


def test_not_xml():
    assert "not well-formed XML" in _error(parse_domain, "this is { not xml")


def test_wrong_root_names_the_root_and_the_likely_mix_up():
    message = _error(parse_domain, gx.profile_a())
    assert "<utility_space>" in message and "expected <negotiation_template>" in message
    message = _error(parse_profile, gx.domain())
    assert "<negotiation_template>" in message and "domain file given as a profile" in message


def test_a_weight_for_a_missing_issue():
    text = gx.profile(gx.A_ISSUES + gx.weights(2, 1, 1, 5))  # a fourth weight, index 4
    message = _error(parse_profile, text, domain=FRUIT)
    assert '<weight index="4" value="5">' in message and "missing issue" in message


def test_a_negative_evaluation_is_out_of_range():
    issues = gx.kind_issue("2", "-1", "1") + gx.count_issue(0.2, 0.1) + gx.price_issue(-1, 0.1)
    text = gx.profile(issues + gx.weights(1, 1, 1))
    message = _error(parse_profile, text, domain=FRUIT)
    assert '<item index="2" value="pear">' in message and "out of range" in message


def test_an_item_the_domain_does_not_have():
    text = gx.profile(gx.A_ISSUES.replace('"plum"', '"quince"') + gx.weights(1, 1, 1))
    assert "not an item of issue 'Fruit Kind'" in _error(parse_profile, text, domain=FRUIT)


def test_a_reservation_value_out_of_range():
    text = gx.profile(gx.A_ISSUES + gx.weights(1, 1, 1), after='<reservation value="1.5"/>')
    assert "<reservation" in _error(parse_profile, text, domain=FRUIT)


def test_an_issue_without_weight():
    text = gx.profile(gx.A_ISSUES + gx.weights(1, 1))
    assert "no <weight> for issue 'price'" in _error(parse_profile, text, domain=FRUIT)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<negotiation_template>&lol3;</negotiation_template>"
)


def test_an_entity_expansion_bomb_is_refused_before_it_expands():
    assert "entity declarations are refused" in _error(parse_domain, BILLION_LAUGHS)


def test_an_external_entity_is_refused():
    text = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><negotiation_template>&x;'
    assert "refused" in _error(parse_domain, text + "</negotiation_template>")


def test_an_input_over_the_size_limit_is_refused_before_parsing():
    message = _error(parse_domain, gx.domain(), max_bytes=100)
    assert "larger than the limit of 100 bytes" in message


def test_nested_objectives_and_non_linear_evaluators_are_named():
    nested = gx.domain(gx.KIND + '<objective index="9" name="sub"/>')
    assert '<objective index="9" name="sub">' in _error(parse_domain, nested)
    triangular = gx.A_ISSUES.replace('ftype="linear" parameter0', 'ftype="triangular" parameter0')
    message = _error(parse_profile, gx.profile(triangular + gx.weights(1, 1, 1)), domain=FRUIT)
    assert "<evaluator>" in message and "'triangular'" in message


# --- slips GENIUS's own reader accepts, and real ANAC files contain -------------------------------


def test_a_declaration_after_a_comment_and_a_bare_ampersand_are_read():
    text = "\n<!-- profile 1 -->\n" + gx.domain().replace('value="pear"', 'value="pear & fig"')
    domain = parse_domain(text.encode(), "slips.xml")
    assert domain.issues[0].values == ("apple", "pear & fig", "plum")


def test_undeclared_latin_1_text_is_read_as_latin_1():
    text = gx.domain().replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    data = text.replace('value="pear"', 'value="\u00a310,000"').encode("latin-1")
    assert parse_domain(data, "latin.xml").issues[0].values[1] == "\u00a310,000"


def test_a_repeated_item_counts_once_and_the_objectives_own_weight_is_not_an_issues():
    repeated = gx.KIND.replace('<item index="3"', '<item index="2" value="pear"/><item index="3"')
    domain = parse_domain(gx.domain(repeated + gx.COUNT + gx.PRICE), "d.xml")
    assert domain.issues[0].values == ("apple", "pear", "plum")
    own = '<weight index="0" value="1.0"/>'  # the objective is index 0
    p = parse_profile(gx.profile(gx.A_ISSUES + gx.weights(2, 1, 1) + own), "p.xml", domain)
    assert dict(p.weights) == pytest.approx({1: 0.5, 2: 0.25, 3: 0.25})
