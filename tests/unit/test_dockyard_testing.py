"""dockyard_testing: the recap parser and the ansible-playbook call (with a stand-in on PATH)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from dockyard_testing import PlayResult, run_many, run_playbook

RECAP = """
PLAY RECAP *********************************************************************
client-debian12            : ok=57   changed=2    unreachable=0    failed=0    skipped=34
fresh-debian12             : ok=15   changed=0    unreachable=0    failed=0    skipped=15
registry-debian12          : ok=38   changed=3    unreachable=0    failed=1    skipped=23
"""


def test_changed_sums_the_recap_over_hosts() -> None:
    assert PlayResult(0, "TASK [x]\nchanged: [h]\n" + RECAP).changed() == 5


def test_changed_reads_a_single_host() -> None:
    assert PlayResult(0, "PLAY RECAP\nlab-1 : ok=3 changed=0 unreachable=0 failed=0").changed() == 0


def test_changed_without_a_recap_fails_loudly() -> None:
    with pytest.raises(AssertionError, match="no play recap"):
        PlayResult(4, "ERROR! the playbook could not be found").changed()


@pytest.fixture
def fake_ansible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `ansible-playbook` that prints its arguments, its -e file and some environment."""
    script = tmp_path / "bin" / "ansible-playbook"
    script.parent.mkdir()
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import json, os, sys\n"
        "args = sys.argv[1:]\n"
        "extra = json.load(open(args[args.index('-e') + 1][1:]))\n"
        "print(json.dumps({'args': args, 'extra': extra, 'cwd': os.getcwd(),\n"
        "                  'format': os.environ.get('ANSIBLE_CALLBACK_RESULT_FORMAT'),\n"
        "                  'nocolor': os.environ.get('ANSIBLE_NOCOLOR')}))\n"
        "print('oops', file=sys.stderr)\n"
        "sys.exit(2)\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("MOLECULE_INVENTORY_FILE", "/state/inventory.yml")
    monkeypatch.delenv("ANSIBLE_CALLBACK_RESULT_FORMAT", raising=False)
    return tmp_path


def test_run_playbook_passes_inventory_vars_and_args(fake_ansible: Path) -> None:
    playbook = fake_ansible / "scenario" / "apply.yml"
    playbook.parent.mkdir()
    result = run_playbook(playbook, {"users": [{"name": "a b"}]}, "--check", result_format="json")
    assert result.rc == 2
    out, err = result.output.rsplit("\n", 2)[0], result.output.splitlines()[-1]
    seen = json.loads(out)
    assert seen["args"][:3] == ["-i", "/state/inventory.yml", str(playbook)]
    assert seen["args"][-1] == "--check"
    assert seen["extra"] == {"users": [{"name": "a b"}]}
    assert seen["cwd"] == str(playbook.parent)
    assert (seen["format"], seen["nocolor"]) == ("json", "1")
    assert err == "oops"
    leftover = [p for p in Path(seen["args"][4][1:]).parent.glob("tmp*.json") if p == Path(seen["args"][4][1:])]
    assert leftover == [], "the -e file must be removed"


def test_run_playbook_keeps_the_scenario_format_by_default(fake_ansible: Path) -> None:
    result = run_playbook(fake_ansible / "apply.yml", inventory="/other.yml")
    seen = json.loads(result.output.splitlines()[0])
    assert seen["format"] is None
    assert seen["args"][1] == "/other.yml"
    assert seen["extra"] == {}


def test_run_many_keeps_the_order_of_the_cases() -> None:
    results = run_many(lambda n: PlayResult(n, str(n)), [3, 1, 2], workers=3)
    assert [r.rc for r in results] == [3, 1, 2]


RUN = """
TASK [dockyard.lab.docker : Read the host's Docker setup] **********************
ok: [h1]
ok: [h2]

TASK [dockyard.lab.docker : Write the drop-ins dockerd needs (environment, hosts)] ***
skipping: [h1] => (item=environment.conf)
changed: [h2] => (item=environment.conf)

TASK [Plain task without a role] ***********************************************
fatal: [h1]: FAILED! => {"msg": "no"}

TASK [dockyard.lab.docker : Reset the connection so that later tasks see the new group membership] ***
included: /roles/docker/tasks/reset_connection.yml for h2

PLAY RECAP *********************************************************************
h1                         : ok=1    changed=0    unreachable=0    failed=1
"""


def test_statuses_per_task() -> None:
    result = PlayResult(2, RUN)
    assert result.statuses("Read the host's Docker setup") == ["ok", "ok"]
    assert result.statuses("Write the drop-ins dockerd needs (environment, hosts)") == ["skipping", "changed"]
    assert result.statuses("Plain task without a role") == ["fatal"]
    assert result.statuses("Reset the connection so that later tasks see the new group membership") == ["included"]
    assert result.statuses("Write daemon.json") == []
