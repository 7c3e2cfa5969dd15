"""The few docker CLI calls the kit makes.

The CLI (rather than the SDK) is used so that build and pull progress streams to the user's
terminal as it happens, exactly as `docker build` prints it.
"""

from __future__ import annotations

import subprocess
import sys
from collections import deque


def _run(args: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def image_id(ref: str) -> str | None:
    res = _run(["docker", "image", "inspect", "-f", "{{.Id}}", ref])
    return res.stdout.strip() if res.returncode == 0 else None


def image_label(ref: str, label: str) -> str | None:
    res = _run(["docker", "image", "inspect", "-f", f'{{{{index .Config.Labels "{label}"}}}}', ref])
    value = res.stdout.strip() if res.returncode == 0 else ""
    return value if value and value != "<no value>" else None


def pull(ref: str, timeout: float = 600) -> tuple[bool, str]:
    """Try to pull `ref`; return (ok, last lines of output)."""
    try:
        res = _run(["docker", "pull", ref], timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"docker pull {ref} timed out after {timeout:.0f}s"
    return res.returncode == 0, (res.stdout + res.stderr).strip()[-2000:]


def tag(source: str, target: str) -> None:
    subprocess.run(["docker", "tag", source, target], check=True)


def stream(args: list[str], stdin: int | None = None, keep: int = 200) -> tuple[int, list[str]]:
    """Run `args`, echo its output indented, and return (exit code, last `keep` lines)."""
    tail: deque[str] = deque(maxlen=keep)
    with subprocess.Popen(
        args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            tail.append(line.rstrip("\n"))
            sys.stdout.write("      " + line)
            sys.stdout.flush()
        code = proc.wait()
    return code, list(tail)
