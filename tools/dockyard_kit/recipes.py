"""Load and check images/recipes.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dockyard_kit import KitError

FAMILIES = ("debian", "ubuntu")


@dataclass(frozen=True)
class Base:
    """An operating-system base: the official image online, debootstrapped offline."""

    key: str
    family: str
    suite: str
    official: str

    @property
    def offline_tag(self) -> str:
        return f"dockyard/base:{self.key}"


@dataclass(frozen=True)
class Image:
    """An image built from a context folder on top of a base (or pulled, when official)."""

    name: str
    tag: str
    context: Path
    base: Base
    official: str | None = None
    distro: str | None = None


@dataclass(frozen=True)
class Recipes:
    bases: dict[str, Base]
    images: dict[str, Image]

    def distros(self) -> dict[str, Image]:
        """MOLECULE_DISTRO value -> systemd host image."""
        return {img.distro: img for img in self.images.values() if img.distro}

    def image_for_distro(self, distro: str) -> Image:
        known = self.distros()
        if distro not in known:
            raise KitError(
                f"unknown MOLECULE_DISTRO '{distro}': known distros are {', '.join(sorted(known))}"
            )
        return known[distro]

    def select(self, names: list[str]) -> list[Image]:
        unknown = [n for n in names if n not in self.images]
        if unknown:
            raise KitError(
                f"unknown image(s) {', '.join(unknown)}: known images are {', '.join(sorted(self.images))}"
            )
        return [self.images[n] for n in names] if names else list(self.images.values())


def _fields(where: str, data: Any, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise KitError(f"{where}: expected a mapping, got {type(data).__name__}")
    missing = required - data.keys()
    extra = data.keys() - required - optional
    if missing:
        raise KitError(f"{where}: missing {', '.join(sorted(missing))}")
    if extra:
        raise KitError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    return data


def parse(data: Any, root: Path) -> Recipes:
    """Build Recipes from the loaded YAML; `root` anchors the context folders."""
    top = _fields("recipes", data, {"bases", "images"}, set())
    bases: dict[str, Base] = {}
    for key, raw in (top["bases"] or {}).items():
        b = _fields(f"bases.{key}", raw, {"family", "suite", "official"}, set())
        if b["family"] not in FAMILIES:
            raise KitError(f"bases.{key}.family: '{b['family']}' is not one of {', '.join(FAMILIES)}")
        bases[key] = Base(key=key, family=b["family"], suite=b["suite"], official=b["official"])
    images: dict[str, Image] = {}
    for name, raw in (top["images"] or {}).items():
        i = _fields(f"images.{name}", raw, {"tag", "context", "base"}, {"official", "distro"})
        if i["base"] not in bases:
            raise KitError(f"images.{name}.base: '{i['base']}' is not a key of bases")
        context = root / i["context"]
        if not (context / "Dockerfile").is_file():
            raise KitError(f"images.{name}.context: no Dockerfile in {context}")
        images[name] = Image(
            name=name,
            tag=i["tag"],
            context=context,
            base=bases[i["base"]],
            official=i.get("official"),
            distro=i.get("distro"),
        )
    return Recipes(bases=bases, images=images)


def load(path: Path) -> Recipes:
    with path.open(encoding="utf-8") as stream:
        return parse(yaml.safe_load(stream), path.parent.parent)
