"""Why a Molecule run failed, in a few lines: what scripts/molecule-matrix.sh prints last.

A scenario's log is hundreds of lines, printed whole when the run ends, long before the
matrix's summary; a CI page that shows only the end of the output shows the summary and not
the cause. This reads the log back and keeps the lines that say what failed: pytest's short
summary and the file:line of each failed assertion, Ansible's `fatal:`/`failed:` results with
their message, and Molecule's own CRITICAL/ERROR lines (the step that failed, the tasks that
broke idempotence).

Molecule prints a command's output in a box (`│ ` in front of each line) folded at 80
columns, a folded line going on indented by two spaces: those are joined again here.

    python -m dockyard_testing.digest .cache/molecule/docker-ubuntu2404.log [--lines 12]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BOXED = re.compile(r"^ *│ ?(.*)$")
_BORDER = re.compile(r"^ *[┌└]")
_KEEP = re.compile(
    r"^FAILED (?!- RETRYING)\S"  # pytest's short summary
    r"|^ERROR\s"  # pytest's errors, Molecule's failed step
    r"|^CRITICAL\s"  # Molecule: verifier failed, idempotence failed, Ansible's return code
    r"|^\* \["  # Molecule: a task that changed on the idempotence run
    r"|^(?:fatal|failed): \["  # Ansible: a failed task (with its message, joined)
    r"|^\S+\.py:\d+: \w+$"  # pytest: where a failed test stopped, and why
)
_LEVEL = re.compile(r"^(?:CRITICAL|ERROR)\s+")
_TASK = re.compile(r"^TASK \[(.+?)\]")
_RESULT = re.compile(r"^((?:fatal|failed): \[[^\]]+\]).*?=>\s*(.*?)(?:\bmsg: (.*))?$")
# Printed by every run (Molecule looks for a default scenario this project does not have).
_NOISE = re.compile(r"^CRITICAL 'molecule/default/molecule\.yml' glob failed")


def plain_lines(text: str) -> list[str]:
    """The log without colours and box borders, each folded line joined back into one."""
    lines: list[str] = []
    boxed_before = False
    for raw in _ANSI.sub("", text).splitlines():
        if _BORDER.match(raw):
            boxed_before = False
            continue
        boxed = _BOXED.match(raw)
        if boxed is None:
            lines.append(raw.rstrip())
            boxed_before = False
            continue
        body = boxed.group(1).rstrip()
        if boxed_before and body.startswith("  ") and lines and lines[-1]:
            lines[-1] = f"{lines[-1]} {body.strip()}"
        else:
            lines.append(body)
        boxed_before = True
    return lines


def failure_digest(text: str, limit: int = 12, width: int = 300) -> list[str]:
    """At most `limit` lines of a Molecule log that say what failed, each cut to `width`
    characters; the last line says how many more there were. Empty when none matched."""
    kept: list[str] = []
    task = ""
    for line in plain_lines(text):
        header = _TASK.match(line)
        if header:
            task = header.group(1)
        if not _KEEP.match(line) or _NOISE.match(line):
            continue
        result = _RESULT.match(line)
        if result:
            # Which task, and its message: the fields before `msg` (changed, cmd, ...) say little.
            line = f"{result.group(1)} in [{task}]: {result.group(3) or result.group(2)}"
        line = line if len(line) <= width else line[: width - 3] + "..."
        # Molecule says some things twice, as CRITICAL and again as ERROR.
        if _LEVEL.sub("", line) not in {_LEVEL.sub("", seen) for seen in kept}:
            kept.append(line)
    if len(kept) <= limit:
        return kept
    return [*kept[: limit - 1], f"... and {len(kept) - limit + 1} more such lines in the log"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the lines of a Molecule log that say what failed.")
    parser.add_argument("log", type=Path)
    parser.add_argument("--lines", type=int, default=12, help="at most this many lines (default 12)")
    args = parser.parse_args(argv)
    digest = failure_digest(args.log.read_text(errors="replace"), args.lines)
    for line in digest or ["(no line of the log says what failed: read it whole)"]:
        print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
