"""The compiled default scenario (:mod:`sim.domain.scenario` specs built from ``conf/``)."""

from __future__ import annotations

from sim.runs.experiment import build_experiment
from tests.conftest import compose_run_config


def test_default_scenario_has_every_actor_and_track():
    sc = build_experiment(compose_run_config()).compiled.scenario
    assert {t.name for t in sc.tracks} == {"steel_aluminum", "forest_products", "autos", "energy"}
    assert {n.name for n in sc.negotiators} >= {
        "Dominic LeBlanc",
        "Kirsten Hillman",
        "Howard Lutnick",
        "Jamieson Greer",
    }
    assert {ld.name for ld in sc.politics.leaders} == {"Mark Carney", "Donald Trump"}
    assert "Michael Sabia" in {c.name for c in sc.politics.coordinators}
    assert len([s for s in sc.politics.stakeholders if s.party == "canada"]) >= 7
    assert len([s for s in sc.politics.stakeholders if s.party == "united_states"]) >= 6
    assert {c.name for c in sc.politics.conditions} >= {
        "carbon_capture",
        "private_sponsor",
        "indigenous_buy_in",
        "climate_measures",
    }
    # Keystone XL is linked into steel & aluminum by default, and negotiated nowhere else
    steel = next(t for t in sc.tracks if t.name == "steel_aluminum")
    assert "keystone_xl" in steel.issues
    assert [t.name for t in sc.tracks if "keystone_xl" in t.issues] == ["steel_aluminum"]


def test_without_linkage_keystone_leaves_the_metals_track():
    sc = build_experiment(compose_run_config(["scenario.linkage=false"])).compiled.scenario
    steel = next(t for t in sc.tracks if t.name == "steel_aluminum")
    assert "keystone_xl" not in steel.issues
