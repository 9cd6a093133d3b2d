"""``python -m sim.calibrate observations=pre_start ...`` and ``sim.calibrate(...)``.

The command line is :mod:`sim.cli.calibrate` (Hydra, ``conf/calibrate.yaml``); the function is
:func:`sim.uncertainty.api.calibrate`. The module is callable so that ``sim.calibrate(...)`` works
whether or not this module has been imported (importing a submodule would otherwise replace the
package attribute ``sim.calibrate`` with the module).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from sim.uncertainty.api import calibrate

        return calibrate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

if __name__ == "__main__":
    from sim.cli.calibrate import main

    main()
