"""The pure parts of the bench: summaries, ratios, targets, and reading ansible-playbook output."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from dockyard_bench.machine import busy_seconds, steal_seconds

_RECAP_LINE = re.compile(
    r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)(?:\s+skipped=(\d+))?", re.M)
_MARK = re.compile(r"BENCH_MARK ([a-z]+)_(start|end) ([0-9]+(?:\.[0-9]+)?)")
# A mark that also carries this machine's `cpu` line of /proc/stat as one token, cpu,<user>,...
# (playbooks/bench_site.yml); the output may fold the line before it.
_MARK_CPU = re.compile(r"BENCH_MARK ([a-z]+)_(start|end) [0-9.]+\s+(cpu(?:,[0-9]+){8,})")


@dataclass(frozen=True)
class Summary:
    median: float
    minimum: float
    maximum: float
    n: int


def summarize(samples: Sequence[float]) -> Summary:
    """Median, min, max and count of a non-empty list of seconds."""
    if not samples:
        raise ValueError("no samples to summarize")
    return Summary(statistics.median(samples), min(samples), max(samples), len(samples))


def ratio(numerator: Summary, denominator: Summary) -> float:
    """Ratio of two medians (e.g. cold converge / shell floor)."""
    if denominator.median <= 0:
        raise ValueError("ratio against a zero median")
    return numerator.median / denominator.median


@dataclass(frozen=True)
class Target:
    """One row of the issue's "Must show": `measured` must stay at or under `limit`.

    `limit` None: a figure the issue asks for without a limit (shown as `figure`). `broken`:
    a condition that fails the target whatever the figure (a warm re-run that changed
    something). `reason`: what the figure is made of, as measured: why it passes or fails.
    """

    name: str
    limit: float | None
    unit: str  # "s" (seconds) or "x" (a ratio)
    measured: float | None  # None: not measured in this run
    reason: str = ""
    broken: str = ""
    figure: str = ""

    @property
    def verdict(self) -> str:
        if self.measured is None and not self.figure:
            return "not measured"
        if self.limit is None:
            return "measured"
        if self.broken:
            return "FAIL"
        return "pass" if self.measured is not None and self.measured <= self.limit else "FAIL"


def recap(output: str) -> dict[str, dict[str, int]]:
    """Host -> counters from the PLAY RECAP of an ansible-playbook run."""
    hosts: dict[str, dict[str, int]] = {}
    tail = output.rsplit("PLAY RECAP", 1)
    if len(tail) != 2:
        return hosts
    for m in _RECAP_LINE.finditer(tail[1]):
        hosts[m.group(1)] = {
            "ok": int(m.group(2)),
            "changed": int(m.group(3)),
            "unreachable": int(m.group(4)),
            "failed": int(m.group(5)),
            "skipped": int(m.group(6) or 0),
        }
    return hosts


def total_changed(counters: dict[str, dict[str, int]]) -> int:
    return sum(c["changed"] for c in counters.values())


def tasks_run(counters: dict[str, dict[str, int]]) -> int:
    """Tasks that ran on the hosts, all hosts together (ok= counts the changed ones too)."""
    return sum(c["ok"] for c in counters.values())


def tasks_skipped(counters: dict[str, dict[str, int]]) -> int:
    """Tasks skipped on the hosts, all hosts together: no round trip, but work on this machine."""
    return sum(c.get("skipped", 0) for c in counters.values())


def marked_span(output: str, name: str) -> float | None:
    """Seconds between the `BENCH_MARK <name>_start` and `<name>_end` lines (None without both)."""
    marks = {(m.group(1), m.group(2)): float(m.group(3)) for m in _MARK.finditer(output)}
    if (name, "start") not in marks or (name, "end") not in marks:
        return None
    return max(0.0, marks[(name, "end")] - marks[(name, "start")])


def marked_cpu(output: str, name: str, ticks_per_second: int) -> tuple[float, float]:
    """(busy, steal) CPU-seconds of the whole machine between the `<name>_start` and `<name>_end`
    marks, from the /proc/stat `cpu` lines they carry ((0, 0) without both): what the span's
    work cost, to take out of a run's CPU as its seconds are taken out of its time."""
    lines = {(m.group(1), m.group(2)): m.group(3).split(",") for m in _MARK_CPU.finditer(output)}
    if (name, "start") not in lines or (name, "end") not in lines:
        return 0.0, 0.0
    start, end = lines[(name, "start")], lines[(name, "end")]
    busy = busy_seconds(end, ticks_per_second) - busy_seconds(start, ticks_per_second)
    steal = steal_seconds(end, ticks_per_second) - steal_seconds(start, ticks_per_second)
    return max(0.0, busy), max(0.0, steal)


def untimed_seconds(output: str) -> float:
    """Seconds between the untimed marks of playbooks/bench_site.yml (0 without both marks)."""
    return marked_span(output, "untimed") or 0.0


def parse_fanout(text: str) -> list[int]:
    """'1,3,6' -> [1, 3, 6]: distinct host counts from 1 to 9, in order."""
    try:
        counts = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    except ValueError as err:
        raise ValueError(f"--fanout '{text}': give host counts such as 1,3,6") from err
    if not counts or counts[0] < 1 or counts[-1] > 9:
        raise ValueError(f"--fanout '{text}': host counts must be from 1 to 9")
    return counts
