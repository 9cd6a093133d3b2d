"""The run layer: replicates over batches and workers, run directories, sweeps, replay.

Nothing here imports Hydra: :mod:`sim.cli` composes configs and calls into this package.
"""
