"""Command line: python -m dockyard_kit {build,list,distro} ..."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from dockyard_kit import KitError
from dockyard_kit.kit import Kit
from dockyard_kit.recipes import load

DEFAULT_RECIPES = Path(__file__).resolve().parents[2] / "images" / "recipes.yml"


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
    args = parser.parse_args(argv)

    try:
        recipes = load(args.recipes)
        kit = Kit(os.environ.get("DOCKYARD_IMAGE_MODE", "auto"))
        if args.cmd == "list":
            for name, img in recipes.images.items():
                print(f"{name:24} {img.tag:36} distro={img.distro or '-'}")
            return 0
        if args.cmd == "distro":
            image = recipes.image_for_distro(args.name)
            if not args.check_only:
                print(f"    {image.tag}: {kit.ensure(image)}")
            return 0
        images = recipes.select(args.names)
        if args.distros:
            wanted = [d for d in args.distros.replace(",", " ").split() if d]
            for d in wanted:
                recipes.image_for_distro(d)
            images = [i for i in images if i.distro is None or i.distro in wanted]
        for image in images:
            started = time.monotonic()
            print(f"  - {image.tag}", flush=True)
            result = kit.ensure(image)
            print(f"    {image.tag}: {result} ({time.monotonic() - started:.0f}s)", flush=True)
    except KitError as err:
        print(f"image kit: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
