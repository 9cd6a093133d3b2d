"""The launcher's checks, settings hand-over and front-end files (no server started here)."""

from __future__ import annotations

import io
import tarfile

import pytest

from sim.dashboard import assets
from sim.dashboard.__main__ import main
from sim.dashboard.server import HOST, free_port, solara_command
from sim.dashboard.settings import ENV_VAR, DashboardSettings


@pytest.mark.parametrize(
    ("argv", "key"),
    [
        (["scenario.linkagee=true"], "linkagee"),
        (["n_replicates=0"], "n_replicates"),
        (["--replicate", "-1"], "--replicate"),
        (["--run", "/no/such/run"], "run_dir"),
    ],
)
def test_a_bad_argument_stops_with_one_line_before_any_server(argv, key, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("config error:") and key in err and "\n" not in err


def test_settings_travel_through_the_environment():
    settings = DashboardSettings(("seed=3",), "/runs/x", 12, "/results")
    assert DashboardSettings.from_environ({ENV_VAR: settings.to_json()}) == settings
    assert DashboardSettings.from_environ({}) == DashboardSettings()


def test_the_server_listens_on_loopback_only_and_never_opens_a_browser():
    command = solara_command(free_port())
    assert command[command.index("--host") + 1] == HOST == "127.0.0.1"
    assert "--no-open" in command and "--no-check-version" in command


def _npm_tarball(path, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_front_end_packages_unpack_into_solaras_cdn_folder(tmp_path):
    prefix = tmp_path / "venv"
    assert assets.missing(prefix) == list(assets.PACKAGES)
    katex = assets.PACKAGES[0]
    tarball = tmp_path / "katex.tgz"
    _npm_tarball(tarball, {katex.probe: "katex", "package.json": "{}"})
    assets._unpack(tarball, assets.cdn_dir(prefix) / katex.folder)
    assert (prefix / "share/solara/cdn/katex@0.16.9/dist/katex.min.js").read_text() == "katex"
    assert katex not in assets.missing(prefix)
    assert len(assets.missing(prefix)) == len(assets.PACKAGES) - 1


def test_without_npm_the_install_says_what_it_needs(tmp_path):
    with pytest.raises(RuntimeError, match=r"npm is needed to fetch katex@0\.16\.9"):
        assets.install(tmp_path, npm="no-such-npm-here")
