"""Run one of the collection's modules through `ansible` against this machine (unit tests of
plugins/modules: the module end to end, packed and run as Ansible runs it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_module(module: str, args: Mapping[str, Any], timeout: float = 300, check: bool = True) -> dict[str, Any]:
    """`ansible localhost -m <module> -a <args> --check` from the checkout (without --check when
    `check` is false: for a module that writes, into a test's temporary folder only): the
    module's result for localhost (its `failed` and `msg` when it failed). Raises AssertionError, with what
    ansible printed, when there is no result to read."""
    env = {**os.environ, "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible"), "localhost", "-m", module, "-a", json.dumps(dict(args)),
         *(["--check"] if check else []), "-e", "ansible_python_interpreter={{ ansible_playbook_python }}"],
        cwd=REPO, env=env, capture_output=True, text=True, check=False, timeout=timeout,
    )
    try:
        result: dict[str, Any] = json.loads(proc.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    except (ValueError, KeyError, IndexError) as err:
        raise AssertionError(f"no result from ansible (rc {proc.returncode}):\n{proc.stdout}{proc.stderr}") from err
    return result
