"""Filter behind dockyard.lab._common's build_image: the checksum of an image's build context.

- build_context_checksum: the SHA-256 the image is labelled with, from the caller's rendered
  templates and, when it gives a controller folder, the files copied from it (their paths and
  digests, from the dockyard.lab.folder_files lookup).

A label that changes rebuilds the image, so the value for a context WITHOUT copied files is
exactly what build_image.yml computed in Jinja before copies existed, `<inputs> | to_json |
hash('sha256')` with Ansible's own to_json: demo_app and mongo images keep their labels.
tests/unit/test_build_context_filters.py checks it against that expression.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from ansible.plugins.filter.core import to_json  # type: ignore[import-untyped]

CHECKSUM_OF = ("content", "dest_mode_content")


def build_context_checksum(
    rendered: Sequence[str],
    files: Sequence[Mapping[str, Any]],
    checksum_of: str,
    copies: Sequence[Mapping[str, Any]] = (),
    copy_dest: str = "",
) -> str:
    """SHA-256 of a build context: rendered templates, then any copied files (dest folder, paths, digests).

    `checksum_of` is what the templates contribute: `content` (the rendered files in order) or
    `dest_mode_content` (each file's dest, mode and rendered text). Copied files, when there are
    any, add `[copy_dest, [[path, sha256], ...]]`; without them the value is unchanged from the
    Jinja this replaced.
    """
    if checksum_of not in CHECKSUM_OF:
        raise ValueError(f"build_context_checksum: checksum_of must be one of {CHECKSUM_OF}, got {checksum_of!r}")
    if len(files) != len(rendered):
        raise ValueError(f"build_context_checksum: {len(files)} files but {len(rendered)} rendered templates")
    inputs: list[Any] = (
        list(rendered)
        if checksum_of == "content"
        else [[f["dest"], f["mode"], text] for f, text in zip(files, rendered, strict=True)]
    )
    if copies:
        inputs = [inputs, copy_dest, [[c["path"], c["sha256"]] for c in copies]]
    return hashlib.sha256(str(to_json(inputs)).encode("utf-8", "surrogateescape")).hexdigest()


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"build_context_checksum": build_context_checksum}
