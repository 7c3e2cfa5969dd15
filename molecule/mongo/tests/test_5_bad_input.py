"""Bad input fails before anything changes, naming the variable."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PlayResult, run_role_many

# Each message is the one plugins/filter/mongo.py writes (argument_specs' for mongo_seed_change),
# as the play prints it on its "[ERROR]: Task failed" line: the variable to fix first.
CASES = [
    (
        {"mongo_init_database": {"photographers": ["alice"]}},
        'mongo_init_database.photographers[0] is not a document (a mapping): "alice"',
    ),
    (
        {"mongo_init_database": {"photographers": "alice"}},
        'mongo_init_database.photographers must be a list of documents (mappings), got str "alice"',
    ),
    (
        {"mongo_init_database": "photographers=alice"},
        "mongo_init_database must be a mapping of collection name to a list of documents,"
        ' got str "photographers=alice"',
    ),
    (
        {"mongo_init_database": {"system.users": [{"name": "x"}]}},
        'mongo_init_database: "system.users" is not a usable collection name',
    ),
    ({"mongo_port": 70000}, "mongo_port must be a port number from 1 to 65535, got 70000"),
    ({"mongo_port": 0}, "mongo_port must be a port number from 1 to 65535, got 0"),
    (
        {"mongo_auth_enabled": True},
        "mongo_root_password must be set when mongo_auth_enabled is true (set it from a vault)",
    ),
    (
        {"mongo_auth_enabled": True, "mongo_root_password": "x", "mongo_app_username": "app"},
        "mongo_app_password must be set when mongo_app_username is set (set it from a vault)",
    ),
    (
        {"mongo_app_username": "app", "mongo_app_password": "x"},
        "mongo_app_username needs mongo_auth_enabled: true",
    ),
    (
        {"mongo_bind_address": "localhost"},
        'mongo_bind_address must be an IPv4 address such as 127.0.0.1, or 0.0.0.0 for every interface, got "localhost"',
    ),
    ({"mongo_database": "my db"}, 'mongo_database must be 1-63 letters, digits, _ or -, got "my db"'),
    ({"mongo_seed_change": "ignore"}, "value of mongo_seed_change must be one of: warn, fail, got: ignore"),
    ({"mongo_stop_timeout": 2}, "mongo_stop_timeout must be a whole number of at least 10 (seconds before docker stop"),
    (
        {"mongo_container_name": "-bad"},
        "mongo_container_name must be a Docker object name (a letter or digit, then letters, digits, _ . -),"
        ' got "-bad"',
    ),
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
