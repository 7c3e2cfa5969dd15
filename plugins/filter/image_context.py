"""Filters behind dockyard.lab._common's build_image: an image's build context.

- build_context_checksum: the SHA-256 the image is labelled with, from the caller's rendered
  templates and, when it gives a controller folder, the files copied from it (their paths and
  digests, from the dockyard.lab.folder_files lookup).
- build_context_archive: the same files packed into the one argument of the
  dockyard.lab.build_context module (plugins/module_utils/context_archive.py), which writes
  them to the host in one round trip.

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


def build_context_archive(
    rendered: Sequence[str],
    files: Sequence[Mapping[str, Any]],
    copies: Sequence[Mapping[str, Any]] = (),
    copy_dest: str = "",
) -> str:
    """The context as the build_context module takes it: each rendered template at its `dest`
    with its `mode` (octal text, "0644"), then each copied file (the folder_files lookup's entries
    with `content=true`) under `copy_dest` with mode 0644."""
    # Imported here: every task that uses any filter of the collection loads this file.
    import base64

    from ansible_collections.dockyard.lab.plugins.module_utils.context_archive import Member, pack

    if len(files) != len(rendered):
        raise ValueError(f"build_context_archive: {len(files)} files but {len(rendered)} rendered templates")
    members = []
    for entry, text in zip(files, rendered, strict=True):
        mode = str(entry["mode"])
        if not mode.isdigit() or any(c not in "01234567" for c in mode):
            raise ValueError(f"build_context_archive: {entry['dest']}: mode must be octal digits, got {mode!r}")
        members.append(Member(str(entry["dest"]), int(mode, 8), str(text).encode("utf-8", "surrogateescape")))
    for copy in copies:
        if "content" not in copy:
            raise ValueError(
                f"build_context_archive: {copy.get('path')!r} has no content: list the folder with "
                "query('dockyard.lab.folder_files', folder, content=true), which reads no link out of the folder "
                "and no special file"
            )
        members.append(Member(f"{copy_dest}/{copy['path']}", 0o644, base64.b64decode(copy["content"])))
    return pack(members)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"build_context_checksum": build_context_checksum, "build_context_archive": build_context_archive}
