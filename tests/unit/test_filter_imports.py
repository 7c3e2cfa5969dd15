"""What Ansible imports to find one dockyard.lab filter stays light.

To resolve `dockyard.lab.<name>`, ansible-core loads every file of plugins/filter/ (it cannot
know which file defines the name), and it does so in each task's worker process: a fresh fork
that keeps nothing from the last task. So whatever a filter file imports at its top is paid by
every task that uses any filter of the collection. cryptography (about 45 ms a task here) and
module_utils.doctor (about 14 ms) are imported inside the functions that need them.
The project's ansible.cfg enables the collection's preload_plugins callback, which loads these
files once before the first play; the rule still holds for everyone whose own ansible.cfg does
not enable it, and for the callback's own load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: what this test session imported must not count.
PROBE = """
import json, sys
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
from ansible.plugins.loader import filter_loader
before = set(sys.modules)
assert filter_loader.get("dockyard.lab.host_file_differs") is not None
loaded = [n for n in sys.modules if n.startswith("ansible_collections.dockyard.lab.plugins.filter.")]
print(json.dumps({"new": sorted(set(sys.modules) - before), "filters": sorted(loaded)}))
"""

HEAVY = ("cryptography", "ansible_collections.dockyard.lab.plugins.module_utils.doctor")


@pytest.fixture(scope="module")
def imported() -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / ".collections")], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, list[str]] = json.loads(out.splitlines()[-1])
    return result


def test_finding_one_filter_loads_every_filter_file(imported: dict[str, list[str]]) -> None:
    # The premise of this file: if ansible-core ever loads only the file it needs, the rule below
    # no longer matters (and this test says so).
    files = sorted(p.stem for p in (ROOT / "plugins" / "filter").glob("*.py"))
    assert [n.rsplit(".", 1)[1] for n in imported["filters"]] == files


@pytest.mark.parametrize("module", HEAVY)
def test_no_filter_file_imports_a_heavy_module_at_its_top(imported: dict[str, list[str]], module: str) -> None:
    offenders = [n for n in imported["new"] if n == module or n.startswith(module + ".")]
    assert offenders == [], f"a filter file imports {module} at its top: import it in the function that uses it"
