"""Compare host_state's read with what a role writes (plugins/filter/host_drift.py)."""

from __future__ import annotations

import hashlib

import pytest
from ansible_collections.dockyard.lab.plugins.filter.host_drift import (
    FilterModule,
    host_file_checksum_differs,
    host_file_differs,
    host_files_existing,
    host_group_missing,
    host_packages_missing,
)

TEXT = '{\n  "live-restore": true\n}\n'
RECORD = {"exists": True, "isdir": False, "mode": "0644", "checksum": hashlib.sha1(TEXT.encode()).hexdigest()}


def test_same_file_does_not_differ() -> None:
    assert not host_file_differs(RECORD, TEXT, "0644")
    assert not host_file_differs(RECORD, TEXT, "644")
    assert not host_file_differs(RECORD)


@pytest.mark.parametrize(
    ("record", "content", "mode"),
    [
        ({"exists": False}, TEXT, "0644"),
        (None, None, None),
        (RECORD, TEXT + " ", "0644"),
        (RECORD, TEXT, "0600"),
        ({**RECORD, "checksum": None}, TEXT, None),
    ],
    ids=["missing", "no record", "other content", "other mode", "a directory"],
)
def test_file_differs(record: dict[str, object] | None, content: str | None, mode: str | None) -> None:
    assert host_file_differs(record, content, mode)


PACKAGES: dict[str, str | None] = {"docker.io": "20.10.24+dfsg1-1+b2", "python3-docker": "5.0.3-1", "containerd": None}


def test_nothing_missing() -> None:
    assert host_packages_missing(PACKAGES, ["docker.io", "python3-docker"]) == []


def test_missing_packages_in_order() -> None:
    assert host_packages_missing(PACKAGES, ["containerd", "docker.io", "docker-compose"]) == ["containerd",
                                                                                             "docker-compose"]


def test_pinned_version_matches_like_apt() -> None:
    assert host_packages_missing(PACKAGES, ["docker.io", "python3-docker"], "20.10.*", pinned=["docker.io"]) == []
    assert host_packages_missing(PACKAGES, ["docker.io"], "26.1.*", pinned=["docker.io"]) == ["docker.io"]
    # Only pinned packages are compared with the version.
    assert host_packages_missing(PACKAGES, ["python3-docker"], "26.1.*", pinned=["docker.io"]) == []
    assert host_packages_missing({"docker-ce": "5:27.3.1-1~debian.12~bookworm"}, ["docker-ce"], "5:27.3.1*",
                                 pinned=["docker-ce"]) == []


def test_group_members() -> None:
    groups = {"docker": ["x", "103", "student,teacher"], "empty": ["x", "104", ""]}
    assert host_group_missing(groups, "docker", ["student", "admin"]) == ["admin"]
    assert host_group_missing(groups, "empty", ["student"]) == ["student"]
    assert host_group_missing(groups, "nope", ["a", "b"]) == ["a", "b"]
    assert host_group_missing(groups, "docker", []) == []


KEY = b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
KEY_RECORD = {"exists": True, "mode": "0644", "checksum": hashlib.sha1(KEY).hexdigest(),
              "sha256": hashlib.sha256(KEY).hexdigest()}


@pytest.mark.parametrize(
    ("record", "checksum", "mode", "differs"),
    [
        (KEY_RECORD, "sha256:" + hashlib.sha256(KEY).hexdigest(), "0644", False),
        (KEY_RECORD, "SHA256:" + hashlib.sha256(KEY).hexdigest().upper(), None, False),
        (KEY_RECORD, "sha1:" + hashlib.sha1(KEY).hexdigest(), "0644", False),
        (KEY_RECORD, "sha256:" + "0" * 64, "0644", True),  # another key
        (KEY_RECORD, "sha256:" + hashlib.sha256(KEY).hexdigest(), "0600", True),  # another mode
        # host_state records no SHA-512: get_url must check the file itself.
        (KEY_RECORD, "sha512:" + hashlib.sha512(KEY).hexdigest(), "0644", True),
        ({"exists": False}, "sha256:" + hashlib.sha256(KEY).hexdigest(), "0644", True),
        (None, "sha256:00", None, True),
    ],
)
def test_file_checksum_differs(record: dict[str, object] | None, checksum: str, mode: str | None,
                               differs: bool) -> None:
    assert host_file_checksum_differs(record, checksum, mode) is differs


def test_files_existing_in_their_order() -> None:
    files = {"/b": {"exists": True}, "/a": {"exists": True}, "/c": {"exists": False}}
    assert host_files_existing(files, ["/a", "/c", "/b", "/unread"]) == ["/a", "/b"]


def test_registered() -> None:
    assert set(FilterModule().filters()) == {"host_file_differs", "host_file_checksum_differs", "host_files_existing",
                                             "host_packages_missing", "host_group_missing"}
