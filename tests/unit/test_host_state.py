"""The host_state module's readers (plugins/module_utils/host_reads.py) and the module itself,
run against this machine through ansible (it changes nothing)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from ansible_collections.dockyard.lab.plugins.module_utils.host_reads import (
    MAX_CONTENT,
    file_content,
    file_record,
    glob_count,
    group_members,
    parse_dpkg,
    parse_getent,
    parse_rpm,
    parse_systemctl_show,
)

from dockyard_testing.adhoc import run_module


def test_file_record_of_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "daemon.json"
    path.write_text('{"live-restore": true}\n')
    path.chmod(0o640)
    record = file_record(str(path))
    assert record["exists"] and not record["isdir"] and not record["islnk"]
    assert record["mode"] == "0640" and record["size"] == 23
    assert record["checksum"] == hashlib.sha1(b'{"live-restore": true}\n').hexdigest()
    assert record["sha256"] == hashlib.sha256(b'{"live-restore": true}\n').hexdigest()
    assert record["uid"] == os.getuid()


def test_file_record_of_a_missing_file(tmp_path: Path) -> None:
    assert file_record(str(tmp_path / "nope")) == {"exists": False}


def test_file_record_of_a_directory_has_no_checksum(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    record = file_record(str(tmp_path))
    assert record["isdir"] and record["checksum"] is None and record["sha256"] is None and record["mode"] == "0755"


def test_file_record_follows_a_link_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "target").write_text("x")
    (tmp_path / "link").symlink_to("target")
    record = file_record(str(tmp_path / "link"))
    assert record["islnk"] and record["size"] == 1 and record["checksum"]
    (tmp_path / "dangling").symlink_to("gone")
    assert file_record(str(tmp_path / "dangling")) == {"exists": False, "islnk": True}


def test_file_content(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("[Service]\nEnvironment=A=1\n")
    assert file_content(str(tmp_path / "a.conf")) == "[Service]\nEnvironment=A=1\n"
    assert file_content(str(tmp_path / "missing")) is None
    assert file_content(str(tmp_path)) is None


def test_file_content_refuses_a_huge_file(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * (MAX_CONTENT + 1))
    with pytest.raises(ValueError, match="larger than"):
        file_content(str(tmp_path / "big"))


def test_parse_getent_passwd() -> None:
    text = "root:x:0:0:root:/root:/bin/bash\nstudent:x:1001:1001::/home/student:/bin/bash\n\n"
    assert parse_getent(text) == {
        "root": ["x", "0", "0", "root", "/root", "/bin/bash"],
        "student": ["x", "1001", "1001", "", "/home/student", "/bin/bash"],
    }


def test_parse_getent_keeps_the_first_of_a_duplicate() -> None:
    assert parse_getent("docker:x:103:a\ndocker:x:999:b\n") == {"docker": ["x", "103", "a"]}


def test_group_members() -> None:
    groups = parse_getent("docker:x:103:student,teacher\nempty:x:104:\nodd:x\n")
    assert group_members(groups, "docker") == ["student", "teacher"]
    assert group_members(groups, "empty") == []
    assert group_members(groups, "odd") == []
    assert group_members(groups, "missing") == []


def test_parse_dpkg_installed_missing_and_removed() -> None:
    text = ("docker.io\tii \t20.10.24+dfsg1-1+deb12u1+b2\n"
            "python3-docker\trc \t5.0.3-1\n"
            "containerd:amd64\tii \t1.6.20~ds1-1+b1\n")
    assert parse_dpkg(text, ["docker.io", "python3-docker", "containerd", "docker-compose"]) == {
        "docker.io": "20.10.24+dfsg1-1+deb12u1+b2",
        "python3-docker": None,
        "containerd": "1.6.20~ds1-1+b1",
        "docker-compose": None,
    }


def test_parse_dpkg_ignores_half_installed_and_noise() -> None:
    assert parse_dpkg("docker.io\tiF \t20.10\ngarbage line\n", ["docker.io"]) == {"docker.io": None}


def test_parse_rpm() -> None:
    text = "docker-ce\t27.3.1-1.el9\npackage moby-engine is not installed\n"
    assert parse_rpm(text, ["docker-ce", "moby-engine"]) == {"docker-ce": "27.3.1-1.el9", "moby-engine": None}


def test_parse_systemctl_show_two_units() -> None:
    text = ("LoadState=loaded\nActiveState=active\nUnitFileState=enabled\n"
            "ExecStart={ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd:// ; ignore_errors=no }\n\n"
            "LoadState=not-found\nActiveState=inactive\nUnitFileState=\n")
    units = parse_systemctl_show(text, ["docker.service", "nope.service"])
    assert units["docker.service"]["ActiveState"] == "active"
    assert units["docker.service"]["ExecStart"].startswith("{ path=/usr/bin/dockerd ; argv[]=/usr/bin/dockerd -H fd://")
    assert units["nope.service"] == {"LoadState": "not-found", "ActiveState": "inactive", "UnitFileState": ""}


def test_parse_systemctl_show_refuses_a_mismatch() -> None:
    with pytest.raises(ValueError, match="1 blocks for 2 units"):
        parse_systemctl_show("LoadState=loaded\n", ["a", "b"])


def test_glob_count(tmp_path: Path) -> None:
    for name in ("deb_bookworm_main_binary-amd64_Packages", "deb_bookworm_InRelease"):
        (tmp_path / name).write_text("")
    assert glob_count(str(tmp_path / "*_Packages*")) == 1
    assert glob_count(str(tmp_path / "none*")) == 0


def test_the_module_reads_this_machine_and_changes_nothing(tmp_path: Path) -> None:
    """The module end to end through ansible, against localhost."""
    probe = tmp_path / "probe.txt"
    probe.write_text("hello\n")
    result = run_module("dockyard.lab.host_state", {
        "files": [str(probe), str(tmp_path / "missing")], "contents": [str(probe)],
        "getent": ["passwd", "group"], "packages": ["bash"],
        "commands": {"echo": ["echo", "hi"], "nope": ["no-such-command-x"]},
        "globs": {"txt": str(tmp_path / "*.txt")}})
    assert not result.get("failed"), result
    assert result["changed"] is False
    assert result["files"][str(probe)]["checksum"] == hashlib.sha1(b"hello\n").hexdigest()
    assert result["files"][str(tmp_path / "missing")] == {"exists": False}
    assert result["contents"][str(probe)] == "hello\n"
    assert "root" in result["getent"]["passwd"] and "root" in result["getent"]["group"]
    assert result["packages"]["bash"]
    assert result["commands"]["echo"] == {"rc": 0, "stdout": "hi\n", "stderr": ""}
    assert result["commands"]["nope"]["rc"] == 127
    assert result["globs"] == {"txt": 1}
