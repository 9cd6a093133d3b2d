"""Agent-based Monte Carlo simulation of the 2025 Canada-U.S. sectoral trade negotiation."""

__version__ = "0.1.0"
