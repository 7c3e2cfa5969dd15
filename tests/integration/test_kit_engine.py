"""The image kit against the real engine: cache hits and a failing build's message.

Needs a Docker engine and the Debian 12 host image (`make integration` provides both).
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from dockyard_kit import KitError, engine
from dockyard_kit.kit import RECIPE_LABEL, Kit
from dockyard_kit.recipes import Recipes, load

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def recipes() -> Recipes:
    return load(REPO / "images" / "recipes.yml")


def test_warm_kit_rebuilds_nothing(recipes: Recipes) -> None:
    image = recipes.image_for_distro("debian12")
    kit = Kit()
    assert kit.ensure(image) in ("built", "pulled", "cached")
    label = engine.image_label(image.tag, RECIPE_LABEL)
    assert kit.ensure(image) == "cached"
    assert engine.image_label(image.tag, RECIPE_LABEL) == label


def test_failed_build_names_the_image_and_the_step(recipes: Recipes, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\nRUN exit 3\n")
    good = recipes.image_for_distro("debian12")
    broken = dataclasses.replace(good, name="broken", tag="dockyard/test-broken:latest", context=tmp_path, distro=None)
    try:
        expected = r"image dockyard/test-broken:latest: step '.*RUN exit 3' failed \(exit \d+\)"
        with pytest.raises(KitError, match=expected):
            Kit().ensure(broken)
    finally:
        subprocess.run(["docker", "rmi", "-f", broken.tag], capture_output=True, check=False)
