"""The preload_plugins callback (plugins/callback/preload_plugins.py): a worker forked after it loads nothing.

Each probe runs in a fresh interpreter (what this test session imported must not count): it
optionally runs the callback's start hook, then forks as ansible-core forks a task's worker and,
in the child, finds what a task over SSH with sudo and a collection filter needs. The child
reports the modules it had to import.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
from ansible.plugins.loader import action_loader, connection_loader, become_loader, filter_loader, lookup_loader
from ansible_collections.dockyard.lab.plugins.callback.preload_plugins import CallbackModule, preload
failed = []
if sys.argv[2] == "preload":
    failed = [what for what, _ in preload()]
    CallbackModule().v2_playbook_on_start(None)
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    before = set(sys.modules)
    connection_loader.get("ssh", class_only=True)
    become_loader.get("sudo", class_only=True)
    action_loader.get("ansible.builtin.set_fact", class_only=True)
    filter_loader.get("dockyard.lab.host_file_differs")
    filter_loader.get("ansible.builtin.to_json")
    lookup_loader.get("dockyard.lab.folder_files", class_only=True)
    os.write(write, json.dumps(sorted(set(sys.modules) - before)).encode())
    os._exit(0)
os.close(write)
child = b""
while chunk := os.read(read, 65536):
    child += chunk
os.waitpid(pid, 0)
print(json.dumps({"failed": failed, "child_imported": json.loads(child)}))
"""


def _probe(mode: str) -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / ".collections"), mode], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, list[str]] = json.loads(out.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def without() -> dict[str, list[str]]:
    return _probe("none")


@pytest.fixture(scope="module")
def preloaded() -> dict[str, list[str]]:
    return _probe("preload")


def test_without_the_callback_a_worker_loads_the_plugins_itself(without: dict[str, list[str]]) -> None:
    # The premise: if ansible-core ever shares what workers load, the callback is no longer needed.
    imported = without["child_imported"]
    assert "ansible.plugins.connection.ssh" in imported
    assert any(n.startswith("ansible_collections.dockyard.lab.plugins.filter.") for n in imported)


def test_every_load_succeeds(preloaded: dict[str, list[str]]) -> None:
    assert preloaded["failed"] == []


def test_after_the_callback_a_worker_loads_nothing(preloaded: dict[str, list[str]]) -> None:
    assert preloaded["child_imported"] == []
