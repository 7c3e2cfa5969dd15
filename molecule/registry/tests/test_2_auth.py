"""htpasswd authentication: no push without a login, pushes after it, logged-in docker users."""

from __future__ import annotations

import json
from typing import Any

from conftest import ADDRESS, CONFIG_DIR, PASSWORD, PLAYBOOKS, USER, run_playbook


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
