"""Pure analysis functions on outcome tables and utility tables (no Mesa, no plotting)."""
