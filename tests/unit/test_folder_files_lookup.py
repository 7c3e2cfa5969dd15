"""The folder_files lookup (plugins/lookup/folder_files.py): a controller folder's files and digests."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from ansible.errors import AnsibleLookupError  # type: ignore[import-untyped]
from ansible_collections.dockyard.lab.plugins.lookup.folder_files import LookupModule, folder_files


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_files_are_listed_by_path_with_their_byte_digest(tmp_path: Path) -> None:
    (tmp_path / "file2.html").write_bytes(b"two\r\n")
    (tmp_path / "file1.html").write_bytes(b"one")
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.png").write_bytes(bytes(range(256)))
    (tmp_path / "empty").mkdir()
    assert folder_files(str(tmp_path)) == [
        {"path": "file1.html", "kind": "file", "sha256": _sha(b"one")},
        {"path": "file2.html", "kind": "file", "sha256": _sha(b"two\r\n")},
        {"path": "img/logo.png", "kind": "file", "sha256": _sha(bytes(range(256)))},
    ]


def test_an_empty_folder_has_no_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert folder_files(str(tmp_path)) == []


def test_links_say_where_they_point_and_are_not_followed(tmp_path: Path) -> None:
    pages, outside = tmp_path / "pages", tmp_path / "secret.txt"
    pages.mkdir()
    outside.write_text("secret")
    (pages / "index.html").write_text("home")
    (pages / "home.html").symlink_to("index.html")
    (pages / "leak.html").symlink_to("../secret.txt")
    (pages / "dir").symlink_to(str(tmp_path))
    (pages / "dangling.html").symlink_to("nowhere.html")
    entries = {e["path"]: e for e in folder_files(str(pages))}
    assert entries["home.html"] == {
        "path": "home.html", "kind": "link", "target": "index.html", "inside": True, "sha256": _sha(b"home"),
    }
    assert entries["leak.html"] == {
        "path": "leak.html", "kind": "link", "target": "../secret.txt", "inside": False, "sha256": "",
    }
    assert entries["dir"]["inside"] is False
    assert entries["dangling.html"]["inside"] is False
    assert set(entries) == {"index.html", "home.html", "leak.html", "dir", "dangling.html"}


def test_other_kinds_are_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert folder_files(str(tmp_path)) == [{"path": "pipe", "kind": "other", "sha256": ""}]


def test_the_lookup_takes_one_absolute_folder(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("a")
    lookup = LookupModule()
    assert [e["path"] for e in lookup.run([str(tmp_path)])] == ["a.html"]
    for terms in ([], [str(tmp_path), str(tmp_path)], ["relative/pages"]):
        with pytest.raises(AnsibleLookupError, match="one absolute folder path"):
            lookup.run(terms)
    with pytest.raises(AnsibleLookupError, match="is not a folder"):
        lookup.run([str(tmp_path / "missing")])


def test_content_adds_the_bytes_of_files_and_of_links_inside(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "img").mkdir(parents=True)
    (pages / "index.html").write_bytes(b"home\r\n")
    (pages / "img" / "logo.png").write_bytes(bytes(range(256)))
    (pages / "home.html").symlink_to("index.html")
    (tmp_path / "secret.txt").write_text("secret")
    (pages / "leak.html").symlink_to("../secret.txt")
    entries = {e["path"]: e for e in LookupModule().run([str(pages)], content=True)}
    assert base64.b64decode(entries["index.html"]["content"]) == b"home\r\n"
    assert base64.b64decode(entries["img/logo.png"]["content"]) == bytes(range(256))
    assert base64.b64decode(entries["home.html"]["content"]) == b"home\r\n"
    assert "content" not in entries["leak.html"], "a link out of the folder is not read"
    assert all("content" not in e for e in LookupModule().run([str(pages)]))


def test_the_lookup_takes_only_a_boolean_content_option(tmp_path: Path) -> None:
    for kwargs in ({"content": "yes"}, {"contents": True}):
        with pytest.raises(AnsibleLookupError, match=r"only content=true\|false"):
            LookupModule().run([str(tmp_path)], **kwargs)
