"""Command line: python -m dockyard_kit {build,list,distro} ..."""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dockyard_kit import KitError
from dockyard_kit.kit import Kit
from dockyard_kit.recipes import Image, load

DEFAULT_RECIPES = Path(__file__).resolve().parents[2] / "images" / "recipes.yml"
# One kit at a time builds on this machine: Molecule runs side by side each make their own
# images available (their dependency step), and two builds of one tag would collide.
LOCK_FILE = Path(tempfile.gettempdir()) / "dockyard-kit.lock"


@contextmanager
def build_lock(path: Path = LOCK_FILE) -> Iterator[None]:
    """Hold the machine-wide kit lock, saying so when another kit holds it.

    The file is opened read-only (flock needs no more), so a lock file another user created
    works too; it is created only when missing (O_CREAT on someone else's file in /tmp is
    refused where fs.protected_regular is set).
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"    waiting for another image kit build ({path})", flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _names(value: str) -> list[str]:
    """A comma or space separated list."""
    return [n for n in value.replace(",", " ").split() if n]


def _ensure(kit: Kit, images: list[Image]) -> None:
    for image in images:
        started = time.monotonic()
        print(f"  - {image.tag}", flush=True)
        result = kit.ensure(image)
        print(f"    {image.tag}: {result} ({time.monotonic() - started:.0f}s)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dockyard_kit", description=__doc__)
    parser.add_argument("--recipes", type=Path, default=DEFAULT_RECIPES)
    sub = parser.add_subparsers(dest="cmd", required=True)
    build = sub.add_parser("build", help="make images available (all when none is named)")
    build.add_argument("names", nargs="*")
    build.add_argument("--distros", default="", help="comma list: only the systemd images of these distros")
    sub.add_parser("list", help="list images and distros")
    distro = sub.add_parser("distro", help="check a MOLECULE_DISTRO value and make its image available")
    distro.add_argument("name", nargs="?", default=os.environ.get("MOLECULE_DISTRO", "debian12"))
    distro.add_argument("--check-only", action="store_true")
    distro.add_argument("--with", dest="also", default="", help="comma list: other images the scenario needs")
    args = parser.parse_args(argv)

    try:
        recipes = load(args.recipes)
        kit = Kit(os.environ.get("DOCKYARD_IMAGE_MODE", "auto"))
        if args.cmd == "list":
            for name, img in recipes.images.items():
                print(f"{name:24} {img.tag:36} distro={img.distro or '-'}")
            return 0
        if args.cmd == "distro":
            images = [recipes.image_for_distro(args.name)]
            also = _names(args.also)
            if also:
                images += recipes.select(also)
            if not args.check_only:
                with build_lock():
                    _ensure(kit, images)
            return 0
        images = recipes.select(args.names)
        if args.distros:
            wanted = _names(args.distros)
            for d in wanted:
                recipes.image_for_distro(d)
            images = [i for i in images if i.distro is None or i.distro in wanted]
        with build_lock():
            _ensure(kit, images)
    except KitError as err:
        print(f"image kit: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
