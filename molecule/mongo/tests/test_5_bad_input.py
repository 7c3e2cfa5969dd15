"""Bad input fails before anything changes, naming the variable."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PlayResult, run_role_many

CASES = [
    ({"mongo_init_database": {"photographers": ["alice"]}}, "mongo_init_database.photographers[0] is not a document"),
    ({"mongo_init_database": {"photographers": "alice"}}, "mongo_init_database.photographers must be a list"),
    ({"mongo_init_database": "photographers=alice"}, "mongo_init_database must be a mapping"),
    ({"mongo_init_database": {"system.users": [{"name": "x"}]}}, "system.users is not a usable collection name"),
    ({"mongo_port": 70000}, "mongo_port 70000 is not a port number"),
    ({"mongo_port": 0}, "mongo_port 0 is not a port number"),
    ({"mongo_auth_enabled": True}, "mongo_auth_enabled needs mongo_root_password"),
    (
        {"mongo_auth_enabled": True, "mongo_root_password": "x", "mongo_app_username": "app"},
        "mongo_app_username needs mongo_app_password",
    ),
    ({"mongo_app_username": "app", "mongo_app_password": "x"}, "mongo_app_username needs mongo_auth_enabled"),
    ({"mongo_bind_address": "localhost"}, "mongo_bind_address localhost is not an IPv4 address"),
    ({"mongo_database": "my db"}, "mongo_database must be"),
    ({"mongo_seed_change": "ignore"}, "mongo_seed_change"),
    ({"mongo_stop_timeout": 2}, "mongo_stop_timeout must be at least 10"),
    ({"mongo_container_name": "-bad"}, "mongo_container_name must start with"),
]


def _snapshot(host) -> str:
    return host.check_output(
        "docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.Status}}' | sed 's/(healthy)//; s/Up .*/Up/';"
        " docker images --no-trunc -q | sort; docker volume ls -q | sort;"
        " find /opt/dockyard -type f -exec sha256sum {} + | sort"
    )


@pytest.fixture(scope="module")
def outcome(host) -> dict[str, Any]:
    """Every case applied once (in parallel), with the host's state before and after."""
    before = _snapshot(host)
    results = run_role_many([extra for extra, _ in CASES])
    return {"before": before, "results": results, "after": _snapshot(host)}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[1] for c in CASES])
def test_bad_input_fails_naming_the_variable(outcome, index):
    result: PlayResult = outcome["results"][index]
    assert result.rc != 0, result.output
    assert CASES[index][1] in result.output, result.output


def test_bad_input_changed_nothing(outcome):
    assert outcome["after"] == outcome["before"]
