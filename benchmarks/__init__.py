"""Speed and memory benchmarks of the ensemble engine (``make bench``; see BENCHMARKS.md)."""
