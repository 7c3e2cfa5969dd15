"""results.md (Markdown tables), results.json (raw samples) and bench.png (a chart)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dockyard_bench.stats import Summary, Target, summarize

Row = Mapping[str, Any]  # one measurement of results.json: key, label, hosts, profile, samples


def summary_of(row: Row) -> Summary:
    return summarize([float(s["seconds"]) for s in row["samples"]])


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f} s" if unit == "s" else f"{value:.2f}x"


def measurement_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| measurement | hosts | settings | median | min | max | n | load (1 min) before → after |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        s = summary_of(row)
        loads = [(float(x["load_before"]), float(x["load_after"])) for x in row["samples"]]
        load = ", ".join(f"{b:.1f}→{a:.1f}" for b, a in loads)
        lines.append(
            f"| {row['label']} | {row['hosts']} | {row['profile']} | {s.median:.1f} s | {s.minimum:.1f} s "
            f"| {s.maximum:.1f} s | {s.n} | {load} |"
        )
    return lines


def target_table(targets: Sequence[Target]) -> list[str]:
    lines = ["| target | measured | limit | result |", "|---|---:|---:|---|"]
    for t in targets:
        measured = "—" if t.measured is None else _fmt(t.measured, t.unit)
        lines.append(f"| {t.name} | {measured} | {_fmt(t.limit, t.unit)} | {t.verdict} |")
    return lines


def ratio_table(ratios: Sequence[tuple[str, float]]) -> list[str]:
    lines = ["| ratio of medians | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f}x |" for name, value in ratios]
    return lines


def settings_table(rows: Sequence[Row], baseline: str = "default") -> list[str]:
    """Warm re-runs on one host per Ansible settings profile, against the baseline profile."""
    base = next((summary_of(r) for r in rows if r["profile"] == baseline), None)
    lines = ["| settings | median | min | max | n | vs default |", "|---|---:|---:|---:|---:|---:|"]
    for row in rows:
        s = summary_of(row)
        delta = "—" if base is None or row["profile"] == baseline else f"{(s.median / base.median - 1) * 100:+.0f} %"
        lines.append(f"| {row['profile']} | {s.median:.1f} s | {s.minimum:.1f} s | {s.maximum:.1f} s | {s.n} "
                     f"| {delta} |")
    return lines


def machine_list(info: Mapping[str, str]) -> list[str]:
    return [f"- {key}: {value}" for key, value in info.items()]


def render(
    *,
    machine: Mapping[str, str],
    rows: Sequence[Row],
    settings_rows: Sequence[Row],
    targets: Sequence[Target],
    ratios: Sequence[tuple[str, float]],
    notes: Sequence[str],
    command: str,
) -> str:
    out = ["# `make bench` results", "", f"Command: `{command}`. Method and choices: [README.md](README.md).", ""]
    out += ["## Targets", "", *target_table(targets), ""]
    out += ["## Measurements", "", "Seconds; each figure is the median of the runs (n).", "",
            *measurement_table(rows), ""]
    if ratios:
        out += ["## Ratios", "", *ratio_table(ratios), ""]
    if settings_rows:
        out += ["## Ansible settings (warm re-run, 1 host)", "", *settings_table(settings_rows), ""]
    if notes:
        out += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    out += ["## Machine", "", *machine_list(machine), ""]
    return "\n".join(out)


def chart(rows: Sequence[Row], settings_rows: Sequence[Row], path: str, title: str) -> None:
    """Horizontal bars: medians with min-max whiskers, one bar per measurement."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    every = [*rows, *(r for r in settings_rows if r["profile"] != "tuned")]
    labels = [f"{r['label']}, {r['hosts']} host{'s' if int(r['hosts']) > 1 else ''} ({r['profile']})" for r in every]
    summaries = [summary_of(r) for r in every]
    medians = [s.median for s in summaries]
    errors = [[s.median - s.minimum for s in summaries], [s.maximum - s.median for s in summaries]]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(every) + 1.5))
    ax.barh(range(len(every)), medians, xerr=errors, capsize=3, color="#4c72b0")
    ax.set_yticks(range(len(every)), labels=labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("seconds (median; whiskers: min-max)")
    ax.set_title(title, fontsize=9)
    for i, m in enumerate(medians):
        ax.text(m, i, f" {m:.0f} s", va="center", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
