"""``python -m sim.explore design=morris|saltelli|lhs|sobol ...`` and ``sim.explore(...)``.

The command line is :mod:`sim.cli.explore` (Hydra, ``conf/explore.yaml``); the function is
:func:`sim.uncertainty.api.explore`. The module is callable so that ``sim.explore(...)`` works
whether or not this module has been imported (importing a submodule would otherwise replace the
package attribute ``sim.explore`` with the module).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from sim.uncertainty.api import explore

        return explore(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

if __name__ == "__main__":
    from sim.cli.explore import main

    main()
