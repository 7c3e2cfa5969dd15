"""What the bench ran on: CPU, memory, kernel, engine and Ansible versions, load."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _command(args: list[str]) -> str:
    try:
        res = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = res.stdout.strip().splitlines()
    return lines[0] if res.returncode == 0 and lines else "unknown"


def load() -> float:
    """The 1-minute load average."""
    return round(os.getloadavg()[0], 2)


def cpu_times(stat: str = "/proc/stat") -> tuple[float, float]:
    """(busy, steal): CPU-seconds since boot that this machine's processes used, every core (not
    idle, not iowait, not steal), and that the hypervisor gave to other guests (steal)."""
    try:
        fields = Path(stat).read_text(encoding="utf-8").splitlines()[0].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return busy_seconds(fields, ticks), steal_seconds(fields, ticks)


def _ticks(fields: list[str]) -> list[int]:
    """user nice system idle iowait irq softirq steal, from the `cpu` line of /proc/stat ([] for another line)."""
    if not fields or fields[0] != "cpu":
        return []
    return [int(x) for x in fields[1:9]]


def busy_seconds(fields: list[str], ticks_per_second: int) -> float:
    """Busy seconds from the `cpu` line of /proc/stat: every field but idle, iowait and steal."""
    ticks = _ticks(fields)
    if not ticks:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4] - ticks[7]) / ticks_per_second


def steal_seconds(fields: list[str], ticks_per_second: int) -> float:
    """Seconds the hypervisor ran other guests while this one had work (steal), from the `cpu` line."""
    ticks = _ticks(fields)
    return ticks[7] / ticks_per_second if len(ticks) > 7 else 0.0


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe() -> dict[str, str]:
    mem_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "unknown"
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count() or "unknown"),
        "memory": memory,
        "kernel": f"{platform.system()} {platform.release()}",
        "os": _os_release(),
        "docker": _command(["docker", "version", "--format", "{{.Server.Version}}"]),
        "ansible_core": _command(["ansible", "--version"]).replace("ansible ", "").strip("[]"),
        "python": platform.python_version(),
    }


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return "unknown"
