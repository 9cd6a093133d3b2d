"""``python -m sim.run [overrides]``: the command line of ``python -m sim`` (:mod:`sim.cli.run`).

Kept because that spelling is quoted in issues and papers; ``python -m sim`` is the documented one.
"""

from sim.cli.run import main

if __name__ == "__main__":
    main()
