"""htpasswd authentication: no push without a login, pushes after it, logged-in docker users; a user
dropped from registry_users can no longer log in or push while the others still can."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import ADDRESS, CONFIG_DIR, PASSWORD, PLAYBOOKS, USER, run_playbook, run_role

from dockyard_testing import PlayResult


def test_push_without_login_fails(client: Any) -> None:
    client.check_output("docker tag dockyard/redis:7 %s/auth-probe:1", ADDRESS)
    result = client.run("docker --config /tmp/no-login push %s/auth-probe:1", ADDRESS)
    assert result.rc != 0
    assert "no basic auth credentials" in result.stderr + result.stdout


def test_push_after_login_succeeds(client: Any) -> None:
    login = client.run(
        "printf %%s %s | docker --config /tmp/with-login login -u %s --password-stdin %s", PASSWORD, USER, ADDRESS
    )
    assert login.rc == 0, login.stderr
    assert client.run("docker --config /tmp/with-login push %s/auth-probe:1", ADDRESS).rc == 0
    client.run("rm -rf /tmp/no-login /tmp/with-login")


def test_docker_users_are_logged_in(client: Any, fresh: Any) -> None:
    for host in (client, fresh):
        config = host.file("/home/student/.docker/config.json")
        assert (config.user, config.mode) == ("student", 0o600)
        assert ADDRESS in json.loads(config.content_string)["auths"]
        pull = host.run("su - student -c %s", f"docker pull {ADDRESS}/auth-probe:1")
        assert pull.rc == 0, pull.stderr


def test_password_file_holds_bcrypt_hashes_only(registry: Any) -> None:
    htpasswd = registry.file(f"{CONFIG_DIR}/auth/htpasswd")
    assert (htpasswd.user, htpasswd.mode) == ("root", 0o600)
    lines = htpasswd.content_string.split()
    assert [line.split(":", 1)[0] for line in lines] == [USER]
    assert lines[0].split(":", 1)[1].startswith(("$2b$", "$2y$", "$2a$"))
    assert PASSWORD not in htpasswd.content_string
    assert PASSWORD not in registry.check_output("docker inspect registry")


def test_the_password_appears_in_no_output() -> None:
    # The whole client side again, verbose: registry role, trust, logins and the push.
    result = run_playbook(PLAYBOOKS / "registry.yml", None, "-vv")
    assert result.rc == 0, result.output[-3000:]
    assert result.changed() == 0, result.output[-3000:]
    assert PASSWORD not in result.output


# --- a user dropped from registry_users loses access ----------------------------------------

TEACHER = "teacher"
TEACHER_PASSWORD = "Lab-Teacher-2c81e4"


def _login(client: Any, user: str, password: str, config: str) -> Any:
    return client.run(
        "printf %%s %s | docker --config %s login -u %s --password-stdin %s", password, config, user, ADDRESS
    )


def _htpasswd_users(registry: Any) -> list[str]:
    return [line.split(":", 1)[0] for line in registry.file(f"{CONFIG_DIR}/auth/htpasswd").content_string.split()]


@pytest.fixture(scope="module")
def teacher_removed(registry: Any, client: Any, request: pytest.FixtureRequest) -> Iterator[PlayResult]:
    """`teacher` added next to `student` (and seen to log in and push), then the role run again with the
    scenario's users only. Yields that second run; afterwards the scenario's users and a clean client."""

    def cleanup() -> None:
        if TEACHER in _htpasswd_users(registry):
            run_role()
        client.run("rm -rf /tmp/teacher /tmp/teacher-again /tmp/student-after")
        client.run("docker rmi %s/teacher-probe:1 %s/teacher-probe:2 %s/student-probe:1", ADDRESS, ADDRESS, ADDRESS)

    request.addfinalizer(cleanup)
    both = {"registry_users": [{"name": USER, "password": PASSWORD}, {"name": TEACHER, "password": TEACHER_PASSWORD}]}
    added = run_role(both)
    assert added.rc == 0, added.output[-3000:]
    assert _htpasswd_users(registry) == [USER, TEACHER]
    login = _login(client, TEACHER, TEACHER_PASSWORD, "/tmp/teacher")
    assert login.rc == 0, login.stderr
    client.check_output("docker tag dockyard/redis:7 %s/teacher-probe:1", ADDRESS)
    push = client.run("docker --config /tmp/teacher push %s/teacher-probe:1", ADDRESS)
    assert push.rc == 0, push.stderr
    yield run_role()


def test_a_user_dropped_from_the_list_can_no_longer_log_in_or_push(
    registry: Any, client: Any, teacher_removed: PlayResult
) -> None:
    assert teacher_removed.rc == 0, teacher_removed.output[-3000:]
    assert teacher_removed.changed() > 0, teacher_removed.output[-3000:]
    assert TEACHER_PASSWORD not in teacher_removed.output
    assert _htpasswd_users(registry) == [USER]
    # The registry itself refuses the password (HTTP 401), ...
    status = client.check_output(
        "curl -sS -o /dev/null -w '%%{http_code}' -u %s https://%s/v2/", f"{TEACHER}:{TEACHER_PASSWORD}", ADDRESS
    )
    assert status == "401"
    # ... so does a new login, ...
    login = _login(client, TEACHER, TEACHER_PASSWORD, "/tmp/teacher-again")
    assert login.rc != 0
    assert "unauthorized" in login.stderr.lower(), login.stderr  # Docker 20.10: "401 Unauthorized"
    # ... and a push with the credentials saved before the removal.
    client.check_output("docker tag dockyard/redis:7 %s/teacher-probe:2", ADDRESS)
    push = client.run("docker --config /tmp/teacher push %s/teacher-probe:2", ADDRESS)
    assert push.rc != 0, push.stdout
    # Docker 20.10: "unauthorized: authentication required"; Docker 29: "... 401 Unauthorized".
    assert "unauthorized" in (push.stderr + push.stdout).lower(), push.stderr


def test_the_remaining_user_still_logs_in_and_pushes(client: Any, teacher_removed: PlayResult) -> None:
    assert teacher_removed.rc == 0, teacher_removed.output[-3000:]
    login = _login(client, USER, PASSWORD, "/tmp/student-after")
    assert login.rc == 0, login.stderr
    client.check_output("docker tag dockyard/redis:7 %s/student-probe:1", ADDRESS)
    push = client.run("docker --config /tmp/student-after push %s/student-probe:1", ADDRESS)
    assert push.rc == 0, push.stderr
