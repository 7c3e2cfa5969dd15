"""Read a host's state in one pass: what the dockyard.lab.host_state module returns.

Pure functions, each reading one kind of state (files, getent databases, packages, systemd
units, globs), so that the module stays a thin wrapper and every parser has unit tests. None
of them changes anything on the host.
"""

from __future__ import annotations

import glob
import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from typing import Any

# Properties read for each systemd unit (`systemctl show`).
UNIT_PROPERTIES = ("LoadState", "ActiveState", "SubState", "UnitFileState", "MainPID", "ExecStart", "Requires")
# Content of a file is returned only up to this size (daemon.json, drop-ins, pins: a few KiB).
MAX_CONTENT = 1 << 20


def file_record(path: str) -> dict[str, Any]:
    """{exists, isdir, islnk, mode, uid, gid, size, checksum, sha256}: what `stat` says of `path`.

    `checksum` is the SHA-1 of a regular file's content (ansible.builtin.stat's default, so
    that it compares with `hash('sha1')` of what a role would write), `sha256` its SHA-256 (as
    get_url's `checksum: sha256:...` gives it); both None for other kinds.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return {"exists": False}
    islnk = stat.S_ISLNK(st.st_mode)
    if islnk:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return {"exists": False, "islnk": True}
    record: dict[str, Any] = {
        "exists": True,
        "isdir": stat.S_ISDIR(st.st_mode),
        "islnk": islnk,
        "mode": f"{stat.S_IMODE(st.st_mode):04o}",
        "uid": st.st_uid,
        "gid": st.st_gid,
        "size": st.st_size,
        "checksum": None,
        "sha256": None,
    }
    if stat.S_ISREG(st.st_mode):
        sha1 = hashlib.sha1()  # a content fingerprint, as ansible.builtin.stat computes it
        sha256 = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                sha1.update(block)
                sha256.update(block)
        record["checksum"] = sha1.hexdigest()
        record["sha256"] = sha256.hexdigest()
    return record


def file_content(path: str) -> str | None:
    """The text of a regular file up to MAX_CONTENT bytes; None when it is missing or not a file."""
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        data = handle.read(MAX_CONTENT + 1)
    if len(data) > MAX_CONTENT:
        raise ValueError(f"{path} is larger than {MAX_CONTENT} bytes: not read")
    return data.decode("utf-8", errors="replace")


def parse_getent(text: str) -> dict[str, list[str]]:
    """`getent passwd` output -> {'root': ['x', '0', '0', 'root', '/root', '/bin/bash'], ...}.

    The shape of ansible.builtin.getent's facts (getent_passwd, getent_group): the key, then
    the remaining fields. The first entry of a duplicated key wins, as with getent.
    """
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _, rest = line.partition(":")
        out.setdefault(key, rest.split(":"))
    return out


def group_members(getent_group: dict[str, list[str]], group: str) -> list[str]:
    """Members of `group` from parse_getent's group database; [] when it has none or is missing."""
    fields = getent_group.get(group)
    if not fields or len(fields) < 3 or not fields[2]:
        return []
    return fields[2].split(",")


def parse_dpkg(text: str, names: Iterable[str]) -> dict[str, str | None]:
    """`dpkg-query -W -f '${Package}\\t${db:Status-Abbrev}\\t${Version}\\n'` -> {name: version or None}.

    A package counts as installed only when dpkg says `ii` (installed, no error); one that is
    unknown, removed or half-installed maps to None.
    """
    found: dict[str, str | None] = {name: None for name in names}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        name, status, version = parts
        name = name.split(":", 1)[0]
        if name in found and status.strip() == "ii":
            found[name] = version
    return found


def parse_rpm(text: str, names: Iterable[str]) -> dict[str, str | None]:
    """`rpm -q --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n' NAMES` -> {name: version or None}."""
    found: dict[str, str | None] = {name: None for name in names}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[0] in found:
            found[parts[0]] = parts[1]
    return found


def parse_systemctl_show(text: str, names: Sequence[str]) -> dict[str, dict[str, str]]:
    """`systemctl show -p P1,P2 unit1 unit2` -> {unit: {P: value}} (blocks in the units' order).

    A unit systemd does not know still gets a block (LoadState=not-found).
    """
    blocks: list[dict[str, str]] = [{}]
    for line in text.splitlines():
        if not line.strip():
            if blocks[-1]:
                blocks.append({})
            continue
        key, _, value = line.partition("=")
        blocks[-1][key] = value
    blocks = [b for b in blocks if b]
    if len(blocks) != len(names):
        raise ValueError(f"systemctl show gave {len(blocks)} blocks for {len(names)} units")
    return dict(zip(names, blocks))  # noqa: B905 - lengths checked above; strict= needs Python 3.10, targets may have 3.8


def glob_count(pattern: str) -> int:
    """How many paths match `pattern` (e.g. apt's package lists: /var/lib/apt/lists/*_Packages*)."""
    return len(glob.glob(pattern))
