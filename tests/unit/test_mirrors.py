"""The kit reads each family's mirror from the host's apt sources, never from a constant."""

from __future__ import annotations

from pathlib import Path

from dockyard_kit.mirrors import host_mirrors, parse_sources

DEB822 = """\
Types: deb
URIs: http://mirror.example.test/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.test/debian-security
Suites: bookworm-security
Components: main
"""


def test_deb822_debian_mirror_and_security_skipped() -> None:
    assert parse_sources({"debian.sources": DEB822}) == {"debian": "http://mirror.example.test/debian"}


def test_one_line_format_with_options_and_comments() -> None:
    text = (
        "# a comment\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://ubuntu.example.test/ubuntu/ jammy main universe\n"
        "deb http://ubuntu.example.test/ubuntu jammy-security main\n"
        "deb-src http://src.example.test/ubuntu jammy main\n"
    )
    assert parse_sources({"sources.list": text}) == {"ubuntu": "http://ubuntu.example.test/ubuntu"}


def test_disabled_stanza_and_unknown_suites_are_ignored() -> None:
    text = "Types: deb\nURIs: http://a.example.test/x\nSuites: bookworm\nEnabled: no\n\n" \
           "Types: deb\nURIs: http://b.example.test/y\nSuites: stable-backports\n"
    assert parse_sources({"x.sources": text}) == {}


def test_both_families_and_first_file_wins() -> None:
    files = {
        "a.list": "deb http://one.example.test/debian trixie main\n",
        "b.list": "deb http://two.example.test/debian bookworm main\n"
                  "deb http://u.example.test/ubuntu noble main\n",
    }
    assert parse_sources(files) == {
        "debian": "http://one.example.test/debian",
        "ubuntu": "http://u.example.test/ubuntu",
    }


def test_host_mirrors_reads_an_apt_tree(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    (tmp_path / "sources.list.d" / "ignored.disabled").write_text("deb http://x.example.test/debian sid main\n")
    assert host_mirrors(tmp_path) == {"debian": "http://mirror.example.test/debian"}
