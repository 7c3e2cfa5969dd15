"""Filters that compare dockyard.lab.host_state's read with what a role would write.

A role reads the host once (the host_state module) and runs a change task (copy, template,
apt, user, ...) only where one of these says the host differs, so that a re-run that finds
nothing to change costs one round trip instead of one per file, package or user.

- host_file_differs: a file is missing, or its content or mode is not what the role writes.
- host_file_checksum_differs: a downloaded file is missing, or its digest or mode is not the
  one the role checks it against (`sha256:<hex>`, as get_url's `checksum` takes it).
- host_files_existing: which of some paths exist (files the role removes where they are).
- host_packages_missing: packages that are not installed, or not at the pinned version.
- host_group_missing: users that are not (yet) members of a group.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any


def host_file_differs(record: Mapping[str, Any] | None, content: str | None = None, mode: str | None = None) -> bool:
    """True when the file host_state recorded is missing, or its content or mode differ.

    `content` is the exact text the role would write (compared by SHA-1, as host_state and
    ansible.builtin.stat compute it); `mode` its mode as four octal digits ("0644").
    Without `content`, only existence (and mode) is compared.
    """
    if not record or not record.get("exists"):
        return True
    if content is not None and record.get("checksum") != hashlib.sha1(content.encode()).hexdigest():
        return True
    return mode is not None and record.get("mode") != mode.zfill(4)


def host_file_checksum_differs(record: Mapping[str, Any] | None, checksum: str, mode: str | None = None) -> bool:
    """True when the file host_state recorded is missing, its mode differs, or its digest is not `checksum`.

    `checksum` is `<algorithm>:<hex>` as ansible.builtin.get_url takes it; host_state records
    SHA-1 and SHA-256, so any other algorithm counts as differing (the caller's get_url then
    checks the file itself).
    """
    if not record or not record.get("exists"):
        return True
    if mode is not None and record.get("mode") != mode.zfill(4):
        return True
    algorithm, _, digest = str(checksum).partition(":")
    recorded = {"sha1": record.get("checksum"), "sha256": record.get("sha256")}.get(algorithm.lower())
    return recorded is None or recorded != digest.lower()


def host_files_existing(files: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """The `paths` that host_state's `files` read found on the host, in their order."""
    return [path for path in paths if (files.get(path) or {}).get("exists")]


def host_packages_missing(
    packages: Mapping[str, str | None], wanted: Iterable[str], version: str | None = None,
    pinned: Iterable[str] = (),
) -> list[str]:
    """The packages of `wanted` to install: not installed, or (those in `pinned`) not at `version`.

    `packages` is host_state's packages read ({name: installed version or None}); `version` an
    apt pin pattern such as '27.3.*' or '5:27.3.1*' (fnmatch, as apt reads its `*`).
    """
    pinned_set = set(pinned)
    out: list[str] = []
    for name in wanted:
        installed = packages.get(name)
        if installed is None or (version and name in pinned_set and not fnmatch.fnmatchcase(installed, version)):
            out.append(name)
    return out


def host_group_missing(getent_group: Mapping[str, list[str]], group: str, users: Iterable[str]) -> list[str]:
    """The `users` that the group `group` does not list (all of them when the group is missing)."""
    fields = getent_group.get(group) or []
    members = set(fields[2].split(",")) if len(fields) >= 3 and fields[2] else set()
    return [user for user in users if user not in members]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "host_file_differs": host_file_differs,
            "host_file_checksum_differs": host_file_checksum_differs,
            "host_files_existing": host_files_existing,
            "host_packages_missing": host_packages_missing,
            "host_group_missing": host_group_missing,
        }
