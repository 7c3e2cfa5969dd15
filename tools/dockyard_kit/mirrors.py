"""Find the package mirror of each family in the host's apt sources.

Nothing here names a mirror: what the host is configured with is used, and where the host
has no mirror of a family, debootstrap's own default applies (None).
"""

from __future__ import annotations

import re
from pathlib import Path

# Suites of each family the kit may bootstrap or meet in a host's sources.
CODENAMES = {
    "debian": {"buster", "bullseye", "bookworm", "trixie", "forky", "sid"},
    "ubuntu": {"focal", "jammy", "noble", "oracular", "plucky", "questing"},
}


def _family_of(suite: str) -> str | None:
    base = suite.split("-", 1)[0]
    for family, names in CODENAMES.items():
        if base in names:
            return family
    return None


def _entries_one_line(text: str) -> list[tuple[str, list[str]]]:
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue
        # drop an options block: deb [signed-by=...] URI suite comps
        line = re.sub(r"\[[^\]]*\]", " ", line)
        parts = line.split()
        if len(parts) >= 3:
            entries.append((parts[1], [parts[2]]))
    return entries


def _entries_deb822(text: str) -> list[tuple[str, list[str]]]:
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        suites = fields.get("suites", "").split()
        for uri in fields.get("uris", "").split():
            entries.append((uri, suites))
    return entries


def parse_sources(files: dict[str, str]) -> dict[str, str]:
    """Map family -> mirror URI from apt source files (name -> text), first match wins.

    Security archives are skipped: they only carry updates, not a bootstrappable suite.
    """
    found: dict[str, str] = {}
    for name in sorted(files):
        text = files[name]
        entries = _entries_deb822(text) if name.endswith(".sources") else _entries_one_line(text)
        for uri, suites in entries:
            for suite in suites:
                family = _family_of(suite)
                if family is None or suite.endswith("-security") or "security" in uri:
                    continue
                found.setdefault(family, uri.rstrip("/"))
    return found


def host_mirrors(apt_dir: Path = Path("/etc/apt")) -> dict[str, str]:
    files: dict[str, str] = {}
    main = apt_dir / "sources.list"
    if main.is_file():
        files["00-sources.list"] = main.read_text(encoding="utf-8", errors="replace")
    parts = apt_dir / "sources.list.d"
    if parts.is_dir():
        for path in parts.iterdir():
            if path.suffix in (".list", ".sources") and path.is_file():
                files[path.name] = path.read_text(encoding="utf-8", errors="replace")
    return parse_sources(files)
