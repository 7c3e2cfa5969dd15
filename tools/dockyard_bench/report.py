"""results.md (Markdown tables), results.json (raw samples) and bench.png (a chart)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockyard_bench.stats import Summary, Target, summarize

Row = Mapping[str, Any]  # one measurement of results.json: key, label, hosts, profile, samples


def summary_of(row: Row, attr: str = "seconds") -> Summary:
    return summarize([float(s[attr]) for s in row["samples"]])


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f} s" if unit == "s" else f"{value:.2f}x"


def _loads(row: Row) -> str:
    return ", ".join(f"{float(x['load_before']):.1f}→{float(x['load_after']):.1f}" for x in row["samples"])


def measurement_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| measurement | hosts | transport | median | min | max | n | tasks | CPU-s | steal s "
        "| load (1 min) before → after |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        s = summary_of(row)
        tasks = summary_of(row, "tasks").median if all("tasks" in x for x in row["samples"]) else 0
        cpu = summary_of(row, "cpu").median if all("cpu" in x for x in row["samples"]) else 0
        # Results written before steal was recorded have none: shown as "-", not as 0.
        steal = f"{summary_of(row, 'steal').median:.0f}" if all("steal" in x for x in row["samples"]) else "-"
        lines.append(
            f"| {row['label']} | {row['hosts']} | {row['profile']} | {s.median:.1f} s | {s.minimum:.1f} s "
            f"| {s.maximum:.1f} s | {s.n} | {tasks:.0f} | {cpu:.0f} | {steal} | {_loads(row)} |"
        )
    return lines


def per_task_table(rows: Sequence[Row], names: Mapping[str, str], tasks: int) -> list[str]:
    """Seconds per trivial task for each transport, with the span it is taken from and the run's wall."""
    lines = [
        f"| transport | hosts | per task | min | max | n | {tasks} tasks | whole run (wall) "
        "| load (1 min) before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        s, wall = summary_of(row), summary_of(row, "wall")
        lines.append(
            f"| {names.get(row['profile'], row['profile'])} | {row['hosts']} | {s.median:.3f} s | {s.minimum:.3f} s "
            f"| {s.maximum:.3f} s | {s.n} | {s.median * tasks:.1f} s | {wall.median:.1f} s | {_loads(row)} |"
        )
    return lines


def target_table(targets: Sequence[Target]) -> list[str]:
    lines = ["| issue #15 target | measured | limit | result | why (measured) |", "|---|---:|---:|---|---|"]
    for t in targets:
        measured = t.figure or ("—" if t.measured is None else _fmt(t.measured, t.unit))
        limit = "—" if t.limit is None else _fmt(t.limit, t.unit)
        why = "; ".join(x for x in (t.broken, t.reason) if x) or "—"
        lines.append(f"| {t.name} | {measured} | {limit} | {t.verdict} | {why} |")
    return lines


def ratio_table(ratios: Sequence[tuple[str, float]]) -> list[str]:
    lines = ["| ratio of medians | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f}x |" for name, value in ratios]
    return lines


def machine_list(info: Mapping[str, str]) -> list[str]:
    return [f"- {key}: {value}" for key, value in info.items()]


def render(
    *,
    machine: Mapping[str, str],
    rows: Sequence[Row],
    per_task_rows: Sequence[Row],
    transport_names: Mapping[str, str],
    per_task_tasks: int,
    targets: Sequence[Target],
    ratios: Sequence[tuple[str, float]],
    notes: Sequence[str],
    command: str,
) -> str:
    out = ["# `make bench` results", "", f"Command: `{command}`. Method and choices: [README.md](README.md).", ""]
    out += ["## Targets", "", *target_table(targets), ""]
    if per_task_rows:
        out += ["## (1) Per-task cost by transport", "",
                f"{per_task_tasks} `ping` tasks with `become` on one converged bench host, after one that opens "
                f"the connection: the seconds between a mark before them and a mark after them, over "
                f"{per_task_tasks}. The row with more hosts (row (5)'s reference) runs the same play on the "
                "fan-out's converged hosts at once, over SSH.",
                "", *per_task_table(per_task_rows, transport_names, per_task_tasks), ""]
    out += ["## Measurements", "",
            "Seconds; each figure is the median of the runs (n). tasks: PLAY RECAP ok= over all hosts (median); "
            "CPU-s: CPU-seconds this machine's processes used during the run, every process (median); "
            "steal s: CPU-seconds the hypervisor gave to other guests meanwhile (/proc/stat's steal, median), "
            "time in which this machine's work waited.", "",
            *measurement_table(rows), ""]
    if ratios:
        out += ["## Ratios", "", *ratio_table(ratios), ""]
    if notes:
        out += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    out += ["## Machine", "", *machine_list(machine), ""]
    return "\n".join(out)


def _bars(ax: Any, rows: Sequence[Row], labels: Sequence[str], unit: str, fmt: str) -> None:
    summaries = [summary_of(r) for r in rows]
    medians = [s.median for s in summaries]
    errors = [[s.median - s.minimum for s in summaries], [s.maximum - s.median for s in summaries]]
    ax.barh(range(len(rows)), medians, xerr=errors, capsize=3, color="#4c72b0")
    ax.set_yticks(range(len(rows)), labels=labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{unit} (median; whiskers: min-max)", fontsize=8)
    # Each median is written past its whisker, not over it; the axis leaves room for the text.
    maxima = [s.maximum for s in summaries]
    ax.set_xlim(0, max(maxima, default=0) * 1.15 or 1)
    for i, (m, top) in enumerate(zip(medians, maxima, strict=True)):
        ax.text(top, i, "  " + fmt.format(m), va="center", fontsize=7)


def chart(rows: Sequence[Row], per_task_rows: Sequence[Row], path: str, title: str) -> None:
    """Horizontal bars, medians with min-max whiskers: the site's runs, then the per-task costs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [p for p in ((rows, "seconds"), (per_task_rows, "seconds per task")) if p[0]]
    heights = [len(p[0]) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 0.45 * sum(heights) + 1.5 * len(panels)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (these, unit) in zip(axes[:, 0], panels, strict=True):
        if unit == "seconds":
            labels = [f"{r['label']}, {r['hosts']} host{'s' if int(r['hosts']) > 1 else ''} ({r['profile']})"
                      for r in these]
            _bars(ax, these, labels, unit, "{:.1f} s")
        else:
            _bars(ax, these, [f"{r['label']}, {r['profile']}, {r['hosts']} host{'s' if int(r['hosts']) > 1 else ''}"
                              for r in these], unit, "{:.3f} s")
    axes[0, 0].set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
