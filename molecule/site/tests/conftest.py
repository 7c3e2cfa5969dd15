"""The site scenario's tests log in as the lab's users do: over SSH, with the run's key."""

from __future__ import annotations

import os
import re
import time

import pytest
import testinfra

SSH = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
PORT = 2722
STATUS = re.compile(
    r"<h3>Hello (?P<name>.*)!</h3><b>Hostname:</b> (?P<hostname>[^<]*)<br/><b>Visits:</b> (?P<visits>.*)"
)


def _login(user: str):  # type: ignore[no-untyped-def]
    key = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "id_ed25519")
    return testinfra.get_host(f"ssh://{user}@127.0.0.1:{PORT}", ssh_identity_file=key, ssh_extra_args=SSH)


@pytest.fixture(scope="module")
def student():  # type: ignore[no-untyped-def]
    """A student's own SSH login: not root, no sudo, in the docker group."""
    return _login("student")


@pytest.fixture(scope="module")
def admin():  # type: ignore[no-untyped-def]
    """The admin's SSH login, as Ansible connected (sudo where a test needs root)."""
    return _login("admin")


def status(host, port: int = 4000, timeout: float = 30) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The demo app's /status as the host's user sees it, retried until it answers."""
    deadline = time.monotonic() + timeout
    while True:
        result = host.run(f"curl -sS --max-time 10 http://127.0.0.1:{port}/status")
        match = STATUS.fullmatch(result.stdout)
        if result.rc == 0 and match:
            return match.groupdict()
        assert time.monotonic() < deadline, f"no /status answer: {result.stdout} {result.stderr}"
        time.sleep(1)
