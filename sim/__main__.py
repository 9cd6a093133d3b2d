"""``python -m sim`` is ``python -m sim.run``."""

from sim.run import main

main()
