"""Bench hosts, timed Ansible runs (the site, and trivial tasks per transport) and timed shell-floor runs.

Untimed: starting and removing hosts, waiting for systemd, copying the kit's images in (for
Ansible, the span between the BENCH_MARK lines of playbooks/bench_site.yml is taken out).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dockyard_bench import BenchError, machine
from dockyard_bench.stats import (
    marked_cpu,
    marked_span,
    recap,
    tasks_run,
    tasks_skipped,
    total_changed,
    untimed_seconds,
)

REPO = Path(__file__).resolve().parents[2]
INVENTORY = "inventory/bench"
HOST_PREFIX = "dockyard-bench-"
KIT_IMAGES = ["dockyard/python:3.11-slim", "dockyard/redis:7", "dockyard/mongo:7.0"]
CONTEXTS = {"demo_app": "/opt/demo_app", "mongo-perso": "/opt/dockyard/mongo-perso", "static_site": "/opt/static_site"}
RUN_TIMEOUT = 1800
# Trivial tasks timed in the per-task run (after one that opens the connection).
PER_TASK_TASKS = 40

# How Ansible reaches a bench host. inventory/bench reaches it over SSH as the lab does
# (ansible.cfg: ControlPersist, pipelining); the Docker transports override the connection
# (the container's name is the inventory hostname); Mitogen replaces the strategy.
TRANSPORTS: dict[str, str] = {
    "docker_api": "Docker API (community.docker.docker_api)",
    "docker_cli": "Docker CLI (community.docker.docker)",
    "ssh": "SSH, ControlPersist + pipelining (stock Ansible)",
    "mitogen": "SSH + Mitogen for Ansible (mitogen_linear)",
}
_CONNECTION = {"docker_api": "community.docker.docker_api", "docker_cli": "community.docker.docker"}


def mitogen_strategies() -> str | None:
    """The folder of Mitogen's strategy plugins in this Python, or None when it is not installed."""
    spec = importlib.util.find_spec("ansible_mitogen")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(next(iter(spec.submodule_search_locations))) / "plugins" / "strategy")


def transport_options(transport: str, control_dir: str) -> tuple[list[str], dict[str, str]]:
    """ansible-playbook arguments and environment for a transport.

    Every run gets its own SSH control folder: each run opens its connection (ControlPersist
    then serves the run's later tasks), as a re-run a few minutes later does.
    """
    if transport not in TRANSPORTS:
        raise ValueError(f"unknown transport {transport!r}")
    env = {"ANSIBLE_SSH_CONTROL_PATH_DIR": control_dir}
    args = ["-e", f"ansible_connection={_CONNECTION[transport]}"] if transport in _CONNECTION else []
    if transport == "mitogen":
        strategies = mitogen_strategies()
        if strategies is None:
            raise BenchError("Mitogen is not installed: pip install -r requirements-fast.txt (make bench does it)")
        env |= {"ANSIBLE_STRATEGY": "mitogen_linear", "ANSIBLE_STRATEGY_PLUGINS": strategies}
    return args, env


def trivial_playbook(tasks: int) -> str:
    """A play on docker_hosts with become: one `ping` that opens the connection, then `tasks` pings
    (a round trip each, no work on the host) between two BENCH_MARK lines.

    The marks run once (on the first host): the linear strategy starts a task when every host has
    ended the one before, so on several hosts the span still runs from the end of the opening
    ping on all of them to the end of the last ping on all of them.
    """
    if tasks < 1:
        raise ValueError("a trivial playbook needs at least one task")
    mark = ('      ansible.builtin.debug:\n        msg: "BENCH_MARK tasks_{} {{{{ now(utc=true).timestamp() }}}}"\n'
            '      run_once: true')
    lines = ["---", f"# Written by tools/dockyard_bench: {tasks} trivial tasks, the per-task cost of a transport.",
             f"- name: Run {tasks} trivial tasks", "  hosts: docker_hosts", "  gather_facts: false",
             "  become: true", "  tasks:", "    - name: Open the connection", "      ansible.builtin.ping:",
             "    - name: Mark the start", mark.format("start")]
    for i in range(1, tasks + 1):
        lines += [f"    - name: Ping {i}", "      ansible.builtin.ping:"]
    lines += ["    - name: Mark the end", mark.format("end")]
    return "\n".join(lines) + "\n"


def trivial_tasks_run(tasks: int, hosts: int) -> int:
    """PLAY RECAP ok= over all hosts of trivial_playbook(tasks) on `hosts` hosts: each host's pings
    (the opening one and `tasks`), and the two marks, which run once."""
    return hosts * (tasks + 1) + 2


@dataclass
class Sample:
    seconds: float  # the timed figure (seconds per task for a per-task sample)
    wall: float  # the whole command, untimed setup included
    untimed: float  # taken out of wall (a per-task sample: Ansible's start, the connection, the rest)
    changed: int
    load_before: float
    load_after: float
    started: str
    log: str
    tasks: int = 0  # tasks that ran on the hosts (PLAY RECAP ok=, all hosts)
    cpu: float = 0.0  # CPU-seconds this machine was busy during the run (every process)
    skipped: int = 0  # tasks skipped (PLAY RECAP skipped=, all hosts): no round trip, controller work
    steal: float = 0.0  # CPU-seconds the hypervisor gave to other guests during the run (not in cpu)


@dataclass
class Measurement:
    key: str
    label: str
    hosts: int
    profile: str  # the transport (TRANSPORTS), or bench/floor.sh
    samples: list[Sample] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]


def host_names(count: int) -> list[str]:
    return [f"{HOST_PREFIX}{i}" for i in range(1, count + 1)]


@dataclass
class _Timed:
    out: str
    wall: float
    cpu: float
    load_before: float
    load_after: float
    started: str
    steal: float = 0.0


class Runner:
    def __init__(self, distro: str, logs: Path) -> None:
        self.distro = distro
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.contexts = logs.parent / "contexts"
        self.playbooks = logs.parent / "playbooks"
        # Short: an SSH control socket's path must stay under about 100 characters.
        self.control = Path(tempfile.mkdtemp(prefix="dockyard-bench-cp-"))
        self._count = 0

    # -- helpers --------------------------------------------------------------
    def _log(self, name: str) -> Path:
        self._count += 1
        return self.logs / f"{self._count:03d}-{name}.log"

    def _run(self, args: list[str], log: Path, env: dict[str, str] | None = None,
             stdin: Path | None = None) -> str:
        full_env = {**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1", "PY_COLORS": "0",
                    "ANSIBLE_STDOUT_CALLBACK": "default", **(env or {})}
        with open(stdin, "rb") if stdin else open(os.devnull, "rb") as fin:
            try:
                res = subprocess.run(args, cwd=REPO, env=full_env, stdin=fin, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, timeout=RUN_TIMEOUT, check=False)
            except subprocess.TimeoutExpired as err:
                raise BenchError(f"{' '.join(args)}: timed out after {RUN_TIMEOUT}s (log: {log})") from err
        log.write_text(res.stdout, encoding="utf-8")
        if res.returncode != 0:
            last = "\n    ".join(res.stdout.strip().splitlines()[-15:])
            raise BenchError(f"{' '.join(args)} failed (exit {res.returncode}); log: {log}\n    {last}")
        return res.stdout

    def _timed(self, run: Callable[[], str]) -> _Timed:
        """Run `run` with the clock, the machine's CPU counter and its load read around it."""
        before, started, (cpu0, steal0) = machine.load(), machine.now(), machine.cpu_times()
        t0 = time.monotonic()
        out = run()
        wall = time.monotonic() - t0
        cpu1, steal1 = machine.cpu_times()
        return _Timed(out, wall, cpu1 - cpu0, before, machine.load(), started, steal1 - steal0)

    def _playbook(self, args: list[str], log: Path, transport: str) -> _Timed:
        """One timed ansible-playbook run over `transport`, with its own SSH control folder."""
        control = tempfile.mkdtemp(prefix=f"{self._count:03d}-", dir=self.control)
        extra, env = transport_options(transport, control)
        return self._timed(lambda: self._run(["ansible-playbook", "-i", INVENTORY, *args, *extra], log, env=env))

    # -- hosts (untimed) ------------------------------------------------------
    def fresh_hosts(self, count: int) -> None:
        """Remove every bench host, start `count` new ones and wait until systemd has booted."""
        self.down()
        self._run(["ansible-playbook", "-i", INVENTORY, "playbooks/bench_hosts.yml"], self._log("hosts-up"),
                  env={"BENCH_HOSTS": str(count), "BENCH_DISTRO": self.distro})
        for name in host_names(count):
            subprocess.run(["docker", "exec", name, "systemctl", "is-system-running", "--wait"],
                           capture_output=True, timeout=300, check=False)

    def down(self) -> None:
        self._run(["ansible-playbook", "-i", INVENTORY, "playbooks/bench_down.yml"], self._log("hosts-down"))

    def cleanup(self) -> None:
        shutil.rmtree(self.control, ignore_errors=True)

    def load_images(self, host: str) -> None:
        for image in KIT_IMAGES:
            cmd = f"docker save {image} | docker exec -i {host} docker load"
            self._run(["bash", "-o", "pipefail", "-c", cmd], self._log(f"load-{host}"))

    def save_contexts(self, host: str) -> None:
        """Keep the build contexts the roles rendered on `host`, for the shell floor."""
        if self.contexts.exists():
            shutil.rmtree(self.contexts)
        self.contexts.mkdir(parents=True)
        for name, path in CONTEXTS.items():
            self._run(["docker", "cp", f"{host}:{path}", str(self.contexts / name)], self._log("contexts"))

    def engine_version(self, host: str) -> str:
        res = subprocess.run(["docker", "exec", host, "docker", "version", "--format", "{{.Server.Version}}"],
                             capture_output=True, text=True, timeout=60, check=False)
        return res.stdout.strip() or "unknown"

    # -- timed ----------------------------------------------------------------
    def ansible(self, name: str, transport: str, limit: list[str] | None = None) -> Sample:
        """Time bench_site.yml on the bench hosts (or `limit`), the image copy taken out."""
        log = self._log(name)
        t = self._playbook(["playbooks/bench_site.yml", *(["--limit", ",".join(limit)] if limit else [])],
                           log, transport)
        untimed = untimed_seconds(t.out)
        # The copy's CPU comes out too (the floor's is never counted): since 2026-12-04.
        untimed_cpu, untimed_steal = marked_cpu(t.out, "untimed", os.sysconf("SC_CLK_TCK"))
        counters = recap(t.out)
        if not counters:
            raise BenchError(f"{name}: no PLAY RECAP in the output (log: {log})")
        return Sample(round(t.wall - untimed, 2), round(t.wall, 2), round(untimed, 2), total_changed(counters),
                      t.load_before, t.load_after, t.started, str(log), tasks_run(counters),
                      round(max(0.0, t.cpu - untimed_cpu), 2), tasks_skipped(counters),
                      round(max(0.0, t.steal - untimed_steal), 2))

    def start(self, name: str) -> Sample:
        """Time ansible-playbook's own start for bench_site.yml: `--syntax-check` reads the
        inventory, the playbooks, the roles and the collection, and contacts no host."""
        log = self._log(name)
        t = self._timed(lambda: self._run(["ansible-playbook", "-i", INVENTORY, "playbooks/bench_site.yml",
                                           "--syntax-check"], log))
        return Sample(round(t.wall, 2), round(t.wall, 2), 0.0, 0, t.load_before, t.load_after, t.started, str(log),
                      0, round(t.cpu, 2), steal=round(t.steal, 2))

    def per_task(self, name: str, transport: str, hosts: list[str]) -> Sample:
        """Seconds per trivial task over `transport` on `hosts` at once: the span between the marks
        around N tasks, over N.

        The connection is open before the first mark; Ansible's start and the connection are
        outside the span (in `untimed`).
        """
        self.playbooks.mkdir(parents=True, exist_ok=True)
        path = self.playbooks / f"trivial-{PER_TASK_TASKS}.yml"
        path.write_text(trivial_playbook(PER_TASK_TASKS), encoding="utf-8")
        log = self._log(name)
        t = self._playbook([str(path), "--limit", ",".join(hosts)], log, transport)
        span = marked_span(t.out, "tasks")
        counters = recap(t.out)
        expected = trivial_tasks_run(PER_TASK_TASKS, len(hosts))
        if span is None or tasks_run(counters) != expected:
            raise BenchError(f"{name}: expected both marks and {expected} tasks (log: {log})")
        return Sample(round(span / PER_TASK_TASKS, 4), round(t.wall, 2), round(t.wall - span, 2),
                      total_changed(counters), t.load_before, t.load_after, t.started, str(log), PER_TASK_TASKS,
                      round(t.cpu, 2), steal=round(t.steal, 2))

    def floor(self, host: str) -> Sample:
        """Time bench/floor.sh on a fresh `host`: engine phase, untimed image copy, apps phase."""
        script = REPO / "bench" / "floor.sh"
        self._run(["docker", "cp", f"{self.contexts}/.", f"{host}:/var/tmp/bench-contexts"], self._log("contexts"))
        log = self._log("floor")
        engine = self._timed(lambda: self._run(["docker", "exec", "-i", host, "bash", "-s", "engine"], log,
                                               stdin=script))

        def copy_images() -> str:
            self.load_images(host)
            return ""

        copy = self._timed(copy_images)
        apps = self._timed(lambda: self._run(["docker", "exec", "-i", host, "bash", "-s", "apps"],
                                             self._log("floor-apps"), stdin=script))
        return Sample(round(engine.wall + apps.wall, 2), round(engine.wall + copy.wall + apps.wall, 2),
                      round(copy.wall, 2), 0, engine.load_before, apps.load_after, engine.started, str(log),
                      0, round(engine.cpu + apps.cpu, 2), steal=round(engine.steal + apps.steal, 2))
