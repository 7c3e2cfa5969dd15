"""The bench's pure parts: summaries, ratios, issue #15's targets, recap and mark parsing, Markdown."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dockyard_bench import BenchError, machine, report, runner
from dockyard_bench.__main__ import Plan, main, measure, write
from dockyard_bench.runner import (
    TRANSPORTS,
    Measurement,
    Sample,
    transport_options,
    trivial_playbook,
    trivial_tasks_run,
)
from dockyard_bench.stats import (
    Target,
    marked_cpu,
    marked_span,
    parse_fanout,
    ratio,
    recap,
    summarize,
    tasks_run,
    tasks_skipped,
    total_changed,
    untimed_seconds,
)
from dockyard_bench.targets import Inputs, issue_rows

RECAP = """
TASK [dockyard.lab.mongo : Wait until the server answers] ***********************
ok: [dockyard-bench-1]

PLAY RECAP *********************************************************************
dockyard-bench-1           : ok=60   changed=0    unreachable=0    failed=0    skipped=46   rescued=0    ignored=0
dockyard-bench-2           : ok=61   changed=2    unreachable=0    failed=0    skipped=45   rescued=0    ignored=0
localhost                  : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
"""


def _row(label: str, profile: str, seconds: list[float], hosts: int = 1) -> dict[str, object]:
    samples = [{"seconds": s, "wall": 40 * s + 3, "untimed": 3.0, "load_before": 1.0, "load_after": 2.5,
                "tasks": 50, "cpu": 12.0} for s in seconds]
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


def test_a_broken_target_fails_whatever_its_figure() -> None:
    assert Target("warm", 10.0, "s", 4.0, broken="changed=2 in 1 of 3 run(s)").verdict == "FAIL"


def test_a_figure_without_a_limit_is_measured() -> None:
    assert Target("per task", None, "s", None, figure="SSH 0.250 s").verdict == "measured"
    assert Target("per task", None, "s", None).verdict == "not measured"


def test_recap_reads_every_host_and_counts_changes() -> None:
    hosts = recap(RECAP)
    assert hosts["dockyard-bench-1"] == {"ok": 60, "changed": 0, "unreachable": 0, "failed": 0, "skipped": 46}
    assert hosts["dockyard-bench-2"]["changed"] == 2
    assert total_changed(hosts) == 2
    assert tasks_run(hosts) == 122
    assert tasks_skipped(hosts) == 91


def test_recap_reads_only_the_last_recap() -> None:
    text = RECAP.replace("changed=2", "changed=9") + RECAP.replace("changed=2", "changed=0")
    assert total_changed(recap(text)) == 0


def test_no_recap_is_empty() -> None:
    assert recap("ERROR! the playbook could not be found") == {}


def test_cpu_of_the_span_between_marks_that_carry_proc_stat() -> None:
    # user nice system idle iowait irq softirq steal (guest guest_nice), in ticks of 1/100 s.
    # The second mark as the yaml callback folds a long line.
    text = ("msg: BENCH_MARK untimed_start 1700000000.25 cpu,1000,0,500,9000,100,0,0,20,0,0\n...\n"
            "msg: BENCH_MARK untimed_end 1700000021.75\n      cpu,2500,0,900,9500,300,0,100,70,0,0\n")
    busy, steal = marked_cpu(text, "untimed", 100)
    assert busy == pytest.approx((1500 + 400 + 100) / 100)  # idle, iowait and steal are not work
    assert steal == pytest.approx(0.5)
    assert untimed_seconds(text) == pytest.approx(21.5)  # the time still reads with the cpu line


def test_cpu_of_a_span_without_proc_stat_is_nothing() -> None:
    no_stat = "msg: BENCH_MARK untimed_start 1.0\nmsg: BENCH_MARK untimed_end 2.0\n"
    assert marked_cpu(no_stat, "untimed", 100) == (0.0, 0.0)
    only_start = "msg: BENCH_MARK untimed_start 1.0 cpu,1,0,1,1,1,0,0,0\n"
    assert marked_cpu(only_start, "untimed", 100) == (0.0, 0.0)


def test_untimed_span_between_marks() -> None:
    text = "msg: BENCH_MARK untimed_start 1700000000.25\n...\nmsg: BENCH_MARK untimed_end 1700000021.75\n"
    assert untimed_seconds(text) == pytest.approx(21.5)
    assert untimed_seconds("msg: BENCH_MARK untimed_start 1700000000.25\n") == 0.0
    both = text + "msg: BENCH_MARK tasks_start 1700000030.5\nmsg: BENCH_MARK tasks_end 1700000040.5\n"
    assert marked_span(both, "tasks") == pytest.approx(10.0)
    assert untimed_seconds(both) == pytest.approx(21.5)
    assert marked_span(text, "tasks") is None


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


def test_trivial_playbook_marks_its_tasks_after_opening_the_connection() -> None:
    text = trivial_playbook(3)
    assert text.count("ansible.builtin.ping:") == 4
    assert "  become: true" in text and "  gather_facts: false" in text
    opened, start, end = (text.index(x) for x in ("Open the connection", "tasks_start", "tasks_end"))
    assert opened < start < text.index("Ping 1") < text.index("Ping 3") < end
    assert 'msg: "BENCH_MARK tasks_start {{ now(utc=true).timestamp() }}"' in text
    # Once, whatever the number of hosts: one span from the opening ping to the last.
    assert text.count("      run_once: true") == 2
    with pytest.raises(ValueError):
        trivial_playbook(0)


def test_trivial_tasks_run_counts_each_hosts_pings_and_the_marks_once() -> None:
    assert trivial_tasks_run(40, 1) == 43
    assert trivial_tasks_run(40, 6) == 6 * 41 + 2


def test_transports_override_the_connection_or_the_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    args, env = transport_options("docker_api", "/tmp/cp")
    assert args == ["-e", "ansible_connection=community.docker.docker_api"]
    assert env == {"ANSIBLE_SSH_CONTROL_PATH_DIR": "/tmp/cp"}
    assert transport_options("docker_cli", "/x")[0] == ["-e", "ansible_connection=community.docker.docker"]
    assert transport_options("ssh", "/x") == ([], {"ANSIBLE_SSH_CONTROL_PATH_DIR": "/x"})
    monkeypatch.setattr(runner, "mitogen_strategies", lambda: "/m/plugins/strategy")
    args, env = transport_options("mitogen", "/x")
    assert args == [] and env["ANSIBLE_STRATEGY"] == "mitogen_linear"
    assert env["ANSIBLE_STRATEGY_PLUGINS"] == "/m/plugins/strategy"
    monkeypatch.setattr(runner, "mitogen_strategies", lambda: None)
    with pytest.raises(BenchError, match=r"requirements-fast\.txt"):
        transport_options("mitogen", "/x")
    with pytest.raises(ValueError):
        transport_options("telnet", "/x")


def test_busy_seconds_leave_out_idle_iowait_and_steal() -> None:
    fields = ["cpu", "100", "10", "50", "1000", "40", "5", "5", "30", "0", "0"]
    assert machine.busy_seconds(fields, 100) == pytest.approx(1.7)
    assert machine.steal_seconds(fields, 100) == pytest.approx(0.3)
    assert machine.busy_seconds(["intr", "1"], 100) == 0.0
    assert machine.steal_seconds(["intr", "1"], 100) == 0.0
    busy, steal = machine.cpu_times()
    assert busy > 0 and steal >= 0


def _sample(seconds: float, changed: int = 0, tasks: int = 50, cpu: float = 0.0, skipped: int = 0) -> Sample:
    return Sample(seconds, seconds + 20, 20.0, changed, 1.0, 2.0, "2026-01-01T00:00:00Z", "x.log", tasks, cpu,
                  skipped)


def _measured(m: Measurement, *samples: Sample) -> Measurement:
    m.samples.extend(samples)
    return m


def _inputs(warm_ssh: list[Sample], cold: float = 130.0, floor: float = 100.0) -> Inputs:
    per_task = {t: _measured(Measurement(t, "(1) per task", 1, t), _sample(v))
                for t, v in {"docker_api": 0.9, "docker_cli": 0.7, "ssh": 0.25, "mitogen": 0.05}.items()}
    one = _measured(Measurement("w1", "(2)", 1, "ssh"), *warm_ssh)
    return Inputs(per_task=per_task,
                  warm={"ssh": one, "mitogen": _measured(Measurement("wm", "(3)", 1, "mitogen"), _sample(5.0))},
                  fanout={1: one, 6: _measured(Measurement("w6", "(5)", 6, "ssh"), _sample(30.0, cpu=60.0))},
                  cold=_measured(Measurement("c", "(4)", 1, "ssh"), _sample(cold, changed=40, tasks=90, cpu=150.0)),
                  floor=_measured(Measurement("f", "(4)", 1, "floor"), _sample(floor, cpu=50.0)), cores=2)


def test_issue_rows_pass_and_fail_with_their_measured_reasons() -> None:
    per_task, warm, mitogen, cold, fanout = issue_rows(_inputs([_sample(12.0, tasks=40, cpu=12.0)] * 3))
    assert per_task.verdict == "measured"
    assert per_task.figure == "Docker API 0.900 s, Docker CLI 0.700 s, SSH 0.250 s, Mitogen 0.050 s"
    assert (warm.measured, warm.verdict) == (12.0, "FAIL")
    assert "over by 2.0 s" in warm.reason
    assert "40 tasks ran (PLAY RECAP ok=); at 0.250 s per task over SSH (1) that is ≤ 10.0 s" in warm.reason
    assert "1.00 cores" in warm.reason and "changed=0 in every run" in warm.reason
    assert (mitogen.measured, mitogen.verdict) == (5.0, "pass")
    assert cold.measured == pytest.approx(1.3) and cold.verdict == "pass"
    assert "+30.0 s, 1.5x allows +50.0 s" in cold.reason and "40 of them changed" in cold.reason
    assert "busy 150 CPU-s during the converge, 50 during the floor" in cold.reason
    assert fanout.measured == pytest.approx(2.5) and fanout.verdict == "pass"
    # 60 CPU-seconds of work on 2 cores cannot take under 30 s: 2.5x the 12 s of one host.
    assert "≥ 30.0 s = 2.50x one host" in fanout.reason


def test_warm_rows_name_the_start_and_the_skipped_tasks() -> None:
    inputs = _inputs([_sample(12.0, tasks=40, cpu=12.0, skipped=30)] * 3)
    inputs.start = _measured(Measurement("start", "start", 0, "controller"), _sample(3.0), _sample(3.4), _sample(2.9))
    warm = issue_rows(inputs)[1]
    assert "3.0 s of it is ansible-playbook's own start" in warm.reason
    assert "40 tasks ran (PLAY RECAP ok=) and 30 were skipped (no round trip, but work on this machine)" \
        in warm.reason


def test_rows_name_the_time_the_hypervisor_took() -> None:
    stolen = Sample(12.0, 32.0, 20.0, 0, 1.0, 2.0, "2026-01-01T00:00:00Z", "x.log", 40, 12.0, steal=7.0)
    inputs = _inputs([stolen] * 3)
    warm, fanout = issue_rows(inputs)[1], issue_rows(inputs)[4]
    assert "the hypervisor gave 7 CPU-s to other guests (steal), time this work waited" in warm.reason
    # No steal recorded (the 6-host runs here, or results from before it was): nothing said.
    assert "hypervisor" not in fanout.reason
    assert "hypervisor" not in issue_rows(_inputs([_sample(12.0)] * 3))[1].reason


def test_the_fan_out_row_gives_ansibles_own_fan_out_for_reference() -> None:
    inputs = _inputs([_sample(12.0, tasks=40, cpu=12.0)] * 3)
    assert "for reference" not in issue_rows(inputs)[4].reason  # not measured: nothing said
    inputs.per_task_fan = _measured(Measurement("pf", "(5) reference: per task", 6, "ssh"), _sample(0.8),
                                    _sample(0.9), _sample(0.85))
    fanout = issue_rows(inputs)[4]
    assert ("for reference, a task that does nothing (`ping`, 40 in a row) took 0.850 s on 6 hosts at once "
            "against 0.250 s on 1 host (3.40x)") in fanout.reason
    assert fanout.measured == pytest.approx(2.5)  # the reference changes no verdict
    inputs.per_task_fan = _measured(Measurement("pf", "(5) reference: per task", 3, "ssh"), _sample(0.5))
    assert "for reference" not in issue_rows(inputs)[4].reason  # another host count than the row's


def test_a_warm_rerun_that_changes_fails_its_target() -> None:
    warm = issue_rows(_inputs([_sample(5.0), _sample(6.0, changed=3), _sample(7.0)]))[1]
    assert warm.verdict == "FAIL" and warm.broken == "changed=3 in 1 of 3 run(s)"


def test_issue_rows_not_measured() -> None:
    inputs = _inputs([_sample(5.0)])
    inputs.floor.samples.clear()
    inputs.per_task["docker_cli"].samples.clear()
    inputs = Inputs(per_task=inputs.per_task, warm=inputs.warm, fanout={1: inputs.fanout[1]}, cold=inputs.cold,
                    floor=inputs.floor, cores=2)
    per_task, _, _, cold, fanout = issue_rows(inputs)
    assert "not measured: Docker CLI" in per_task.reason
    assert cold.verdict == "not measured"
    assert fanout.verdict == "not measured" and fanout.reason == "--fanout has no 6"


def test_markdown_tables() -> None:
    rows = [_row("(4) cold converge", "ssh", [120.0, 110.0, 130.0]), _row("(4) shell floor", "floor", [55.0])]
    cold_samples = rows[0]["samples"]
    assert isinstance(cold_samples, list)
    for sample, steal in zip(cold_samples, [4.0, 6.0, 9.0], strict=True):
        sample["steal"] = steal
    per_task = [_row("(1) per task", "ssh", [0.25, 0.3]), _row("(1) per task", "mitogen", [0.05])]
    targets = [Target("warm ≤ 10 s", 10.0, "s", 60.0, reason="over by 50.0 s"),
               Target("cold within 1.5x", 1.5, "x", 2.18), Target("6 hosts within 2.5x", 2.5, "x", None),
               Target("per task", None, "s", None, "table below", figure="SSH 0.250 s")]
    text = report.render(machine={"cpu": "Test CPU", "cores": "2"}, rows=rows, per_task_rows=per_task,
                         transport_names=TRANSPORTS, per_task_tasks=40, targets=targets,
                         ratios=[("cold / floor", 120.0 / 55.0)], notes=["a note"], command="make bench")
    lines = text.splitlines()
    assert ("| (4) cold converge | 1 | ssh | 120.0 s | 110.0 s | 130.0 s | 3 | 50 | 12 | 6 "
            "| 1.0→2.5, 1.0→2.5, 1.0→2.5 |") in lines
    # A result written before steal was recorded shows none, not 0.
    assert "| (4) shell floor | 1 | floor | 55.0 s | 55.0 s | 55.0 s | 1 | 50 | 12 | - | 1.0→2.5 |" in lines
    assert "| warm ≤ 10 s | 60.0 s | 10.0 s | FAIL | over by 50.0 s |" in lines
    assert "| cold within 1.5x | 2.18x | 1.50x | FAIL | — |" in lines
    assert "| 6 hosts within 2.5x | — | 2.50x | not measured | — |" in lines
    assert "| per task | SSH 0.250 s | — | measured | table below |" in lines
    assert ("| SSH, ControlPersist + pipelining (stock Ansible) | 1 | 0.275 s | 0.250 s | 0.300 s | 2 | 11.0 s "
            "| 14.0 s | 1.0→2.5, 1.0→2.5 |") in lines
    assert "| cold / floor | 2.18x |" in lines
    assert "- cpu: Test CPU" in lines
    assert "- a note" in lines


def test_results_are_written_and_a_changing_warm_run_is_a_bug(tmp_path: Path) -> None:
    args = argparse.Namespace(out=tmp_path, quick=False, repeats=1, fanout=[1, 6], cold_fanout=False,
                              distro="debian12", argv=[])
    plan = Plan.make([1, 6], cold_fanout=False)
    plan.cold.samples.append(_sample(130.0))
    plan.floor.samples.append(_sample(100.0))
    plan.setup.samples.append(_sample(600.0))
    plan.warm[1].samples.append(_sample(10.0))
    plan.warm[6].samples.append(_sample(25.0, changed=1))
    plan.warm_mitogen.samples.append(_sample(7.0))
    plan.per_task["ssh"].samples.append(_sample(0.25))
    plan.per_task_fan.samples.append(_sample(0.8))
    plan.start.samples.append(_sample(3.0))
    info = {"cpu": "Test CPU", "cores": "2", "date": "2026-01-01T00:00:00Z", "load before": "1.0"}
    assert write(args, plan, info) is False
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| (2) warm re-run of the whole site, 1 host, stock Ansible over SSH: ≤ 10 s, changed=0 | 10.0 s " in text
    assert "| (3) the same with Mitogen: ≤ 6 s, changed=0 | 7.0 s | 6.0 s | FAIL | over by 1.0 s" in text
    assert "| (4) cold converge of the whole site within 1.5x the shell floor (bench/floor.sh) | 1.30x | 1.50x | pass" \
        in text
    assert "| (5) warm re-run on 6 hosts within 2.5x one host (SSH) | 2.50x | 2.50x | pass" in text
    assert "not measured: Docker API, Docker CLI, Mitogen" in text
    assert "BUG: a warm re-run (6 host(s), ssh) reported changed=1" in text
    assert "3.0 s of it is ansible-playbook's own start" in text
    assert "| ansible-playbook's start (--syntax-check) | 0 | controller | 3.0 s |" in text
    raw = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert raw["ratios"]["(4) cold converge / shell floor"] == pytest.approx(1.3)
    assert raw["ratios"]["(5) reference: 40 trivial tasks, per task, 6 hosts / 1 host (SSH)"] == pytest.approx(3.2)
    assert "| SSH, ControlPersist + pipelining (stock Ansible) | 6 | 0.800 s |" in text
    assert "took 0.800 s on 6 hosts at once against 0.250 s on 1 host (3.20x)" in text
    assert [t["verdict"] for t in raw["targets"]] == ["measured", "pass", "FAIL", "pass", "pass"]
    assert (tmp_path / "bench.png").stat().st_size > 0
    assert main(["--replot", "--out", str(tmp_path)]) == 0


class _CountingRunner:
    """Stands in for Runner in measure(): records the hosts it starts and the runs it times."""

    def __init__(self) -> None:
        self.fresh: list[int] = []
        self.runs: list[str] = []

    def _sample(self, name: str) -> Sample:
        self.runs.append(name)
        return _sample(1.0)

    def fresh_hosts(self, count: int) -> None:
        self.fresh.append(count)

    def ansible(self, name: str, transport: str, limit: list[str] | None = None) -> Sample:
        return self._sample(name)

    def floor(self, host: str) -> Sample:
        return self._sample("floor")

    def per_task(self, name: str, transport: str, hosts: list[str]) -> Sample:
        return self._sample(f"{name} on {len(hosts)}")

    def start(self, name: str) -> Sample:
        return self._sample(name)

    def save_contexts(self, host: str) -> None:
        pass

    def engine_version(self, host: str) -> str:
        return "29.0.0"


@pytest.mark.parametrize(("fanout", "fresh", "setups"), [([1], [1, 1, 1], 0), ([1, 6], [1, 1, 1, 6], 1)])
def test_a_bench_without_fan_out_sets_up_no_fan_out_hosts(
    tmp_path: Path, fanout: list[int], fresh: list[int], setups: int
) -> None:
    args = argparse.Namespace(out=tmp_path, quick=False, repeats=1, fanout=fanout, cold_fanout=False,
                              distro="debian12", argv=[])
    fake = _CountingRunner()
    info = {"cores": "2", "cpu": "Test CPU", "date": "2026-01-01T00:00:00Z", "load before": "1.0"}
    measure(args, fake, Plan.make(fanout, cold_fanout=False), info)  # type: ignore[arg-type]
    assert fake.fresh == fresh
    assert len([r for r in fake.runs if r.startswith("setup-")]) == setups
    # Each fan-out round also runs the trivial tasks on all its hosts (row (5)'s reference).
    assert len([r for r in fake.runs if r.startswith("per-task-ssh-6hosts-") and r.endswith(" on 6")]) == setups
    assert all(r.endswith(" on 1") for r in fake.runs if r.startswith("per-task-") and "hosts" not in r)


def test_chart_writes_each_median_past_its_whisker() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [_row("(2) warm re-run", "ssh", [5.4, 6.1, 8.7]), _row("(4) cold converge", "ssh", [86.0, 93.3, 94.5])]
    fig, ax = plt.subplots()
    report._bars(ax, rows, ["warm", "cold"], "seconds", "{:.1f} s")
    texts = {t.get_text().strip(): t.get_position()[0] for t in ax.texts}
    plt.close(fig)
    assert texts == {"6.1 s": 8.7, "93.3 s": 94.5}
    assert ax.get_xlim()[1] > 94.5
