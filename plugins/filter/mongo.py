"""Filters behind the mongo role's checks (roles/mongo/tasks/validate.yml).

- mongo_input_errors: checks the role's inputs, one message per problem, each naming the
  variable first (argument_specs has already checked types and choices, but it accepts "k=v"
  strings as mappings and the play still sees the raw values, such as -e strings).
- mongo_volume_findings: compares what initialised an existing data volume (its labels) with
  the inputs: errors that must stop the play, and warnings.

The shared rules (ports, addresses, Docker and image names, paths) and their messages come
from plugins/module_utils/checks.py; only MongoDB's own rules are written here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ansible_collections.dockyard.lab.plugins.module_utils.checks import Problems, is_true, show, type_name

# MongoDB's naming rules, conservatively: a database name without / \ . " $ or spaces, at most
# 63 bytes; a collection name that starts with a letter or _, and not in the system namespace.
_DATABASE = re.compile(r"[A-Za-z0-9_-]{1,63}")
_COLLECTION = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,119}")
# Label keys on the data volume (written by roles/mongo/tasks/run.yml).
SEED_LABEL = "org.dockyard.mongo.seed"
AUTH_LABEL = "org.dockyard.mongo.auth"
# The shortest wait that makes sense for docker stop and for the first answer.
MIN_TIMEOUT = 10


def _text(value: Any) -> str:
    """A string input as the role uses it; None (an empty `-e name=`) is empty."""
    return "" if value is None else str(value)


def _init_database_errors(p: Problems, seed: Any) -> None:
    name = "mongo_init_database"
    if not p.mapping(name, seed, "a mapping of collection name to a list of documents"):
        return
    for collection, docs in seed.items():
        if not (
            isinstance(collection, str) and _COLLECTION.fullmatch(collection) and not collection.startswith("system.")
        ):
            p.add(
                f"{name}: {show(collection)} is not a usable collection name "
                "(a letter or _, then letters, digits, _ . -, at most 120; not system.*)"
            )
        where = f"{name}.{collection}"
        if not isinstance(docs, list):
            got = "null" if docs is None else f"{type_name(docs)} {show(docs)}"
            p.add(f"{where} must be a list of documents (mappings), got {got}")
            continue
        for i, doc in enumerate(docs):
            if not isinstance(doc, Mapping):
                p.add(f"{where}[{i}] is not a document (a mapping): {show(doc)[:40]}")
            elif any(str(key).startswith("$") for key in doc):
                dollars = sorted(str(key) for key in doc if str(key).startswith("$"))
                p.add(f"{where}[{i}] has a field name starting with $: {', '.join(dollars)}")


def _auth_errors(p: Problems, v: Mapping[str, Any]) -> None:
    root, app = _text(v.get("mongo_root_username")), _text(v.get("mongo_app_username"))
    if not is_true(v.get("mongo_auth_enabled")):
        p.check(app == "", "mongo_app_username needs mongo_auth_enabled: true (leave it empty without authentication)")
        return
    p.non_empty("mongo_root_username", v.get("mongo_root_username"), "a user name when mongo_auth_enabled is true")
    # Passwords are never shown, not even a wrong type.
    p.check(
        _text(v.get("mongo_root_password")) != "",
        "mongo_root_password must be set when mongo_auth_enabled is true (set it from a vault)",
    )
    if app:
        p.check(
            _text(v.get("mongo_app_password")) != "",
            "mongo_app_password must be set when mongo_app_username is set (set it from a vault)",
        )
        p.check(app != root, f"mongo_app_username must differ from mongo_root_username, both are {show(app)}")


def mongo_input_errors(v: Mapping[str, Any]) -> list[str]:
    """Messages for every bad input in `v` (the role's variables, by name); empty when all are good."""
    p = Problems()
    _init_database_errors(p, v.get("mongo_init_database"))
    database = v.get("mongo_database")
    p.check(
        isinstance(database, str) and bool(_DATABASE.fullmatch(database)),
        f"mongo_database must be 1-63 letters, digits, _ or -, got {show(database)}",
    )
    p.port("mongo_port", v.get("mongo_port"))
    p.ipv4("mongo_bind_address", v.get("mongo_bind_address"), "127.0.0.1, or 0.0.0.0 for every interface")
    for name in ("mongo_container_name", "mongo_data_volume", "mongo_config_volume"):
        p.docker_name(name, v.get(name))
    data, config = v.get("mongo_data_volume"), v.get("mongo_config_volume")
    p.check(data != config, f"mongo_data_volume and mongo_config_volume must differ, both are {show(data)}")
    p.image_name("mongo_image_name", v.get("mongo_image_name"))
    p.image_tag("mongo_image_tag", v.get("mongo_image_tag"))
    p.image_reference("mongo_base_image", v.get("mongo_base_image"))
    p.abs_path("mongo_build_dir", v.get("mongo_build_dir"))
    p.whole(
        "mongo_stop_timeout",
        v.get("mongo_stop_timeout"),
        MIN_TIMEOUT,
        why=" (seconds before docker stop kills mongod, which loses the writes it has not journaled)",
    )
    p.whole("mongo_wait_timeout", v.get("mongo_wait_timeout"), MIN_TIMEOUT, why=" (seconds)")
    _auth_errors(p, v)
    return p.messages


def mongo_volume_findings(
    volume_info: Mapping[str, Any], volume: str, seed: str, auth: str, seed_change: str
) -> dict[str, list[str]]:
    """What the data volume's record says about the inputs: {'errors': [...], 'warnings': [...]}.

    `volume_info` is community.docker.docker_volume_info's result for the data volume named
    `volume`; `seed` and `auth` are the labels the role would write now, `seed_change` is
    mongo_seed_change (warn or fail).
    """
    errors: list[str] = []
    warnings: list[str] = []
    if not volume_info.get("exists"):
        return {"errors": errors, "warnings": warnings}
    labels = (volume_info.get("volume") or {}).get("Labels") or {}
    if SEED_LABEL not in labels:
        warnings.append(
            f"WARNING: volume {volume} exists but was not created by this role: its seed and authentication setting"
            " cannot be compared with mongo_init_database and mongo_auth_enabled; its data is used as it is."
        )
        return {"errors": errors, "warnings": warnings}
    was_auth = labels.get(AUTH_LABEL, "")
    if was_auth not in ("", auth):
        errors.append(
            f"mongo_auth_enabled is {auth} but volume {volume} was initialised with mongo_auth_enabled {was_auth}:"
            " the image creates the root user only in an empty data directory. Keep mongo_auth_enabled as it was,"
            " or remove the container and the volume (its data is lost) to start over."
        )
    was_seed = labels.get(SEED_LABEL, "")
    if was_seed and was_seed != seed and seed_change == "fail":
        errors.append(
            f"mongo_init_database (or mongo_database) differs from the seed that initialised volume {volume};"
            " the seed is inserted only into an empty volume, so the change would have no effect"
            " (mongo_seed_change is fail). Insert the documents yourself, or remove the container and the volume"
            " (its data is lost) to re-seed."
        )
    elif was_seed and was_seed != seed and seed_change == "warn":
        warnings.append(
            f"WARNING: mongo_init_database (or mongo_database) differs from the seed that initialised volume {volume}."
            " The data is kept as it is and the new seed is NOT inserted (it only goes into an empty volume); the"
            " image is rebuilt with it. Insert the documents yourself, or remove the container and the volume to"
            " re-seed. Set mongo_seed_change to fail to stop instead."
        )
    return {"errors": errors, "warnings": warnings}


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "mongo_input_errors": mongo_input_errors,
            "mongo_volume_findings": mongo_volume_findings,
        }
