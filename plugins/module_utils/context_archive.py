"""An image's build context in one module argument: packed on the controller, written on the host.

The controller packs the context's files (rendered templates, plain files copied byte for byte)
into one gzip'd tar, base64-encoded: the dockyard.lab.build_context_archive filter calls pack().
The dockyard.lab.build_context module unpacks it on the host, compares it with what the folder
holds and writes only what differs: one round trip for the whole context, where a template or
copy task costs two or three per file (measured in docs/bench/README.md).

Only regular files travel, each with its relative path and mode; folders are implied by the
paths or named (`folders`). A `purge` sub-folder is made to hold exactly the context's files
under it (what is not in the context is removed); nothing else of the folder is removed.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import os
import posixpath
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Base64 characters of one archive: the context travels in the module's arguments (through
# SSH's stdin with pipelining), so it stays small; a course's contexts are a few KiB.
MAX_ARCHIVE = 32 * 1024 * 1024


class ContextError(ValueError):
    """A context that cannot be packed or written as asked; the message says what and where."""


@dataclass(frozen=True)
class Member:
    path: str  # relative to the context folder, parts joined by "/"
    mode: int  # permission bits
    data: bytes


@dataclass
class Plan:
    """What writing a context into a folder changes, each list in path order."""

    folders: list[str] = field(default_factory=list)  # absolute paths to create (0755)
    writes: list[Member] = field(default_factory=list)  # missing, or content that differs
    modes: list[Member] = field(default_factory=list)  # same content, other mode
    removes: list[str] = field(default_factory=list)  # absolute paths under a purge folder

    @property
    def changed(self) -> bool:
        return bool(self.folders or self.writes or self.modes or self.removes)


def check_path(path: str) -> str:
    """`path` if it is a plain relative path inside the context (no "..", no "/" first, no "." parts)."""
    if not path or path.startswith("/") or posixpath.normpath(path) != path or path == "." or \
            path == ".." or path.startswith("../"):
        raise ContextError(f"{path!r} is not a relative path inside the build context")
    return path


def pack(members: Iterable[Member]) -> str:
    """The members as one gzip'd tar, base64: sorted by path, with no owner or time (reproducible)."""
    ordered = sorted(members, key=lambda m: m.path)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w",
                                                                           format=tarfile.PAX_FORMAT) as tar:
        seen: set[str] = set()
        for member in ordered:
            check_path(member.path)
            if member.path in seen:
                raise ContextError(f"{member.path!r} is twice in the build context")
            seen.add(member.path)
            info = tarfile.TarInfo(member.path)
            info.size, info.mode, info.mtime, info.type = len(member.data), member.mode & 0o7777, 0, tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(member.data))
    text = base64.b64encode(buf.getvalue()).decode("ascii")
    if len(text) > MAX_ARCHIVE:
        raise ContextError(f"the build context packs to {len(text)} bytes, over the {MAX_ARCHIVE} one task carries")
    return text


def unpack(text: str) -> list[Member]:
    """The members of an archive pack() made; ContextError for anything else (a link, a bad path)."""
    try:
        raw = base64.b64decode(text, validate=True)
        members = []
        with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
            for info in tar:
                if not info.isreg():
                    raise ContextError(f"{info.name!r} is not a regular file: a build context archive holds only files")
                handle = tar.extractfile(info)
                assert handle is not None  # a regular file always has data
                members.append(Member(check_path(info.name), info.mode & 0o7777, handle.read()))
    except (binascii.Error, tarfile.TarError, OSError, EOFError) as error:
        raise ContextError(f"the archive is not a build context packed by build_context_archive: {error}") from error
    return members


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _purged(dest: str, purge: Sequence[str], keep_files: set[str], keep_dirs: set[str]) -> list[str]:
    """Paths under each purge folder that the context does not hold (a folder whole, not its files)."""
    removes: list[str] = []
    for top in purge:
        root = os.path.join(dest, top)
        if not os.path.isdir(root) or os.path.islink(root):
            continue
        for current, dirs, files in os.walk(root):
            rel = os.path.relpath(current, dest).replace(os.sep, "/")
            for name in sorted(files):
                if f"{rel}/{name}" not in keep_files:
                    removes.append(os.path.join(current, name))
            for name in sorted(dirs):
                full = os.path.join(current, name)
                if f"{rel}/{name}" not in keep_dirs or os.path.islink(full):
                    removes.append(full)
            kept = [d for d in sorted(dirs) if f"{rel}/{d}" in keep_dirs]
            dirs[:] = [d for d in kept if not os.path.islink(os.path.join(current, d))]
    return removes


def plan(dest: str, members: Sequence[Member], folders: Sequence[str] = (), purge: Sequence[str] = ()) -> Plan:
    """What writing `members` into `dest` changes. ContextError where a folder stands where the
    context has a file (or a file where it needs a folder) outside a purge folder."""
    for name in [*folders, *purge]:
        check_path(name)
    files = {m.path for m in members}
    dirs = {d for m in members for d in _parents(m.path)} | set(folders)
    dirs |= {d for name in folders for d in _parents(name)}
    result = Plan(removes=_purged(dest, purge, files, dirs))
    removed = set(result.removes)
    for rel in ["", *sorted(dirs)]:
        path = os.path.join(dest, rel) if rel else dest
        # The folder itself may be a link to a folder; what the context needs inside it may not.
        if os.path.isdir(path) and (not rel or not os.path.islink(path)):
            continue
        if os.path.lexists(path) and path not in removed:
            raise ContextError(f"{path} is not a folder, and the build context needs one there")
        result.folders.append(path)
    for member in sorted(members, key=lambda m: m.path):
        path = os.path.join(dest, member.path)
        if not os.path.lexists(path) or path in removed or os.path.islink(path):
            result.writes.append(member)
            continue
        info = os.lstat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ContextError(f"{path} is a folder, and the build context has a file there")
        with open(path, "rb") as handle:
            same = handle.read() == member.data
        if not same:
            result.writes.append(member)
        elif stat.S_IMODE(info.st_mode) != member.mode:
            result.modes.append(member)
    return result


def apply(dest: str, todo: Plan) -> None:
    """Carry out `todo`: remove, create folders, write each file atomically (a temporary file in
    its folder, renamed over the old one), set modes."""
    for path in todo.removes:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
    for path in todo.folders:
        os.makedirs(path, mode=0o755, exist_ok=True)
        os.chmod(path, 0o755)
    for member in todo.writes:
        path = os.path.join(dest, member.path)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".dockyard-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(member.data)
            os.chmod(tmp, member.mode)
            os.replace(tmp, path)
        except BaseException:
            if os.path.lexists(tmp):
                os.unlink(tmp)
            raise
    for member in todo.modes:
        os.chmod(os.path.join(dest, member.path), member.mode)
