"""dockyard's bench: how long the lab's converge takes, against a shell floor and across hosts.

`python -m dockyard_bench` (or `make bench`) starts its own bench hosts (reached over SSH as the
lab's are) and times issue #15's rows: the per-task cost of each transport (Docker API, Docker
CLI, SSH, SSH + Mitogen), a warm re-run over SSH and with Mitogen, Ansible's cold converge
against the shell floor (bench/floor.sh) and a fan-out to several hosts; it writes
docs/bench/results.md, results.json and bench.png.
"""

__all__ = ["BenchError"]


class BenchError(Exception):
    """A failed bench step; the message names the step and its log."""
