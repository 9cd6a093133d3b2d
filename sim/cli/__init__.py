"""Command lines: the only package that imports Hydra.

``python -m sim [overrides]`` (``-m`` for a sweep) and ``python -m sim replay RUN --replicate I``.
"""
