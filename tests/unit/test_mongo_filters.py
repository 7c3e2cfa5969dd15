"""The mongo role's input checks and data-volume comparison (plugins/filter/mongo.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.dockyard.lab.plugins.filter.mongo import (
    FilterModule,
    mongo_input_errors,
    mongo_volume_findings,
)

ROLE = Path(__file__).resolve().parents[2] / "roles" / "mongo"
DOCKER_NAME = "must be a Docker object name (a letter or digit, then letters, digits, _ . -), got"
COLLECTION = "is not a usable collection name (a letter or _, then letters, digits, _ . -, at most 120; not system.*)"
STOP = " (seconds before docker stop kills mongod, which loses the writes it has not journaled)"

# The role's defaults, with their templates resolved as the role resolves them.
GOOD: dict[str, Any] = {
    "mongo_init_database": {
        "photographers": [
            {"name": "alice", "interests": ["portrait", "landscape"]},
            {"name": "bob", "interests": ["street", "sports"]},
        ]
    },
    "mongo_database": "artists",
    "mongo_port": 27017,
    "mongo_bind_address": "127.0.0.1",
    "mongo_container_name": "mymongo",
    "mongo_data_volume": "mymongo-db",
    "mongo_config_volume": "mymongo-configdb",
    "mongo_image_name": "mongo-perso",
    "mongo_image_tag": "latest",
    "mongo_base_image": "mongo:7.0",
    "mongo_build_dir": "/opt/dockyard/mongo-perso",
    "mongo_stop_timeout": 60,
    "mongo_wait_timeout": 120,
    "mongo_auth_enabled": False,
    "mongo_root_username": "root",
    "mongo_root_password": "",
    "mongo_app_username": "",
    "mongo_app_password": "",
}
AUTH = {"mongo_auth_enabled": True, "mongo_root_password": "s3cret"}


def test_good_is_the_role_defaults() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    for name, value in GOOD.items():
        if not (isinstance(defaults[name], str) and "{{" in defaults[name]):
            assert defaults[name] == value, name


def test_validate_yml_passes_every_checked_variable() -> None:
    tasks = yaml.safe_load((ROLE / "tasks" / "validate.yml").read_text())
    assert set(tasks[0]["vars"]["__mongo_inputs"]) == set(GOOD)


def test_the_defaults_pass() -> None:
    assert mongo_input_errors(GOOD) == []


@pytest.mark.parametrize(
    "change",
    [
        {"mongo_port": 1},
        {"mongo_port": 65535},
        {"mongo_port": "27018"},  # -e mongo_port=27018
        {"mongo_stop_timeout": 10, "mongo_wait_timeout": "10"},
        {"mongo_bind_address": "0.0.0.0"},
        {"mongo_init_database": {}},
        {"mongo_init_database": {"painters": []}},
        {"mongo_init_database": {"_private.notes": [{"text": "a$b", "nested": {"$x": 1}}]}},
        {"mongo_database": "a" * 63},
        {"mongo_image_name": "registry.lab:5000/lab/mongo-perso"},
        {"mongo_base_image": "dockyard/mongo:7.0"},
        {"mongo_image_tag": "7.0_seeded-1"},
        {"mongo_container_name": "1mongo", "mongo_data_volume": "db.1", "mongo_config_volume": "cfg_1"},
        {**AUTH},
        {**AUTH, "mongo_auth_enabled": "yes"},  # -e mongo_auth_enabled=yes
        {**AUTH, "mongo_app_username": "photo_app", "mongo_app_password": "x"},
        {"mongo_auth_enabled": "false", "mongo_root_username": ""},
    ],
)
def test_good_edge_values_pass(change: dict[str, Any]) -> None:
    assert mongo_input_errors({**GOOD, **change}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # The seed
        (
            {"mongo_init_database": "photographers=alice"},
            "mongo_init_database must be a mapping of collection name to a list of documents,"
            ' got str "photographers=alice"',
        ),
        ({"mongo_init_database": ["photographers"]}, "mongo_init_database must be a mapping of collection name"),
        ({"mongo_init_database": {"system.users": [{}]}}, f'mongo_init_database: "system.users" {COLLECTION}'),
        ({"mongo_init_database": {"1st": []}}, f'mongo_init_database: "1st" {COLLECTION}'),
        ({"mongo_init_database": {"a b": []}}, f'mongo_init_database: "a b" {COLLECTION}'),
        ({"mongo_init_database": {"c" * 121: []}}, f'mongo_init_database: "{"c" * 121}" {COLLECTION}'),
        (
            {"mongo_init_database": {"photographers": "alice"}},
            'mongo_init_database.photographers must be a list of documents (mappings), got str "alice"',
        ),
        (
            {"mongo_init_database": {"photographers": {"name": "alice"}}},
            'mongo_init_database.photographers must be a list of documents (mappings), got dict {"name": "alice"}',
        ),
        (
            {"mongo_init_database": {"photographers": None}},
            "mongo_init_database.photographers must be a list of documents (mappings), got null",
        ),
        (
            {"mongo_init_database": {"photographers": ["alice"]}},
            'mongo_init_database.photographers[0] is not a document (a mapping): "alice"',
        ),
        (
            {"mongo_init_database": {"photographers": [{"name": "a"}, ["x" * 50]]}},
            'mongo_init_database.photographers[1] is not a document (a mapping): ["' + "x" * 38,
        ),
        (
            {"mongo_init_database": {"photographers": [{"$set": {"a": 1}, "$inc": 1, "name": "x"}]}},
            "mongo_init_database.photographers[0] has a field name starting with $: $inc, $set",
        ),
        # The names
        ({"mongo_database": "my db"}, 'mongo_database must be 1-63 letters, digits, _ or -, got "my db"'),
        ({"mongo_database": "a" * 64}, f'mongo_database must be 1-63 letters, digits, _ or -, got "{"a" * 64}"'),
        ({"mongo_database": ""}, 'mongo_database must be 1-63 letters, digits, _ or -, got ""'),
        ({"mongo_database": 7}, "mongo_database must be 1-63 letters, digits, _ or -, got 7"),
        ({"mongo_container_name": "-bad"}, f'mongo_container_name {DOCKER_NAME} "-bad"'),
        ({"mongo_config_volume": "my volume"}, f'mongo_config_volume {DOCKER_NAME} "my volume"'),
        (
            {"mongo_config_volume": "mymongo-db"},
            'mongo_data_volume and mongo_config_volume must differ, both are "mymongo-db"',
        ),
        # The network
        ({"mongo_port": 70000}, "mongo_port must be a port number from 1 to 65535, got 70000"),
        ({"mongo_port": 0}, "mongo_port must be a port number from 1 to 65535, got 0"),
        ({"mongo_port": 65536}, "mongo_port must be a port number from 1 to 65535, got 65536"),
        ({"mongo_port": "27017a"}, 'mongo_port must be a port number from 1 to 65535, got "27017a"'),
        ({"mongo_port": True}, "mongo_port must be a port number from 1 to 65535, got true"),
        (
            {"mongo_bind_address": "localhost"},
            "mongo_bind_address must be an IPv4 address such as 127.0.0.1, or 0.0.0.0 for every interface,"
            ' got "localhost"',
        ),
        ({"mongo_bind_address": "::1"}, 'mongo_bind_address must be an IPv4 address such as 127.0.0.1'),
        ({"mongo_bind_address": "127.0.0.256"}, 'got "127.0.0.256"'),
        # The image
        (
            {"mongo_image_name": "Mongo-Perso"},
            'mongo_image_name "Mongo-Perso" is not an image name ([registry/]lower-case/path, without a tag)',
        ),
        ({"mongo_image_name": "mongo-perso:1"}, 'mongo_image_name "mongo-perso:1" is not an image name'),
        (
            {"mongo_image_tag": "v1/beta"},
            'mongo_image_tag "v1/beta" is not an image tag (letters, digits, _ . -, at most 128)',
        ),
        ({"mongo_image_tag": ".hidden"}, 'mongo_image_tag ".hidden" is not an image tag'),
        (
            {"mongo_base_image": "mongo 7.0"},
            'mongo_base_image "mongo 7.0" is not an image reference ([registry/]name[:tag][@digest], lower-case name)',
        ),
        ({"mongo_base_image": ""}, 'mongo_base_image "" is not an image reference'),
        ({"mongo_build_dir": "/"}, 'mongo_build_dir must be an absolute path other than /, got "/"'),
        ({"mongo_build_dir": "opt/mongo"}, 'mongo_build_dir must be an absolute path other than /, got "opt/mongo"'),
        ({"mongo_build_dir": "/opt/../etc"}, 'mongo_build_dir must be an absolute path other than /, got "/opt/../'),
        # The timeouts
        ({"mongo_stop_timeout": 2}, f"mongo_stop_timeout must be a whole number of at least 10{STOP}, got 2"),
        ({"mongo_stop_timeout": "9"}, f'mongo_stop_timeout must be a whole number of at least 10{STOP}, got "9"'),
        ({"mongo_stop_timeout": "1m"}, f'mongo_stop_timeout must be a whole number of at least 10{STOP}, got "1m"'),
        ({"mongo_wait_timeout": 5}, "mongo_wait_timeout must be a whole number of at least 10 (seconds), got 5"),
        ({"mongo_wait_timeout": 12.5}, "mongo_wait_timeout must be a whole number of at least 10 (seconds), got 12.5"),
        # Authentication
        (
            {"mongo_auth_enabled": True},
            "mongo_root_password must be set when mongo_auth_enabled is true (set it from a vault)",
        ),
        (
            {"mongo_auth_enabled": "True", "mongo_root_password": None},
            "mongo_root_password must be set when mongo_auth_enabled is true (set it from a vault)",
        ),
        (
            {**AUTH, "mongo_root_username": ""},
            'mongo_root_username must be a user name when mongo_auth_enabled is true, got ""',
        ),
        (
            {**AUTH, "mongo_app_username": "app"},
            "mongo_app_password must be set when mongo_app_username is set (set it from a vault)",
        ),
        (
            {**AUTH, "mongo_app_username": "root", "mongo_app_password": "x"},
            'mongo_app_username must differ from mongo_root_username, both are "root"',
        ),
        (
            {"mongo_app_username": "app", "mongo_app_password": "x"},
            "mongo_app_username needs mongo_auth_enabled: true (leave it empty without authentication)",
        ),
        (
            {"mongo_auth_enabled": "no", "mongo_app_username": "app"},
            "mongo_app_username needs mongo_auth_enabled: true (leave it empty without authentication)",
        ),
    ],
)
def test_each_bad_input_is_named(change: dict[str, Any], message: str) -> None:
    errors = mongo_input_errors({**GOOD, **change})
    assert len(errors) == 1, errors
    assert errors[0].startswith(message) if message.startswith("mongo_") else message in errors[0], errors
    assert errors[0].split()[0].rstrip(":").split(".")[0].split("[")[0].startswith("mongo_"), errors


def test_passwords_are_never_shown() -> None:
    bad = {**AUTH, "mongo_root_username": "", "mongo_app_username": "root", "mongo_app_password": "hunter2"}
    errors = mongo_input_errors({**GOOD, **bad, "mongo_port": 0})
    assert len(errors) == 2, errors
    assert all("s3cret" not in e and "hunter2" not in e for e in errors)


def test_every_problem_is_reported_at_once() -> None:
    bad = {"mongo_port": 0, "mongo_database": "", "mongo_build_dir": "/", "mongo_auth_enabled": True}
    assert [e.split()[0] for e in mongo_input_errors({**GOOD, **bad})] == [
        "mongo_database",
        "mongo_port",
        "mongo_build_dir",
        "mongo_root_password",
    ]


def test_missing_variables_are_reported_not_raised() -> None:
    errors = mongo_input_errors({})
    assert "mongo_port must be a port number from 1 to 65535, got null" in errors
    assert any(e.startswith("mongo_init_database must be a mapping") for e in errors)


# --- The data volume's record -------------------------------------------------------------
SEED, VOLUME = "a" * 64, "mymongo-db"


def _volume(labels: dict[str, str] | None, exists: bool = True) -> dict[str, Any]:
    return {"exists": exists, "volume": {"Name": VOLUME, "Labels": labels} if exists else None}


def test_a_new_volume_has_nothing_to_say() -> None:
    assert mongo_volume_findings(_volume(None, exists=False), VOLUME, SEED, "false", "fail") == {
        "errors": [],
        "warnings": [],
    }


def test_the_same_record_passes() -> None:
    labels = {"org.dockyard.mongo.seed": SEED, "org.dockyard.mongo.auth": "false"}
    assert mongo_volume_findings(_volume(labels), VOLUME, SEED, "false", "fail") == {"errors": [], "warnings": []}


def test_a_changed_authentication_is_refused() -> None:
    labels = {"org.dockyard.mongo.seed": SEED, "org.dockyard.mongo.auth": "true"}
    found = mongo_volume_findings(_volume(labels), VOLUME, SEED, "false", "warn")
    assert found["warnings"] == []
    assert found["errors"] == [
        "mongo_auth_enabled is false but volume mymongo-db was initialised with mongo_auth_enabled true: the image"
        " creates the root user only in an empty data directory. Keep mongo_auth_enabled as it was, or remove the"
        " container and the volume (its data is lost) to start over."
    ]


@pytest.mark.parametrize("seed_change", ["warn", "fail"])
def test_a_changed_seed_warns_or_fails(seed_change: str) -> None:
    labels = {"org.dockyard.mongo.seed": "b" * 64, "org.dockyard.mongo.auth": "false"}
    found = mongo_volume_findings(_volume(labels), VOLUME, SEED, "false", seed_change)
    if seed_change == "warn":
        assert found["errors"] == []
        assert found["warnings"][0].startswith(
            "WARNING: mongo_init_database (or mongo_database) differs from the seed that initialised volume"
            " mymongo-db. The data is kept as it is"
        )
    else:
        assert found["warnings"] == []
        assert found["errors"][0].startswith(
            "mongo_init_database (or mongo_database) differs from the seed that initialised volume mymongo-db;"
        )
        assert "(mongo_seed_change is fail)" in found["errors"][0]


def test_both_changes_are_reported_together() -> None:
    labels = {"org.dockyard.mongo.seed": "b" * 64, "org.dockyard.mongo.auth": "false"}
    found = mongo_volume_findings(_volume(labels), VOLUME, SEED, "true", "fail")
    assert [e.split()[0] for e in found["errors"]] == ["mongo_auth_enabled", "mongo_init_database"]


@pytest.mark.parametrize("labels", [None, {}, {"com.example.other": "1"}])
def test_a_foreign_volume_warns_only(labels: dict[str, str] | None) -> None:
    found = mongo_volume_findings(_volume(labels), VOLUME, SEED, "true", "fail")
    assert found["errors"] == []
    assert found["warnings"] == [
        "WARNING: volume mymongo-db exists but was not created by this role: its seed and authentication setting"
        " cannot be compared with mongo_init_database and mongo_auth_enabled; its data is used as it is."
    ]


def test_the_filters_are_registered() -> None:
    assert set(FilterModule().filters()) == {"mongo_input_errors", "mongo_volume_findings"}
