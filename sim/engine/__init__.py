"""The simulation engine: one Mesa model steps a batch of replicates, week by week.

``model`` (the protocol order), ``state`` (the batch's arrays), ``shocks`` (what each kind of shock
does), ``streams`` (per-block random draws), ``records`` (outcome columns) and ``trace``.
"""
