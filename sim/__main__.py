"""Command lines: ``python -m sim [overrides]`` (``-m``: sweeps) and ``python -m sim replay``."""

import sys


def _main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "replay":
        from sim.cli.replay import main as replay_main

        sys.exit(replay_main(sys.argv[2:]))
    from sim.cli.run import main

    main()


_main()
