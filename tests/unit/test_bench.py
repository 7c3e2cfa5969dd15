"""The bench's pure parts: summaries, ratios, targets, recap and mark parsing, Markdown."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dockyard_bench import report
from dockyard_bench.__main__ import Plan, main, write
from dockyard_bench.runner import Sample
from dockyard_bench.stats import (
    Target,
    parse_fanout,
    ratio,
    recap,
    summarize,
    total_changed,
    untimed_seconds,
)

RECAP = """
TASK [dockyard.lab.mongo : Wait until the server answers] ***********************
ok: [dockyard-bench-1]

PLAY RECAP *********************************************************************
dockyard-bench-1           : ok=60   changed=0    unreachable=0    failed=0    skipped=46   rescued=0    ignored=0
dockyard-bench-2           : ok=61   changed=2    unreachable=0    failed=0    skipped=45   rescued=0    ignored=0
localhost                  : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
"""


def _row(label: str, profile: str, seconds: list[float], hosts: int = 1) -> dict[str, object]:
    samples = [{"seconds": s, "load_before": 1.0, "load_after": 2.5} for s in seconds]
    return {"key": label, "label": label, "hosts": hosts, "profile": profile, "samples": samples}


def test_summary_is_median_min_max_n() -> None:
    s = summarize([30.0, 10.0, 20.0, 100.0])
    assert (s.median, s.minimum, s.maximum, s.n) == (25.0, 10.0, 100.0, 4)
    assert summarize([7.0]).median == 7.0


def test_summary_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        summarize([])


def test_ratio_is_of_medians() -> None:
    assert ratio(summarize([100.0, 120.0, 500.0]), summarize([60.0, 40.0, 50.0])) == pytest.approx(2.4)
    with pytest.raises(ValueError):
        ratio(summarize([1.0]), summarize([0.0]))


@pytest.mark.parametrize(
    ("measured", "verdict"), [(14.9, "pass"), (15.0, "pass"), (15.1, "FAIL"), (None, "not measured")]
)
def test_target_verdict(measured: float | None, verdict: str) -> None:
    assert Target("warm", 15.0, "s", measured).verdict == verdict


def test_recap_reads_every_host_and_counts_changes() -> None:
    hosts = recap(RECAP)
    assert hosts["dockyard-bench-1"] == {"ok": 60, "changed": 0, "unreachable": 0, "failed": 0}
    assert hosts["dockyard-bench-2"]["changed"] == 2
    assert total_changed(hosts) == 2


def test_recap_reads_only_the_last_recap() -> None:
    text = RECAP.replace("changed=2", "changed=9") + RECAP.replace("changed=2", "changed=0")
    assert total_changed(recap(text)) == 0


def test_no_recap_is_empty() -> None:
    assert recap("ERROR! the playbook could not be found") == {}


def test_untimed_span_between_marks() -> None:
    text = "msg: BENCH_MARK untimed_start 1700000000.25\n...\nmsg: BENCH_MARK untimed_end 1700000021.75\n"
    assert untimed_seconds(text) == pytest.approx(21.5)
    assert untimed_seconds("msg: BENCH_MARK untimed_start 1700000000.25\n") == 0.0


@pytest.mark.parametrize(("text", "counts"), [("1,3,6", [1, 3, 6]), ("6, 1,3,3", [1, 3, 6]), ("1", [1])])
def test_fanout_parsing(text: str, counts: list[int]) -> None:
    assert parse_fanout(text) == counts


@pytest.mark.parametrize("text", ["", "0,1", "1,12", "one"])
def test_bad_fanout_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--fanout"):
        parse_fanout(text)


def test_fanout_without_one_host_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--fanout", "3,6"])
    assert "must include 1" in capsys.readouterr().err


def test_markdown_tables() -> None:
    rows = [_row("(1) cold converge", "tuned", [120.0, 110.0, 130.0]), _row("(3) shell floor", "floor", [55.0])]
    settings = [_row("(2) warm", "default", [80.0, 90.0]), _row("(2) warm", "tuned", [60.0])]
    targets = [Target("warm under 15 s", 15.0, "s", 60.0), Target("cold within 1.3x", 1.3, "x", 2.18),
               Target("6 hosts within 2x", 2.0, "x", None)]
    text = report.render(machine={"cpu": "Test CPU", "cores": "2"}, rows=rows, settings_rows=settings,
                         targets=targets, ratios=[("cold / floor", 120.0 / 55.0)], notes=["a note"],
                         command="make bench")
    lines = text.splitlines()
    assert "| (1) cold converge | 1 | tuned | 120.0 s | 110.0 s | 130.0 s | 3 | 1.0→2.5, 1.0→2.5, 1.0→2.5 |" in lines
    assert "| warm under 15 s | 60.0 s | 15.0 s | FAIL |" in lines
    assert "| cold within 1.3x | 2.18x | 1.30x | FAIL |" in lines
    assert "| 6 hosts within 2x | — | 2.00x | not measured |" in lines
    assert "| cold / floor | 2.18x |" in lines
    assert "| tuned | 60.0 s | 60.0 s | 60.0 s | 1 | -29 % |" in lines
    assert "- cpu: Test CPU" in lines
    assert "- a note" in lines


def _sample(seconds: float, changed: int = 0) -> Sample:
    return Sample(seconds, seconds + 20, 20.0, changed, 1.0, 2.0, "2026-01-01T00:00:00Z", "x.log")


def test_results_are_written_and_a_changing_warm_run_is_a_bug(tmp_path: Path) -> None:
    args = argparse.Namespace(out=tmp_path, quick=False, repeats=1, fanout=[1, 6], cold_fanout=False,
                              distro="debian12", argv=[])
    plan = Plan.make([1, 6], cold_fanout=False)
    plan.cold.samples.append(_sample(130.0))
    plan.floor.samples.append(_sample(100.0))
    plan.setup.samples.append(_sample(600.0))
    plan.warm[1].samples.append(_sample(10.0))
    plan.warm[6].samples.append(_sample(25.0, changed=1))
    plan.settings["default"].samples.append(_sample(20.0))
    info = {"cpu": "Test CPU", "cores": "2", "date": "2026-01-01T00:00:00Z", "load before": "1.0"}
    assert write(args, plan, info) is False
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| (2) warm re-run of the whole site, 1 host, under 15 s | 10.0 s | 15.0 s | pass |" in text
    assert "| (1) cold converge within 1.3x of (3) the shell floor | 1.30x | 1.30x | pass |" in text
    assert "| (4) warm re-run on 6 hosts within 2x of 1 host | 2.50x | 2.00x | FAIL |" in text
    assert "BUG: a warm re-run (6 host(s), tuned) reported changed=1" in text
    raw = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert raw["ratios"]["(1) cold converge / (3) shell floor"] == pytest.approx(1.3)
    assert (tmp_path / "bench.png").stat().st_size > 0
