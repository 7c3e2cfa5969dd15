"""Writing an image's build context in one round trip: the archive format and the writes
(plugins/module_utils/context_archive.py), the filter that packs it
(dockyard.lab.build_context_archive), and the dockyard.lab.build_context module end to end."""

from __future__ import annotations

import base64
import gzip
import io
import stat
import tarfile
from pathlib import Path

import pytest
from ansible_collections.dockyard.lab.plugins.filter.image_context import FilterModule, build_context_archive
from ansible_collections.dockyard.lab.plugins.module_utils.context_archive import (
    ContextError,
    Member,
    apply,
    check_path,
    pack,
    plan,
    unpack,
)

from dockyard_testing.adhoc import run_module

MEMBERS = [
    Member("Dockerfile", 0o644, b"FROM python:3.11-slim\n"),
    Member("initdb/50-seed.js", 0o644, "db.artists.insertOne({name: 'Björk'});\n".encode()),
    Member("mongo-perso-ping", 0o755, b"#!/bin/sh\nexit 0\n"),
    Member("pages/img/logo.png", 0o644, bytes(range(256))),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write(dest: Path, members: list[Member], folders: tuple[str, ...] = (), purge: tuple[str, ...] = ()) -> None:
    apply(str(dest), plan(str(dest), members, folders, purge))


# -- the archive ----------------------------------------------------------------------------------
def test_pack_then_unpack_gives_the_members_in_path_order() -> None:
    assert unpack(pack(reversed(MEMBERS))) == MEMBERS


def test_pack_is_reproducible_and_holds_no_owner_or_time() -> None:
    text = pack(MEMBERS)
    assert text == pack(reversed(MEMBERS))
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(text)), mode="r:gz") as tar:
        infos = tar.getmembers()
    assert {(i.mtime, i.uid, i.gid, i.uname, i.gname) for i in infos} == {(0, 0, 0, "", "")}


@pytest.mark.parametrize("path", ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", ".", "..", "a/"])
def test_paths_must_stay_inside_the_context(path: str) -> None:
    with pytest.raises(ContextError, match="not a relative path inside the build context"):
        check_path(path)
    with pytest.raises(ContextError):
        pack([Member(path, 0o644, b"")])


def test_a_path_twice_is_refused() -> None:
    with pytest.raises(ContextError, match="twice"):
        pack([Member("a", 0o644, b"1"), Member("a", 0o644, b"2")])


def _raw_archive(add: list[tarfile.TarInfo]) -> str:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for info in add:
            tar.addfile(info, io.BytesIO(b"x" * info.size))
    return base64.b64encode(buf.getvalue()).decode()


def test_unpack_refuses_links_and_paths_out_of_the_context() -> None:
    link = tarfile.TarInfo("evil")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/shadow"
    with pytest.raises(ContextError, match="not a regular file"):
        unpack(_raw_archive([link]))
    escape = tarfile.TarInfo("../../etc/cron.d/x")
    escape.size = 1
    with pytest.raises(ContextError, match="not a relative path"):
        unpack(_raw_archive([escape]))
    with pytest.raises(ContextError, match="not a build context"):
        unpack("not base64 at all!")
    with pytest.raises(ContextError, match="not a build context"):
        unpack(base64.b64encode(b"plain bytes").decode())


# -- plan and apply -------------------------------------------------------------------------------
def test_a_fresh_folder_gets_every_file_folder_and_mode(tmp_path: Path) -> None:
    dest = tmp_path / "ctx"
    todo = plan(str(dest), MEMBERS, folders=["empty"])
    assert todo.folders == [str(dest), *(str(dest / d) for d in ["empty", "initdb", "pages", "pages/img"])]
    assert todo.writes == MEMBERS and todo.changed
    apply(str(dest), todo)
    for member in MEMBERS:
        assert (dest / member.path).read_bytes() == member.data
        assert _mode(dest / member.path) == member.mode
    assert (dest / "empty").is_dir() and _mode(dest / "empty") == 0o755
    assert not list(dest.rglob(".dockyard-*")), "no temporary file is left behind"


def test_a_second_write_changes_nothing(tmp_path: Path) -> None:
    _write(tmp_path, MEMBERS, ("empty",), ("pages",))
    again = plan(str(tmp_path), MEMBERS, ["empty"], ["pages"])
    assert not again.changed
    assert (again.folders, again.writes, again.modes, again.removes) == ([], [], [], [])


def test_only_what_differs_is_written(tmp_path: Path) -> None:
    _write(tmp_path, MEMBERS)
    edited = [MEMBERS[0], Member("initdb/50-seed.js", 0o644, b"other\n"), Member("mongo-perso-ping", 0o700,
                                                                              MEMBERS[2].data), MEMBERS[3]]
    todo = plan(str(tmp_path), edited)
    assert [m.path for m in todo.writes] == ["initdb/50-seed.js"]
    assert [m.path for m in todo.modes] == ["mongo-perso-ping"]
    apply(str(tmp_path), todo)
    assert (tmp_path / "initdb/50-seed.js").read_bytes() == b"other\n"
    assert _mode(tmp_path / "mongo-perso-ping") == 0o700


def test_purge_leaves_exactly_the_context_under_its_folder_and_nothing_else_is_removed(tmp_path: Path) -> None:
    _write(tmp_path, MEMBERS)
    (tmp_path / "pages" / "old.html").write_text("removed on the controller")
    (tmp_path / "pages" / "old").mkdir()
    (tmp_path / "pages" / "old" / "page.html").write_text("x")
    (tmp_path / "pages" / "img" / "gone.png").write_bytes(b"x")
    (tmp_path / "pages" / "link").symlink_to(tmp_path / "Dockerfile")
    (tmp_path / "notes.txt").write_text("not under a purge folder: kept")
    todo = plan(str(tmp_path), MEMBERS, purge=["pages"])
    assert sorted(todo.removes) == sorted(str(tmp_path / p) for p in
                                          ["pages/old.html", "pages/old", "pages/img/gone.png", "pages/link"])
    assert todo.writes == []
    apply(str(tmp_path), todo)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "pages").rglob("*")) == [
        "pages/img", "pages/img/logo.png"]
    assert (tmp_path / "notes.txt").exists() and (tmp_path / "Dockerfile").exists()


def test_purge_replaces_a_file_where_the_context_needs_a_folder(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "img").write_text("a file where a folder goes")
    _write(tmp_path, MEMBERS, purge=("pages",))
    assert (tmp_path / "pages" / "img" / "logo.png").read_bytes() == bytes(range(256))


def test_a_folder_where_a_file_goes_is_an_error_outside_purge(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    with pytest.raises(ContextError, match="Dockerfile is a folder"):
        plan(str(tmp_path), MEMBERS)
    (tmp_path / "Dockerfile").rmdir()
    (tmp_path / "initdb").write_text("a file where a folder goes")
    with pytest.raises(ContextError, match="initdb is not a folder"):
        plan(str(tmp_path), MEMBERS)


def test_a_link_in_the_context_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_text("must stay")
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").symlink_to(outside)
    _write(ctx, MEMBERS[:1])
    assert not (ctx / "Dockerfile").is_symlink() and (ctx / "Dockerfile").read_bytes() == MEMBERS[0].data
    assert outside.read_text() == "must stay"


def test_the_folder_itself_may_be_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "ctx").symlink_to(tmp_path / "real")
    _write(tmp_path / "ctx", MEMBERS[:1])
    assert (tmp_path / "real" / "Dockerfile").read_bytes() == MEMBERS[0].data


# -- the filter -----------------------------------------------------------------------------------
def test_the_filter_packs_templates_with_their_modes_and_copies_under_their_folder() -> None:
    files = [{"src": "Dockerfile.j2", "dest": "Dockerfile", "mode": "0644"},
             {"src": "ping.j2", "dest": "bin/ping", "mode": "0755"}]
    copies: list[dict[str, object]] = [
        {"path": "a.html", "kind": "file", "sha256": "", "content": base64.b64encode(b"<p>a</p>").decode()},
        {"path": "img/b.png", "kind": "link", "inside": True, "sha256": "",
         "content": base64.b64encode(b"\x89PNG").decode()},
    ]
    text = build_context_archive(["FROM x\n", "#!/bin/sh\n"], files, copies, "pages")
    assert unpack(text) == [
        Member("Dockerfile", 0o644, b"FROM x\n"),
        Member("bin/ping", 0o755, b"#!/bin/sh\n"),
        Member("pages/a.html", 0o644, b"<p>a</p>"),
        Member("pages/img/b.png", 0o644, b"\x89PNG"),
    ]
    assert FilterModule().filters()["build_context_archive"] is build_context_archive


def test_the_filter_refuses_what_it_cannot_pack() -> None:
    files = [{"src": "a.j2", "dest": "a", "mode": "0644"}]
    with pytest.raises(ValueError, match="1 files but 2 rendered"):
        build_context_archive(["a", "b"], files)
    with pytest.raises(ValueError, match="mode must be octal digits"):
        build_context_archive(["a"], [{"src": "a.j2", "dest": "a", "mode": "u=rw"}])
    with pytest.raises(ValueError, match="has no content"):
        build_context_archive(["a"], files, [{"path": "leak.html", "kind": "link", "inside": False}], "pages")


# -- the module, run as Ansible runs it ------------------------------------------------------------
def test_the_module_writes_then_reports_no_change(tmp_path: Path) -> None:
    dest = tmp_path / "ctx"
    archive = pack(MEMBERS)
    args = {"dest": str(dest), "archive": archive, "folders": ["empty"], "purge": ["pages"]}
    checked = run_module("dockyard.lab.build_context", args)
    assert checked["changed"] and checked["created"] and not dest.exists(), "check mode writes nothing"
    first = run_module("dockyard.lab.build_context", args, check=False)
    assert first["changed"] and first["created"]
    assert first["written"] == [m.path for m in MEMBERS] and first["removed"] == []
    assert (dest / "pages/img/logo.png").read_bytes() == bytes(range(256))
    assert archive not in str(first), "the archive is not logged"
    second = run_module("dockyard.lab.build_context", args, check=False)
    assert not second["changed"] and not second["created"] and second["written"] == []


def test_the_module_fails_naming_the_folder(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    result = run_module("dockyard.lab.build_context", {"dest": str(tmp_path), "archive": pack(MEMBERS[:1])},
                        check=False)
    assert result["failed"] and result["msg"] == f"build context {tmp_path}: {tmp_path}/Dockerfile is a folder, " \
                                                 "and the build context has a file there"
