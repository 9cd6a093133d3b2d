"""The research-question presets of the uncertainty tools (conf/experiment/{explore,calibrate}/).

Each preset composes with its tool's config, names only keys that have priors, and (slow) runs
end to end at a tiny size into a run directory with its report.
"""

from __future__ import annotations

import pytest
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra

from sim.cli import calibrate, explore
from sim.cli.compose import CONF_DIR
from sim.cli.explore import prior_options
from sim.uncertainty.priors import build_prior_set
from tests.uncertainty.test_tools import run_tool

PRESETS = [
    (tool, f"{tool}/{path.stem}")
    for tool in ("explore", "calibrate")
    for path in sorted((CONF_DIR / "experiment" / tool).glob("*.yaml"))
]
TINY = {
    "explore": ["design.size=2", "n_replicates=10", "prim.enabled=false"],
    "calibrate": ["n_draws=4", "quantile=0.5", "n_replicates=10", "forecast_draws=2",
                  "forecast_replicates=10"],
}  # fmt: skip


def composed(tool: str, preset: str):
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(str(CONF_DIR), version_base="1.3"):
            return compose(tool, overrides=[f"+experiment={preset}"])
    finally:
        GlobalHydra.instance().clear()


def test_there_is_a_preset_for_screening_discovery_the_headline_and_the_record():
    names = {preset for _, preset in PRESETS}
    assert {
        "explore/drivers_of_the_deals",
        "explore/autos_deal_discovery",
        "explore/headline_with_parameter_uncertainty",
        "calibrate/pre_start_record",
    } <= names


@pytest.mark.parametrize(("tool", "preset"), PRESETS)
def test_every_preset_composes_and_its_parameters_have_priors(tool, preset, base_cfg):
    cfg = composed(tool, preset)
    entries, extra = prior_options(cfg)
    priors = build_prior_set(entries, extra, base_cfg)
    chosen = priors.select(list(cfg.params)) if cfg.params else priors
    assert len(chosen) >= 1
    if tool == "explore" and cfg.prim.enabled:
        assert str(cfg.prim.output).startswith("deal.")


@pytest.mark.slow  # every preset end to end at a tiny size (~1 min)
@pytest.mark.parametrize(("tool", "preset"), PRESETS)
def test_every_preset_runs_end_to_end_at_a_tiny_size(tool, preset, tmp_path):
    module = {"explore": explore, "calibrate": calibrate}[tool]
    status = run_tool(
        module, f"+experiment={preset}", *TINY[tool], f"hydra.run.dir={tmp_path}", "progress=false"
    )
    assert status == 0
    assert (tmp_path / "report.html").is_file()
