"""dockyard's bench: how long the lab's converge takes, against a shell floor and across hosts.

`python -m dockyard_bench` (or `make bench`) starts its own bench hosts, times Ansible's cold
converge, a warm re-run, the shell floor (bench/floor.sh) and a fan-out to several hosts, and
writes docs/bench/results.md, results.json and bench.png.
"""

__all__ = ["BenchError"]


class BenchError(Exception):
    """A failed bench step; the message names the step and its log."""
