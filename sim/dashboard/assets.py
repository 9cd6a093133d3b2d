"""The page's front-end files, served from the venv so it works without internet.

Solara loads its front end from a public CDN unless the files are in
``$VENV/share/solara/cdn/`` (where it looks first). ``solara-assets`` (installed with
``--no-deps``) puts most of them there; the rest come from the npm registry, pinned here:
KaTeX for Markdown, and Vega, Vega-Lite and Vega-Embed for Altair charts (Solara asks for
``vega@5``, ``vega-lite@5`` and ``vega-embed@6``, which ``solara-assets`` 1.58.2 does not ship).

``python -m sim.dashboard.assets install`` fetches the missing ones with ``npm pack`` (``make
dashboard`` runs it); ``python -m sim.dashboard.assets check`` lists what is missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FrontEndPackage:
    """An npm package Solara's page asks for, and where it must be unpacked.

    Attributes:
        folder: The folder name under ``share/solara/cdn/`` (the name the page requests).
        package: The exact npm package version unpacked there.
        probe: A file the page loads from it (present once installed).
    """

    folder: str
    package: str
    probe: str


#: The pinned front-end packages (the ``@5``/``@6`` folders hold the newest release of that major
#: version when pinned, which is what the public CDN would serve).
PACKAGES = (
    FrontEndPackage("katex@0.16.9", "katex@0.16.9", "dist/katex.min.js"),
    FrontEndPackage("vega@5", "vega@5.33.1", "build/vega.min.js"),
    FrontEndPackage("vega-lite@5", "vega-lite@5.23.0", "build/vega-lite.min.js"),
    FrontEndPackage("vega-embed@6", "vega-embed@6.29.0", "build/vega-embed.min.js"),
)


def cdn_dir(prefix: Path | None = None) -> Path:
    """Where Solara looks for its front-end files before asking the CDN."""
    return Path(prefix or sys.prefix) / "share" / "solara" / "cdn"


def missing(prefix: Path | None = None) -> list[FrontEndPackage]:
    """The pinned packages not unpacked yet (and ``solara-assets``' own probe)."""
    root = cdn_dir(prefix)
    return [p for p in PACKAGES if not (root / p.folder / p.probe).is_file()]


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball (its files live under ``package/``) into ``target``."""
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("package/")]
        for member in members:
            member.name = member.name.removeprefix("package/")
        tar.extractall(staging, members=members, filter="data")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)  # complete or absent, never half-written


def install(prefix: Path | None = None, npm: str = "npm") -> list[str]:
    """Fetch every missing package with ``npm pack`` and unpack it; the folders installed.

    Raises:
        RuntimeError: If ``npm`` is not available or a package cannot be fetched.
    """
    todo = missing(prefix)
    if not todo:
        return []
    if shutil.which(npm) is None:
        names = ", ".join(p.package for p in todo)
        raise RuntimeError(f"npm is needed to fetch {names} from the npm registry")
    root = cdn_dir(prefix)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for package in todo:
            done = subprocess.run(
                [npm, "pack", package.package, "--pack-destination", tmp, "--silent"],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"npm pack {package.package} failed: {done.stderr.strip()}")
            tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
            _unpack(tarball, root / package.folder)
    return [p.folder for p in todo]


def main(argv: list[str] | None = None) -> int:
    """``install`` the missing front-end packages, or ``check`` (exit 1 if any is missing)."""
    parser = argparse.ArgumentParser(prog="python -m sim.dashboard.assets", description=__doc__)
    parser.add_argument("action", choices=["install", "check"])
    args = parser.parse_args(argv)
    if args.action == "check":
        gaps = missing()
        for p in gaps:
            print(f"missing: {cdn_dir() / p.folder} ({p.package})")
        return 1 if gaps else 0
    try:
        installed = install()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"front-end packages in {cdn_dir()}: {', '.join(installed) or 'all present already'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
