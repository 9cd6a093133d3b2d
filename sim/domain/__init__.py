"""The negotiation domain: scenario specs, compiled outcome spaces, the compiled political layer.

Pure data and numpy; nothing here imports Mesa, Hydra or any other ``sim`` package.
"""
