"""The collection as users get it (ansible-galaxy collection build / install), under their own
ansible.cfg: nothing of this checkout's settings (pipelining, fact caching, paths) is needed.

No engine needed; runs against localhost only what changes nothing (a read-only module and a
role whose bad input stops it before any change).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("collection")
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp), str(REPO)],
                   check=True, capture_output=True, text=True)
    tarball = next(tmp.glob("dockyard-lab-*.tar.gz"))
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "-p", str(tmp / "collections"),
                    str(tarball)], check=True, capture_output=True, text=True)
    # A user's ansible.cfg: nothing but the collections path (the bundled community.* included).
    bundled = Path(__import__("ansible_collections").__path__[0]).parent
    cfg = tmp / "ansible.cfg"
    cfg.write_text(f"[defaults]\ncollections_path = {tmp / 'collections'}:{bundled}\n")
    return {"tmp": tmp, "tarball": tarball, "cfg": cfg}


def _run(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env |= {"ANSIBLE_CONFIG": str(installed["cfg"]), "ANSIBLE_NOCOLOR": "1"}
    return subprocess.run([*args], cwd=installed["tmp"], env=env, capture_output=True, text=True, check=False)


def test_the_tarball_holds_the_collection_and_nothing_private(installed: dict[str, Path]) -> None:
    with tarfile.open(installed["tarball"]) as tar:
        names = tar.getnames()
    assert "roles/docker/meta/argument_specs.yml" in names and "plugins/modules/host_state.py" in names
    leaked = [n for n in names if n.startswith((".cache", ".venv", ".collections", ".git/")) or "id_ed25519" in n]
    assert not leaked, leaked


def test_a_module_of_the_collection_runs_under_a_users_config(installed: dict[str, Path]) -> None:
    proc = _run(installed, str(BIN / "ansible"), "localhost", "-m", "dockyard.lab.host_state",
                "-a", json.dumps({"getent": ["group"]}), "-e", "ansible_python_interpreter=" + sys.executable)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert '"root"' in proc.stdout


def test_a_role_checks_its_input_before_any_change(installed: dict[str, Path]) -> None:
    playbook = installed["tmp"] / "play.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  roles:\n"
        "    - role: dockyard.lab.demo_app\n      vars:\n        demo_app_host_port: 70000\n"
    )
    proc = _run(installed, str(BIN / "ansible-playbook"), str(playbook),
                "-e", "ansible_python_interpreter=" + sys.executable)
    assert proc.returncode != 0
    assert "demo_app_host_port must be a port number from 1 to 65535, got 70000" in proc.stdout, proc.stdout


def test_every_playbook_of_the_site_parses_with_the_installed_collection(installed: dict[str, Path]) -> None:
    proc = _run(installed, str(BIN / "ansible-playbook"), "--syntax-check", "-i", "localhost,",
                str(REPO / "playbooks" / "site.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
