"""dockyard_testing.digest: the lines of a Molecule log that say why the run failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard_testing.digest import failure_digest, main, plain_lines

C, R = "\x1b[2m", "\x1b[0m"  # Molecule colours its box borders

# Shaped as Molecule 25 writes a failed testinfra run to a log (excerpt of a real one).
VERIFY_FAILED = f"""\
\x1b[36mINFO    \x1b[0m Found config file /work/main/.config/molecule/config.yml
\x1b[31m\x1b[1mCRITICAL\x1b[0m 'molecule/default/molecule.yml' glob failed.  Exiting.
  {C}┌──────────────────────────────────────{R}
  {C}│{R} tests/test_docker.py::test_changing_dns_restarts_and_keeps_containers[ansible://
  {C}│{R}   docker-ubuntu2404] PASSED [ 95%]
  {C}│{R} =================================== FAILURES
  {C}│{R}   ===================================
  {C}│{R} >       assert {{"sentinel", "keeper"}} <= _running(host), "unless-stopped
  {C}│{R}   containers did not come back"
  {C}│{R} E       AssertionError: unless-stopped containers did not come back
  {C}│{R}
  {C}│{R} tests/test_docker.py:172: AssertionError
  {C}│{R} =========================== short test summary info
  {C}│{R}   ============================
  {C}│{R} FAILED
  {C}│{R}   tests/test_docker.py::test_turning_live_restore_off_keeps_the_running_contain
  {C}│{R}   ers[ansible://docker-ubuntu2404] - AssertionError: unless-stopped containers
  {C}│{R}   did not come back
  {C}│{R} ========================= 1 failed, 38 passed in 593.51s
  {C}└─ Return code: 1 ──────────────────────{R}
\x1b[31mCRITICAL\x1b[0m Verifier tests failed
\x1b[31mERROR   \x1b[0m docker ➜ verify: Executed: Failed
\x1b[31mERROR   \x1b[0m Verifier tests failed
"""

CONVERGE_FAILED = f"""\
  {C}│{R} TASK [dockyard.lab.docker : Report the rejected settings]
  {C}│{R}   ****************************
  {C}│{R} FAILED - RETRYING: [docker-ubuntu2404]: Wait until Docker answers (20 retries
  {C}│{R}   left).
  {C}│{R} fatal: [docker-ubuntu2404]: FAILED! =>
  {C}│{R}     changed: false
  {C}│{R}     msg: Docker rejected the new configuration of dns (docker_dns). The
  {C}│{R}   previous configuration is back in place and Docker runs again.
  {C}└─ Return code: 2 ──────────────────────{R}
CRITICAL Ansible return code was 2, command was: ansible-playbook converge.yml
ERROR    docker ➜ converge: Executed: Failed
"""


def test_folded_lines_in_the_box_are_joined_and_colours_go() -> None:
    lines = plain_lines(VERIFY_FAILED)
    assert "tests/test_docker.py::test_changing_dns_restarts_and_keeps_containers[ansible:// docker-ubuntu2404] " \
           "PASSED [ 95%]" in lines
    assert not any("\x1b" in line or "│" in line or "┌" in line for line in lines)


def test_a_failed_test_is_named_with_its_message_and_where_it_stopped() -> None:
    assert failure_digest(VERIFY_FAILED) == [
        "tests/test_docker.py:172: AssertionError",
        "FAILED tests/test_docker.py::test_turning_live_restore_off_keeps_the_running_contain ers"
        "[ansible://docker-ubuntu2404] - AssertionError: unless-stopped containers did not come back",
        "CRITICAL Verifier tests failed",
        "ERROR    docker ➜ verify: Executed: Failed",
    ]


def test_a_failed_task_is_named_with_its_message_and_retries_are_not_failures() -> None:
    assert failure_digest(CONVERGE_FAILED) == [
        "fatal: [docker-ubuntu2404] in [dockyard.lab.docker : Report the rejected settings]: "
        "Docker rejected the new configuration of dns (docker_dns). The previous configuration is back in "
        "place and Docker runs again.",
        "CRITICAL Ansible return code was 2, command was: ansible-playbook converge.yml",
        "ERROR    docker ➜ converge: Executed: Failed",
    ]


def test_the_digest_is_cut_to_its_limits() -> None:
    log = "".join(f"fatal: [h{n}]: FAILED! => msg: {'x' * 500}\n" for n in range(20))
    digest = failure_digest(log, limit=5, width=80)
    assert len(digest) == 5 and all(len(line) <= 80 for line in digest[:4])
    assert digest[-1] == "... and 16 more such lines in the log"


def test_the_command_line_says_when_no_line_matched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "run.log"
    log.write_text("INFO all fine\n")
    assert main([str(log)]) == 0
    assert "no line of the log says what failed" in capsys.readouterr().out
    log.write_text(CONVERGE_FAILED)
    main([str(log), "--lines", "1"])
    assert capsys.readouterr().out.splitlines() == ["    ... and 3 more such lines in the log"]
