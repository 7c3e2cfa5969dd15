"""Lookup plugin: the files of a folder on the controller, with the SHA-256 of their content.

Used where a role copies a controller folder into an image's build context byte for byte
(dockyard.lab._common's build_image, for dockyard.lab.static_site's pages): the digests go into
the context's checksum, so that an edited file rebuilds the image; the kinds and link targets
let a role refuse what it should not copy (a link that leaves the folder, a device).
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
from collections.abc import Iterator
from typing import Any

from ansible.errors import AnsibleLookupError  # type: ignore[import-untyped]
from ansible.plugins.lookup import LookupBase  # type: ignore[import-untyped]

DOCUMENTATION = """
name: folder_files
author: dockyard maintainers
version_added: 0.2.0
short_description: The files of a folder on the controller, with the SHA-256 of their content
description:
  - Walks a folder on the controller (sub-folders included, symbolic links not followed) and
    returns one entry per file, sorted by path.
  - Each entry is C(path) (relative, with C(/) between parts), C(kind) (C(file), C(link) or
    C(other) for fifos, sockets and devices), C(sha256) (the content's digest; for a link, its
    target's when that is a regular file inside the folder; empty otherwise), and for a link
    C(target) (the link as written) and C(inside) (whether it resolves to a regular file inside
    the folder).
  - With I(content), each regular file and each link to a regular file inside the folder also
    has C(content), its bytes in base64 (for the C(dockyard.lab.build_context_archive) filter).
  - Fails when the path is not a folder or a file cannot be read.
options:
  _terms:
    description: Absolute path of one folder on the controller.
    required: true
    type: list
    elements: path
  content:
    description: Also return each file's content (base64).
    type: bool
    default: false
"""

EXAMPLES = """
- name: Show the pages and their digests
  ansible.builtin.debug:
    msg: "{{ query('dockyard.lab.folder_files', playbook_dir ~ '/pages') }}"
"""

RETURN = """
_raw:
  description: One entry per file, sorted by path.
  type: list
  elements: dict
"""

_CHUNK = 1 << 20


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entries(root: str, real_root: str, relative: str) -> Iterator[dict[str, Any]]:
    with os.scandir(os.path.join(root, relative)) as scan:
        found = list(scan)
    for entry in found:
        path = posixpath.join(relative, entry.name) if relative else entry.name
        if entry.is_symlink():
            resolved = os.path.realpath(entry.path)
            inside = resolved.startswith(real_root + os.sep) and os.path.isfile(resolved)
            yield {
                "path": path,
                "kind": "link",
                "target": os.readlink(entry.path),
                "inside": inside,
                "sha256": sha256_of(resolved) if inside else "",
            }
        elif entry.is_dir():
            yield from _entries(root, real_root, path)
        elif entry.is_file():
            yield {"path": path, "kind": "file", "sha256": sha256_of(entry.path)}
        else:
            yield {"path": path, "kind": "other", "sha256": ""}


def folder_files(folder: str, content: bool = False) -> list[dict[str, Any]]:
    """Every file under `folder`, sorted by path, with its bytes (base64) as `content` when asked
    (regular files, and links to one inside the folder); OSError when it is not a readable folder."""
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"{folder} is not a folder")
    entries = sorted(_entries(folder, os.path.realpath(folder), ""), key=lambda e: str(e["path"]))
    if content:
        for entry in entries:
            if entry["kind"] == "file" or (entry["kind"] == "link" and entry["inside"]):
                with open(os.path.join(folder, entry["path"]), "rb") as handle:
                    entry["content"] = base64.b64encode(handle.read()).decode("ascii")
    return entries


class LookupModule(LookupBase):  # type: ignore[misc]
    def run(self, terms: list[Any], variables: Any = None, **kwargs: Any) -> list[dict[str, Any]]:
        if len(terms) != 1 or not isinstance(terms[0], str) or not os.path.isabs(terms[0]):
            raise AnsibleLookupError(f"folder_files takes one absolute folder path, got {terms!r}")
        unknown = sorted(set(kwargs) - {"content"})
        if unknown or not isinstance(kwargs.get("content", False), bool):
            raise AnsibleLookupError(f"folder_files takes only content=true|false, got {kwargs!r}")
        try:
            return folder_files(terms[0], kwargs.get("content", False))
        except OSError as error:
            raise AnsibleLookupError(f"folder_files: cannot read {terms[0]}: {error}") from error
