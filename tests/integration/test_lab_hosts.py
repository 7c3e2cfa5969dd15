"""`make lab` never replaces a running lab host silently (playbooks/lab_hosts.yml, issue #18).

Runs the lab's first step against the real engine with its own container names and label
(dockyard-labtest-N, org.dockyard.labtest) and free ports, so a real lab is never touched.
Needs the engine and the Debian 12 and 13 host images (`make integration` provides them).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NAME = "dockyard-labtest"
LABEL = "org.dockyard.labtest"


def _start(distro: str, recreate: bool = False, hosts: int = 1) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LAB_HOSTS": str(hosts), "LAB_DISTRO": distro, "LAB_RECREATE": "1" if recreate else "0",
           "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_CALLBACK_RESULT_FORMAT": "json"}
    extra = {"lab_name": NAME, "lab_label": LABEL,
             "lab_ssh_port_base": 2400, "lab_demo_port_base": 4400, "lab_mongo_port_base": 27400,
             "lab_site_port_base": 8400}
    return subprocess.run(
        ["ansible-playbook", "-i", "inventory/local", "playbooks/lab_hosts.yml", "-e", json.dumps(extra)],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )


def _inspect() -> dict:  # type: ignore[type-arg]
    out = subprocess.run(["docker", "inspect", f"{NAME}-1"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)[0]  # type: ignore[no-any-return]


@pytest.fixture
def lab_host() -> Iterator[None]:
    """A test lab host on Debian 12, removed with its volumes afterwards (or when it failed to start)."""
    remove = ["docker", "rm", "-f", "-v", f"{NAME}-1", f"{NAME}-2"]
    subprocess.run(remove, capture_output=True, check=False)
    try:
        started = _start("debian12")
        assert started.returncode == 0, started.stdout + started.stderr
        yield
    finally:
        subprocess.run(remove, capture_output=True, check=False)


def test_the_same_distro_again_changes_nothing(lab_host: None) -> None:
    before = _inspect()["Id"]
    again = _start("debian12")
    assert again.returncode == 0, again.stdout
    assert _inspect()["Id"] == before


def test_another_distro_stops_before_any_change_naming_the_running_one(lab_host: None) -> None:
    before = _inspect()
    other = _start("debian13")
    assert other.returncode != 0
    output = other.stdout + other.stderr
    assert f"make lab would replace running lab hosts, losing what was done in them: {NAME}-1 runs debian12," \
           " LAB_DISTRO=debian13 asks for debian13" in output
    assert "Nothing was changed." in output and "`make lab LAB_DISTRO=debian12` to keep the running lab" in output
    after = _inspect()
    assert (after["Id"], after["State"]["StartedAt"]) == (before["Id"], before["State"]["StartedAt"])


def test_lab_recreate_replaces_it(lab_host: None) -> None:
    before = _inspect()["Id"]
    replaced = _start("debian13", recreate=True)
    assert replaced.returncode == 0, replaced.stdout
    after = _inspect()
    assert after["Id"] != before and after["Config"]["Image"] == "dockyard/systemd:debian13"


def test_fewer_hosts_stops_before_removing_one(lab_host: None) -> None:
    two = _start("debian12", hosts=2)
    assert two.returncode == 0, two.stdout
    fewer = _start("debian12", hosts=1)
    assert fewer.returncode != 0
    assert f"make lab would remove {NAME}-2 (LAB_HOSTS=1), losing what was done in them. Nothing was changed." \
        in fewer.stdout + fewer.stderr
    assert subprocess.run(["docker", "inspect", f"{NAME}-2"], capture_output=True, check=False).returncode == 0
