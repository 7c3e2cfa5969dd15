"""images/recipes.yml is checked before anything is built; errors name what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard_kit import KitError
from dockyard_kit.recipes import load, parse

REPO = Path(__file__).resolve().parents[2]


def _ctx(tmp_path: Path) -> Path:
    ctx = tmp_path / "images" / "ctx"
    ctx.mkdir(parents=True)
    (ctx / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    return tmp_path


BASES = {"d12": {"family": "debian", "suite": "bookworm", "official": "debian:12"}}


def test_project_recipes_cover_the_four_required_distros() -> None:
    recipes = load(REPO / "images" / "recipes.yml")
    assert {"debian12", "debian13", "ubuntu2204", "ubuntu2404"} <= set(recipes.distros())
    for image in recipes.images.values():
        assert (image.context / "Dockerfile").is_file()


def test_unknown_distro_lists_the_known_ones() -> None:
    recipes = load(REPO / "images" / "recipes.yml")
    known = r"debian12, debian13, ubuntu2204, ubuntu2404"
    with pytest.raises(KitError, match=rf"unknown MOLECULE_DISTRO 'centos7': known distros are {known}"):
        recipes.image_for_distro("centos7")


def test_unknown_image_name_lists_the_known_ones() -> None:
    recipes = load(REPO / "images" / "recipes.yml")
    with pytest.raises(KitError, match=r"unknown image.*nope.*known images are"):
        recipes.select(["nope"])


@pytest.mark.parametrize(
    ("images", "message"),
    [
        ({"x": {"tag": "t", "context": "images/ctx", "base": "zz"}}, "images.x.base: 'zz' is not a key"),
        ({"x": {"tag": "t", "context": "images/missing", "base": "d12"}}, "images.x.context: no Dockerfile"),
        ({"x": {"tag": "t", "context": "images/ctx", "base": "d12", "colour": 1}}, "unknown key.*colour"),
        ({"x": {"context": "images/ctx", "base": "d12"}}, "images.x: missing tag"),
        ({"x": "just a string"}, "images.x: expected a mapping"),
    ],
)
def test_bad_recipes_fail_naming_the_field(tmp_path: Path, images: dict[str, object], message: str) -> None:
    with pytest.raises(KitError, match=message):
        parse({"bases": BASES, "images": images}, _ctx(tmp_path))


def test_bad_family_is_refused(tmp_path: Path) -> None:
    bases = {"a": {"family": "arch", "suite": "x", "official": "archlinux"}}
    with pytest.raises(KitError, match=r"bases\.a\.family: 'arch' is not one of debian, ubuntu"):
        parse({"bases": bases, "images": {}}, _ctx(tmp_path))
