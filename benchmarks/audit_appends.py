"""How many audit events a second can be appended, before and after the sequencer.

    .venv/bin/python -m benchmarks.audit_appends [--seconds 10] [--writers 8]

Starts its own throwaway PostgreSQL on the real disk (not /dev/shm) with fsync and
synchronous_commit ON — the production setting, where every commit waits for its WAL flush —
migrates it, and runs two scenarios, each with ``--writers`` processes that append one event per
transaction for ``--seconds`` (what every page view does through ``record_consultation``):

- **before**: the old scheme, emulated on a copy of the table without the trigger: each append
  takes the chain's advisory lock, reads the head, inserts the chained event and commits — so
  the lock is held through every commit's flush, and appends queue one behind the other;
- **after**: ``audit.record`` as production runs it (``AUDIT_SEQUENCE_INLINE`` off) while a real
  ``manage.py audit_sequencer`` process chains beside the writers. It reports how far the
  sequencer fell behind (events waiting, and the oldest one's age) and how long it took to drain
  after the writers stopped, then checks the whole trail with ``verify_trail``.

Each scenario runs twice: through the application's own code (``--driver orm``: Django, as a page
view appends), and as the same SQL sent straight through psycopg2 (``sql``), which shows what the
database and the locking scheme allow once Python's own CPU cost is out of the way.

Prints a table and writes it, with the machine's details and how much CPU the rest of the machine
used meanwhile, to ``benchmarks/results/audit-appends-<time>.json``.
"""

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_LOCK = 0x4144_4155_4449_54  # the advisory lock key the old scheme used
OLD_TABLE = "bench_locked_trail"


# --- a throwaway PostgreSQL with fsync on ---------------------------------------------------------


class Cluster:
    def __init__(self):
        self.bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))[-1]
        # On the real disk: fsync to tmpfs costs nothing and would measure nothing.
        self.dir = Path(tempfile.mkdtemp(prefix="actionday-audit-bench-", dir="/var/tmp"))
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.dir, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def _run(self, *args):
        subprocess.run([*self.as_pg, *args], check=True, capture_output=True, text=True)

    def start(self):
        data = self.dir / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        # Defaults apart from the port: fsync, synchronous_commit and full_page_writes stay on.
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=50")
        subprocess.run([str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "actionday"], check=True)
        return f"postgres://postgres@127.0.0.1:{self.port}/actionday"

    def setting(self, cursor, name):
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]

    def stop(self):
        subprocess.run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- CPU accounting ---------------------------------------------------------------------------------


def _machine_busy_ticks() -> int:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def _tree_ticks(roots) -> int:
    parent, ticks = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2:].split()
        pid = int(stat.parent.name)
        parent[pid], ticks[pid] = int(rest[1]), int(rest[11]) + int(rest[12])
    ours, frontier = set(roots), list(roots)
    while frontier:
        pid = frontier.pop()
        for child, ppid in parent.items():
            if ppid == pid and child not in ours:
                ours.add(child)
                frontier.append(child)
    return sum(ticks.get(pid, 0) for pid in ours)


# --- the writers ------------------------------------------------------------------------------------


def _append_old(cursor, event):
    """The old audit.record: chain under the advisory lock, inside the caller's transaction."""
    from audit.models import GENESIS_HASH

    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OLD_LOCK])
    cursor.execute(f"SELECT seq, hash FROM {OLD_TABLE} ORDER BY seq DESC LIMIT 1")
    last = cursor.fetchone()
    event.seq, event.prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    event.hash = event.compute_hash()
    cursor.execute(
        f"INSERT INTO {OLD_TABLE} (seq, at, actor_id, actor_name, team, action, operation_id, object_type, "
        "object_id, summary, justification, prev_hash, hash) VALUES (%s, %s, NULL, %s, %s, %s, NULL, %s, %s, %s, "
        "%s, %s, %s)",
        [event.seq, event.at, event.actor_name, event.team, event.action, event.object_type, event.object_id,
         event.summary, event.justification, event.prev_hash, event.hash])


def _writer(scheme, driver, start, seconds, number):
    import psycopg2
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    import audit
    from audit.models import AuditEvent

    connection.close()  # a connection of its own, not the parent's
    db = settings.DATABASES["default"]
    raw = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    cursor = raw.cursor()
    latencies = []
    while time.time() < start:
        time.sleep(0.001)
    n = 0
    while time.time() < start + seconds:
        began = time.perf_counter()
        event = AuditEvent(at=timezone.now(), actor_name="bench", team="DE", action="consult",
                           object_type="findings.case", object_id=f"{number}:{n}", summary="Case page viewed")
        if driver == "sql":  # the same statements, one transaction each, straight through psycopg2
            if scheme == "before":
                _append_old(cursor, event)
            else:
                cursor.execute(_INSERT, [event.at, event.actor_name, event.team, event.action, event.object_type,
                                         event.object_id, event.summary, event.justification])
            raw.commit()
        else:
            with transaction.atomic():  # one event per transaction, as record_consultation commits a page view's
                if scheme == "before":
                    with connection.cursor() as django_cursor:
                        _append_old(django_cursor, event)
                else:
                    audit.record(actor=None, action="consult", team="DE", object_type="findings.case",
                                 object_id=f"{number}:{n}", summary="Case page viewed")
        latencies.append(time.perf_counter() - began)
        n += 1
    raw.close()
    connection.close()
    return n, latencies


# What audit.record sends (the columns it gives; the chain columns stay empty).
_INSERT = ("INSERT INTO audit_auditevent (at, actor_id, actor_name, team, action, operation_id, object_type, "
           "object_id, summary, justification) VALUES (%s, NULL, %s, %s, %s, NULL, %s, %s, %s, %s)")


class LagMonitor(threading.Thread):
    """Samples, every 0.1 s, how many events wait to be chained and how old the oldest is."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping, self.max_waiting, self.max_age = threading.Event(), 0, 0.0

    def run(self):
        from django.db import connection

        while not self.stopping.is_set():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*), extract(epoch FROM now() - min(at)) FROM audit_auditevent "
                               "WHERE seq IS NULL")
                waiting, age = cursor.fetchone()
            self.max_waiting, self.max_age = max(self.max_waiting, waiting), max(self.max_age, float(age or 0))
            time.sleep(0.1)
        connection.close()


def run_scenario(scheme, driver, *, writers, seconds, env, cluster_pids):
    from django.db import connection

    from audit.models import AuditEvent
    from audit.trail import verify_trail

    sequencer = monitor = None
    if scheme == "after":
        sequencer = subprocess.Popen([sys.executable, "manage.py", "audit_sequencer"], cwd=ROOT, env=env,
                                     stderr=subprocess.DEVNULL)
        time.sleep(2)  # let it start
        monitor = LagMonitor()
        monitor.start()
    connection.close()
    context = multiprocessing.get_context("fork")
    with context.Pool(writers) as pool:
        start = time.time() + 1.0
        busy0, ours0 = _machine_busy_ticks(), _tree_ticks([os.getpid(), *cluster_pids])
        results = pool.starmap(_writer, [(scheme, driver, start, seconds, n) for n in range(writers)])
        busy1, ours1 = _machine_busy_ticks(), _tree_ticks([os.getpid(), *cluster_pids])
    ended = time.time()
    appended = sum(n for n, _ in results)
    latencies = sorted(x for _, lat in results for x in lat)
    hz = os.sysconf("SC_CLK_TCK")
    figures = {
        "scheme": scheme, "driver": driver, "writers": writers, "seconds": seconds, "appended": appended,
        "appends_per_second": round(appended / seconds),
        "commit_latency_ms": {"p50": round(statistics.median(latencies) * 1000, 2),
                              "p95": round(latencies[int(len(latencies) * 0.95)] * 1000, 2)},
        "cpu_seconds": {"ours": round((ours1 - ours0) / hz, 1), "rest_of_machine": round(
            max(0, (busy1 - busy0) - (ours1 - ours0)) / hz, 1)},
    }
    if scheme == "after":
        while AuditEvent.objects.filter(seq__isnull=True).exists():
            time.sleep(0.05)
        figures["sequencer"] = {"drained_after_writers_stopped_s": round(time.time() - ended, 2),
                                "most_events_waiting": monitor.max_waiting,
                                "oldest_waiting_s": round(monitor.max_age, 2)}
        monitor.stopping.set()
        monitor.join()
        sequencer.send_signal(signal.SIGTERM)  # stops after a last checkpoint
        sequencer.wait(timeout=30)
        result = verify_trail()
        figures["verify"] = {"events": result.events, "problems": result.problems,
                             "anchored_at": result.anchor.seq if result.anchor else None}
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--driver", choices=["orm", "sql"], action="append",
                        help="orm (the application's code), sql (the same statements, psycopg2 only); default both")
    args = parser.parse_args(argv)
    args.driver = args.driver or ["orm", "sql"]

    cluster = Cluster()
    workdir = Path(tempfile.mkdtemp(prefix="actionday-audit-bench-files-"))
    try:
        url = cluster.start()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "ACTIONDAY_ENV")} | {
            "DATABASE_URL": url, "AUDIT_SEQUENCE_INLINE": "false", "CONN_MAX_AGE": "0",
            "AUDIT_CHECKPOINT_FILE": str(workdir / "checkpoints.jsonl"), "ACTIONDAY_DATA_DIR": str(workdir),
            "DJANGO_SETTINGS_MODULE": "config.settings"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {OLD_TABLE} (LIKE audit_auditevent INCLUDING ALL)")
            server = {name: cluster.setting(cursor, name) for name in
                      ("server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")}
        postmaster = int((cluster.dir / "data" / "postmaster.pid").read_text().split()[0])
        load_before = os.getloadavg()
        runs = [run_scenario(scheme, driver, writers=args.writers, seconds=args.seconds, env=env,
                             cluster_pids=[postmaster])
                for driver in args.driver for scheme in ("before", "after")]
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": {
        "cpus": os.cpu_count(), "python": platform.python_version(), "load_average_before": load_before,
        "data_directory_on": "ext4 (/var/tmp)"}, "postgresql": server, "runs": runs}
    print(f"PostgreSQL {server['server_version']}, fsync={server['fsync']}, "
          f"synchronous_commit={server['synchronous_commit']}; {args.writers} writers, {args.seconds:g} s each; "
          f"load average before {load_before[0]:.2f}")
    print(f"{'scheme':<8} {'driver':<6} {'appends/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'CPU s ours/rest':>16}  "
          "sequencer: most waiting, oldest s, drained s; verify")
    for run in runs:
        latency, cpu = run["commit_latency_ms"], run["cpu_seconds"]
        line = (f"{run['scheme']:<8} {run['driver']:<6} {run['appends_per_second']:>10} {latency['p50']:>8} "
                f"{latency['p95']:>8} {cpu['ours']:>8}/{cpu['rest_of_machine']:<7}")
        if "sequencer" in run:
            lag, verified = run["sequencer"], run["verify"]
            drained = lag["drained_after_writers_stopped_s"]
            line += (f"  {lag['most_events_waiting']}, {lag['oldest_waiting_s']}, {drained};"
                     f" {verified['events']} events {'intact' if not verified['problems'] else verified['problems']}")
        print(line)
    failed = [run for run in runs if run.get("verify", {}).get("problems")]
    results = ROOT / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"audit-appends-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"written to {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
