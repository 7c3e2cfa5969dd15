"""Make images available: cache check, official pull, offline base bootstrap, build."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from dockyard_kit import KitError, engine
from dockyard_kit.mirrors import host_mirrors
from dockyard_kit.recipes import Base, Image

RECIPE_LABEL = "org.dockyard.recipe"
MODE_LABEL = "org.dockyard.mode"
# Bump when the bootstrap procedure below changes, so cached bases are rebuilt.
ROOTFS_VERSION = "1"
KEYRINGS = {
    "debian": "/usr/share/keyrings/debian-archive-keyring.gpg",
    "ubuntu": "/usr/share/keyrings/ubuntu-archive-keyring.gpg",
}
# debootstrap script that a suite unknown to the installed debootstrap falls back to.
FALLBACK_SCRIPT = {"debian": "sid", "ubuntu": "gutsy"}
MODES = ("auto", "online", "offline")


def _say(msg: str) -> None:
    print(f"    {msg}", flush=True)


def context_files(context: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file in a build context."""
    out: dict[str, str] = {}
    for path in sorted(context.rglob("*")):
        if path.is_file():
            out[path.relative_to(context).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def recipe_hash(parts: dict[str, object]) -> str:
    """A stable hash of everything that decides an image's content."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def failed_step(lines: list[str]) -> str:
    """The last build step that started, from classic or BuildKit output."""
    for line in reversed(lines):
        if re.match(r"^Step \d+/\d+ : ", line) or re.match(r"^#\d+ \[[^\]]+\] ", line):
            return line.strip()
    return "(no step started)"


def apt_sources(family: str, suite: str, mirror: str) -> str:
    """sources.list for a bootstrapped base, shaped like the official image's."""
    if family == "ubuntu":
        suites = [suite, f"{suite}-updates", f"{suite}-security"]
        comps = "main universe"
    else:
        suites = [suite, f"{suite}-updates"]
        comps = "main"
    return "".join(f"deb {mirror} {s} {comps}\n" for s in suites)


class Kit:
    def __init__(self, mode: str = "auto") -> None:
        if mode not in MODES:
            raise KitError(f"DOCKYARD_IMAGE_MODE='{mode}' is not one of {', '.join(MODES)}")
        self.mode = mode
        self._sudo: list[str] = [] if os.geteuid() == 0 else ["sudo"]

    # -- mode -----------------------------------------------------------------
    def _online(self, probe: str) -> bool:
        """Decide online/offline once, by trying to pull an official image."""
        if self.mode != "auto":
            return self.mode == "online"
        if engine.image_id(probe):
            self.mode = "online"
            return True
        _say(f"probing for a registry: docker pull {probe}")
        ok, out = engine.pull(probe, timeout=300)
        self.mode = "online" if ok else "offline"
        if not ok:
            _say(f"no registry answers ({out.splitlines()[-1] if out else 'no output'}): offline mode")
        return ok

    # -- bases ----------------------------------------------------------------
    def base_ref(self, base: Base) -> str:
        """The image reference a build starts FROM, made available first."""
        if self._online(base.official):
            if not engine.image_id(base.official):
                ok, out = engine.pull(base.official)
                if not ok:
                    raise KitError(f"image {base.official}: step 'docker pull' failed: {out}")
            return base.official
        self._bootstrap(base)
        return base.offline_tag

    def _bootstrap(self, base: Base) -> None:
        mirror = os.environ.get(f"DOCKYARD_{base.family.upper()}_MIRROR") or host_mirrors().get(base.family)
        digest = recipe_hash(
            {"suite": base.suite, "family": base.family, "mirror": mirror, "v": ROOTFS_VERSION}
        )
        if engine.image_label(base.offline_tag, RECIPE_LABEL) == digest:
            _say(f"{base.offline_tag}: cached")
            return
        if shutil.which("debootstrap") is None:
            raise KitError(
                f"image {base.offline_tag}: step 'debootstrap' failed: debootstrap is not installed "
                "(run `make bootstrap` or apt-get install debootstrap)"
            )
        started = time.monotonic()
        where = mirror or "debootstrap's default mirror"
        _say(f"{base.offline_tag}: debootstrap {base.suite} from {where}")
        work = Path(tempfile.mkdtemp(prefix=f"dockyard-{base.key}-", dir="/var/tmp"))
        try:
            root = work / "rootfs"
            overrides: list[str] = []
            if not Path("/usr/share/debootstrap/scripts", base.suite).exists():
                # An older debootstrap lacks the newest suites: its family's generic script works.
                copy = work / "debootstrap"
                shutil.copytree("/usr/share/debootstrap", copy, symlinks=True)
                (copy / "scripts" / base.suite).symlink_to(FALLBACK_SCRIPT[base.family])
                overrides.append(f"DEBOOTSTRAP_DIR={copy}")
            cmd = [*self._sudo, "env", *overrides]
            cmd += ["debootstrap", "--variant=minbase"]
            if not Path(KEYRINGS[base.family]).is_file():
                # The rootfs brings its own archive keyring; apt inside it verifies normally.
                cmd.append("--no-check-gpg")
            cmd += [base.suite, str(root)]
            if mirror:
                cmd.append(mirror)
            code, tail = engine.stream(cmd)
            if code != 0:
                raise KitError(
                    f"image {base.offline_tag}: step 'debootstrap {base.suite}' failed (exit {code}): "
                    + (tail[-1] if tail else "no output")
                )
            self._finish_rootfs(base, root)
            self._import(base, root, digest)
        finally:
            subprocess.run([*self._sudo, "rm", "-rf", str(work)], check=False)
        _say(f"{base.offline_tag}: built in {time.monotonic() - started:.0f}s")

    def _finish_rootfs(self, base: Base, root: Path) -> None:
        listed = (root / "etc/apt/sources.list").read_text(encoding="utf-8")
        match = re.search(r"^deb\s+(\S+)\s", listed, re.M)
        if not match:
            raise KitError(f"image {base.offline_tag}: step 'apt sources' failed: no deb line in {listed!r}")
        text = apt_sources(base.family, base.suite, match.group(1))
        subprocess.run(
            [*self._sudo, "tee", str(root / "etc/apt/sources.list")],
            input=text, text=True, stdout=subprocess.DEVNULL, check=True,
        )
        subprocess.run(
            [*self._sudo, "sh", "-c", f"rm -rf {root}/var/lib/apt/lists/* {root}/var/cache/apt/archives/*.deb"],
            check=True,
        )

    def _import(self, base: Base, root: Path, digest: str) -> None:
        with subprocess.Popen([*self._sudo, "tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE) as tar:
            code, tail = engine.stream(
                [
                    "docker", "import",
                    "--change", 'CMD ["/bin/bash"]',
                    "--change", f"LABEL {RECIPE_LABEL}={digest} {MODE_LABEL}=offline",
                    "-", base.offline_tag,
                ],
                stdin=tar.stdout.fileno() if tar.stdout else None,
            )
            tar.wait()
        if code != 0 or tar.returncode != 0:
            raise KitError(
                f"image {base.offline_tag}: step 'docker import' failed: " + (tail[-1] if tail else "no output")
            )

    # -- images ---------------------------------------------------------------
    def ensure(self, image: Image) -> str:
        """Make `image.tag` available; return 'cached', 'pulled' or 'built'."""
        if image.official and self._online(image.official):
            if not engine.image_id(image.official):
                ok, out = engine.pull(image.official)
                if not ok:
                    raise KitError(f"image {image.official}: step 'docker pull' failed: {out}")
            if engine.image_id(image.tag) == engine.image_id(image.official):
                return "cached"
            engine.tag(image.official, image.tag)
            return "pulled"
        base_ref = self.base_ref(image.base)
        digest = recipe_hash(
            {"tag": image.tag, "base": base_ref, "base_id": engine.image_id(base_ref),
             "files": context_files(image.context)}
        )
        if engine.image_label(image.tag, RECIPE_LABEL) == digest:
            return "cached"
        mode = "online" if base_ref == image.base.official else "offline"
        code, tail = engine.stream(
            [
                "docker", "build", "--pull=false", "--force-rm",
                "--build-arg", f"BASE_IMAGE={base_ref}",
                "--label", f"{RECIPE_LABEL}={digest}",
                "--label", f"{MODE_LABEL}={mode}",
                "-t", image.tag, str(image.context),
            ]
        )
        if code != 0:
            raise KitError(
                f"image {image.tag}: step '{failed_step(tail)}' failed (exit {code}); "
                f"the build output is above"
            )
        return "built"
