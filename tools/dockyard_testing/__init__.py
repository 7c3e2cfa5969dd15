"""Helpers for the Molecule scenarios' testinfra tests: run ansible-playbook again, read its recap."""

from dockyard_testing.playbook import PlayResult, run_many, run_playbook

__all__ = ["PlayResult", "run_many", "run_playbook"]
