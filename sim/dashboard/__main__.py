"""``python -m sim.dashboard [overrides...]``: serve the negotiation room on 127.0.0.1.

Overrides are ``python -m sim``'s (``scenario.linkage=false seed=7 ...``) and are checked before
the server starts: a bad one stops with one line and exit status 2. ``--run DIR`` reproduces a
saved run instead of ``conf/``. Ctrl-C (or SIGTERM) stops the server and every process it started.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from sim.config.errors import ConfigError
from sim.dashboard import assets
from sim.dashboard.model import negotiation_config
from sim.dashboard.server import DEFAULT_PORT, DashboardServer, results_folder
from sim.dashboard.settings import DashboardSettings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m sim.dashboard", description=__doc__.split("\n")[0]
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, as for python -m sim")
    parser.add_argument("--run", help="a saved run (or sweep job) directory to reproduce")
    parser.add_argument("--replicate", type=int, default=0, help="replicate shown first")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    parser.add_argument("--results", default="results", help="folder the saved-run view lists")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> DashboardSettings:
    """Check the config the page will use and build its settings.

    Raises:
        ConfigError: One line naming the bad key or value.
    """
    if args.replicate < 0:
        raise ConfigError("--replicate", args.replicate, "must be an integer >= 0")
    run_dir = results_folder(args.run) if args.run else None
    negotiation_config(tuple(args.overrides), run_dir)
    return DashboardSettings(
        overrides=tuple(args.overrides),
        run_dir=run_dir,
        replicate=args.replicate,
        results_dir=results_folder(args.results),
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds into the finally below, which stops the server


def main(argv: list[str] | None = None) -> int:
    """Serve the dashboard until Ctrl-C or SIGTERM; exit status."""
    args = parse_args(argv)
    try:
        settings = settings_from(args)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    gaps = assets.missing()
    if gaps:
        names = ", ".join(p.package for p in gaps)
        print(f"warning: front-end files missing ({names}); run `make dashboard`", file=sys.stderr)
    server = DashboardServer(settings, port=args.port, log=sys.stdout)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        url = server.start()
        print(f"dashboard at {url} (Ctrl-C stops it)", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
