"""The live negotiation room: a Solara page built with Mesa's SolaraViz (``make dashboard``).

``python -m sim.dashboard [--run DIR] [--replicate I] [--port P] [overrides...]`` serves it on
127.0.0.1 with three views:

1. one negotiation, step by step: a batch of one replicate (:class:`~sim.dashboard.model.
   LiveNegotiation`, the model entry point SolaraViz rebuilds from keyword arguments), which
   reproduces replicate ``I`` of the run the same config makes;
2. what if: the main parameters re-run an ensemble of thousands of replicates with the same seed
   (:mod:`sim.dashboard.whatif`);
3. a saved run or sweep directory, its replicates and figures (:mod:`sim.dashboard.saved`).

Only :mod:`sim.dashboard.app` imports Solara; the other modules are plain functions on the
engine's objects and tables, tested without a browser. Figures are Altair charts
(:mod:`sim.dashboard.charts`): matplotlib stays in :mod:`sim.plots`. Nothing here changes what the
engine computes.
"""
