"""What the launcher tells the page: the config, the run to reproduce, where saved runs are.

``solara run`` imports the page in its own process, so the launcher hands these over in one
environment variable (JSON), read once when the page module is imported.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

#: The environment variable holding the settings (JSON).
ENV_VAR = "SIM_DASHBOARD_SETTINGS"


@dataclass(frozen=True)
class DashboardSettings:
    """The page's start-up settings.

    Attributes:
        overrides: Hydra overrides of ``conf/`` (as ``python -m sim`` takes them).
        run_dir: A saved run (or sweep job) directory to reproduce instead of ``conf/``.
        replicate: The replicate shown step by step at first.
        results_dir: The folder the saved-run view lists.
    """

    overrides: tuple[str, ...] = field(default_factory=tuple)
    run_dir: str | None = None
    replicate: int = 0
    results_dir: str = "results"

    def to_json(self) -> str:
        """The settings as the environment variable holds them."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> DashboardSettings:
        """Read settings written by :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            overrides=tuple(str(o) for o in data.get("overrides", ())),
            run_dir=data.get("run_dir"),
            replicate=int(data.get("replicate", 0)),
            results_dir=str(data.get("results_dir", "results")),
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> DashboardSettings:
        """The settings the launcher set (defaults when the page is served some other way)."""
        text = (os.environ if environ is None else environ).get(ENV_VAR)
        return cls.from_json(text) if text else cls()
