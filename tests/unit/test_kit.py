"""Cache keys, failure messages, the offline base's apt sources and the build lock."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from dockyard_kit import KitError
from dockyard_kit.__main__ import build_lock
from dockyard_kit.__main__ import main as kit_main
from dockyard_kit.kit import Kit, apt_sources, context_files, failed_step, recipe_hash


def test_recipe_hash_is_stable_and_order_free() -> None:
    assert recipe_hash({"a": 1, "b": [1, 2]}) == recipe_hash({"b": [1, 2], "a": 1})
    assert recipe_hash({"a": 1}) != recipe_hash({"a": 2})


def test_context_hash_changes_with_any_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "app.py").write_text("print(1)\n")
    before = recipe_hash({"files": context_files(tmp_path)})
    assert set(context_files(tmp_path)) == {"Dockerfile", "sub/app.py"}
    (tmp_path / "sub" / "app.py").write_text("print(2)\n")
    assert recipe_hash({"files": context_files(tmp_path)}) != before


def test_failed_step_classic_builder() -> None:
    lines = ["Step 1/3 : ARG BASE_IMAGE", " ---> abc", "Step 2/3 : RUN apt-get update", "E: failed"]
    assert failed_step(lines) == "Step 2/3 : RUN apt-get update"


def test_failed_step_buildkit() -> None:
    lines = ["#4 [1/2] FROM docker.io/library/debian:12", "#5 [2/2] RUN false", "#5 ERROR: exit code 1"]
    assert failed_step(lines) == "#5 [2/2] RUN false"


def test_failed_step_before_any_step() -> None:
    assert failed_step(["unable to prepare context"]) == "(no step started)"


def test_ubuntu_sources_add_universe_updates_and_security() -> None:
    text = apt_sources("ubuntu", "noble", "http://m.example.test/ubuntu")
    assert text.splitlines() == [
        "deb http://m.example.test/ubuntu noble main universe",
        "deb http://m.example.test/ubuntu noble-updates main universe",
        "deb http://m.example.test/ubuntu noble-security main universe",
    ]


def test_debian_sources_add_updates() -> None:
    assert apt_sources("debian", "trixie", "http://m.example.test/debian").splitlines() == [
        "deb http://m.example.test/debian trixie main",
        "deb http://m.example.test/debian trixie-updates main",
    ]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(KitError, match="DOCKYARD_IMAGE_MODE='sometimes' is not one of auto, online, offline"):
        Kit("sometimes")


def test_build_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    lock = tmp_path / "kit.lock"
    with build_lock(lock), lock.open("a") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    with lock.open("a") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_distro_with_an_unknown_image_fails_listing_the_known(capsys: pytest.CaptureFixture[str]) -> None:
    assert kit_main(["distro", "debian12", "--with", "python-3.11-slim,nope", "--check-only"]) == 2
    err = capsys.readouterr().err
    assert "unknown image(s) nope" in err
    assert "redis-7" in err
