"""Benchmark of the compliance component at state scale (issues 8 and 13).

    python benchmarks/report.py [--statements 1000000] [--employees 70000] [--workdir DIR]

1. Builds (once, cached in --workdir) a store of N statements made by the profile code for
   70,000 employees and the two shipped courses (module attempts answering the real question
   ids, right or wrong; 1 % of attempts with an answer voided, by the learner's own login or
   by a colleague's), and a matching 70,000-line roster.
2. Runs `isdp report training` on it (evidence scoring: first answers re-scored against the
   source keys, claims listed, every output file) as a child process and reads its time, CPU
   time and peak memory (ru_maxrss); then the report alone in a fresh process (build and
   write, timed inside); beside both, the claim-only count of the first release (one grouped
   query over course `passed` statements, counted as they are) in the same run, and prints
   evidence / claim-only. Targets for the command: <= 10 s, <= 500 MB.
3. Times a sync that finds nothing new (target <= 1 s) against a minimal local xAPI endpoint
   that serves this same store over HTTP (`since` on `stored`, `limit`, `more`). Ralph's fs
   backend reads its whole file on every GET, so it cannot serve a million statements
   interactively (see DESIGN.md); at that scale Ralph runs on Elasticsearch, MongoDB or
   ClickHouse. Beside it: the naive re-pull of everything, measured on a slice and scaled up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from build_tools.store import sqlite as store  # noqa: E402
from build_tools.xapi import profile as xp  # noqa: E402

BASE = "https://www.mdek12.org/isdp/xapi"
HOME = "https://www.mdek12.org"
COURSES = ("ferpa", "security-awareness")
QUESTIONS = 12
CYCLE = "2026-2027"
ROLES = (
    "teacher",
    "teacher",
    "teacher",
    "paraprofessional",
    "principal",
    "counselor",
    "bus-driver",
    "technology-coordinator",
    "office-staff",
    "nurse",
)


# ---------------------------------------------------------------------------- data


def _keys():
    """The shipped courses' modules and answer keys (the report scores with these)."""
    from build_tools.reports.courses import load_required_courses

    return {course.id: course for course in load_required_courses(REPO)}


def _attempt(profile, rng, emp, lea, course, module, keys, when, authority, skill):
    """One module attempt as the runtime sends it: initialized, one answer per question (each
    right with probability ``skill``), the module's passed|failed claim, terminated."""
    actor = xp.account_actor(HOME, emp)
    reg = str(uuid.UUID(int=rng.getrandbits(128)))
    module_obj = xp.activity(profile.module(course, module), "module", module)
    questions = [key for key in keys[course].keys.values() if key.module == module]
    out = [("initialized", module_obj, None)]
    right = 0
    for key in questions:
        ok = rng.random() < skill
        right += ok
        response = "[,]".join(sorted(key.correct)) if ok else "x"
        out.append(("answered", xp.activity(profile.question(course, key.question), "question"),
                    {"response": response, "success": ok}))
    passed = right >= keys[course].mastery_score * len(questions)
    verdict = ("passed", {"success": True, "score": xp.score(right, len(questions))}) if passed \
        else ("failed", {"success": False, "score": xp.score(right, len(questions))})
    out.append((verdict[0], module_obj, verdict[1]))
    out.append(("terminated", module_obj, None))
    rows = []
    for step, (verb, obj, result) in enumerate(out):
        moment = when + dt.timedelta(seconds=40 * step)
        statement = xp.statement(
            profile,
            actor=actor,
            verb=verb,
            obj=obj,
            course=course,
            cycle=CYCLE,
            registration=reg,
            lea=lea,
            result=result,
            timestamp=moment,
            statement_id=str(uuid.UUID(int=rng.getrandbits(128))),
        )
        statement["stored"] = (moment + dt.timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
        statement["authority"] = authority or actor
        statement["version"] = "1.0.3"
        rows.append(store.columns(statement))
    return rows, passed


def _course_passed(profile, emp, lea, course, when, rng):
    """The course-level passed claim the runtime sends once every module is passed."""
    actor = xp.account_actor(HOME, emp)
    statement = xp.statement(
        profile, actor=actor, verb="passed", obj=xp.activity(profile.course(course), "course"),
        course=course, cycle=CYCLE, registration=str(uuid.UUID(int=rng.getrandbits(128))), lea=lea,
        result={"success": True}, timestamp=when,
        statement_id=str(uuid.UUID(int=rng.getrandbits(128))))
    statement["stored"] = (when + dt.timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
    statement["authority"] = actor
    statement["version"] = "1.0.3"
    return store.columns(statement)


def _void(target: tuple, authority: dict, rng) -> tuple:
    """A `voided` statement of a stored statement (row from store.columns), by ``authority``."""
    stored = dt.datetime.fromisoformat(target[1].replace("Z", "+00:00")) + dt.timedelta(days=1)
    return store.columns({
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "actor": authority,
        "verb": {"id": xp.VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target[0]},
        "timestamp": stored.isoformat().replace("+00:00", "Z"),
        "stored": stored.isoformat().replace("+00:00", "Z"),
        "authority": authority,
        "version": "1.0.3",
    })


def build_data(workdir: Path, statements: int, employees: int) -> tuple[Path, Path]:
    db, roster = workdir / "store.sqlite", workdir / "roster.csv"
    marker = workdir / "built.json"
    wanted = {"statements": statements, "employees": employees, "version": 5}
    if marker.exists() and json.loads(marker.read_text()) == wanted and db.exists():
        return db, roster
    workdir.mkdir(parents=True, exist_ok=True)
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), marker):
        path.unlink(missing_ok=True)
    rng = random.Random(55_1)
    profile = xp.Profile(BASE)
    leas = [(f"{2000 + 10 * i:04d}", f"District {i + 1:03d} School District") for i in range(148)]
    people = []
    with roster.open("w", encoding="utf-8") as handle:
        handle.write("employee_id,name,email,lea_code,lea_name,role\n")
        for n in range(employees):
            lea = leas[
                min(int(rng.paretovariate(1.2)) - 1, len(leas) - 1) if n % 3 else n % len(leas)
            ]
            emp = f"E{n:06d}"
            people.append((emp, lea[0]))
            handle.write(
                f"{emp},Employee {n},{emp.lower()}@district.k12.ms.us,{lea[0]},{lea[1]},"
                f"{ROLES[n % len(ROLES)]}\n"
            )
    conn = store.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    lms = {"objectType": "Agent", "account": {"homePage": "https://lms.example.org", "name": "lms"}}
    start = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
    made, batch, t0 = 0, [], time.perf_counter()
    pairs = [(emp, lea, course) for emp, lea in people for course in COURSES]
    rng.shuffle(pairs)  # the statements run out part-way: the rest have not started yet
    conn.execute("BEGIN")
    keys = _keys()
    for emp, lea, course in pairs:
        when = start + dt.timedelta(seconds=rng.randrange(330 * 86400))
        authority = lms if rng.random() < 0.01 else None  # 1 % written by an untrusted login
        skill = rng.choice((0.75, 0.9, 0.97, 1.0))
        for module in keys[course].modules:
            for _attempt_no in range(3):  # fail, retry, until passed (at most three times)
                rows, passed = _attempt(profile, rng, emp, lea, course, module, keys, when,
                                        authority, skill)
                if len(rows) > 3 and rng.random() < 0.01:  # 1 % of attempts have an answer voided: by the
                    # learner's own login (honoured) or, one in five, a colleague's (ignored)
                    colleague = rng.random() < 0.2
                    writer = xp.account_actor(HOME, people[rng.randrange(len(people))][0]) \
                        if colleague else (authority or xp.account_actor(HOME, emp))
                    rows.append(_void(rows[1 + rng.randrange(len(rows) - 3)], writer, rng))
                rows = rows[: statements - made]
                batch += rows
                made += len(rows)
                when += dt.timedelta(hours=rng.randrange(1, 48))
                if passed or made >= statements:
                    break
            if made >= statements:
                break
        else:
            batch.append(_course_passed(profile, emp, lea, course, when, rng))
            made += 1
        if len(batch) >= 20000:
            store.insert(conn, batch)
            batch = []
            print(f"\r  generating statements: {made:,}/{statements:,}", end="", file=sys.stderr)
        if made >= statements:
            break
    store.insert(conn, batch)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    print(f"\r  generated {made:,} statements in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    marker.write_text(json.dumps(wanted))
    return db, roster


# ---------------------------------------------------------------------------- children


def child_fast(db: str, roster: str, out: str) -> None:
    """The report as `isdp report training` runs it: evidence re-scored, every file written."""
    from build_tools.core.roster import load_roster
    from build_tools.reports.training import build_report
    from build_tools.reports.training_files import write_report

    t0 = time.perf_counter()
    courses = list(_keys().values())
    conn = store.connect(db, create=False)
    report = build_report(conn, load_roster(roster), courses, xp.Profile(BASE), CYCLE)
    write_report(report, Path(out))
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - t0,
                "compliant": report.compliant,
                "employees": len(report.rows),
                "claims_not_counted": len(report.unverified),
            }
        )
    )


def child_claims(db: str, roster: str, out: str) -> None:
    """The baseline: the claim-only count of the first release (one grouped query over the
    course `passed` statements written with the learner's own credential; no files)."""
    from build_tools.core.roster import load_roster

    t0 = time.perf_counter()
    people = load_roster(roster)
    conn = store.connect(db, create=False)
    lo, hi = (store.utc_text(t) for t in xp.cycle_bounds(CYCLE))
    profile = xp.Profile(BASE)
    iris = [profile.course(c) for c in COURSES]
    passed: dict[str, set[str]] = {}
    for learner, course in conn.execute(
        "SELECT learner, course FROM statements WHERE verb = ? AND object = course"
        " AND authority = actor AND course IN (?, ?) AND timestamp >= ? AND timestamp < ?"
        " GROUP BY learner, course",
        [xp.VERBS["passed"], *iris, lo, hi],
    ):
        passed.setdefault(learner, set()).add(course)
    compliant = sum(1 for p in people if len(passed.get(p.employee_id, ())) == len(iris))
    print(
        json.dumps(
            {"seconds": time.perf_counter() - t0, "compliant": compliant, "employees": len(people)}
        )
    )


def run_child(kind: str, *args: str) -> dict:
    """Run one measurement in a fresh process; return its timing and peak memory (MB).
    ``command`` runs `isdp report training` itself (start-up, settings, courses, roster, store,
    every file) as an officer would."""
    t0 = time.perf_counter()
    if kind == "command":
        db, roster, out = args
        argv = ["-m", "build_tools", "report", "training", "--roster", roster, "--cycle", CYCLE,
                "--out", out, "--store", db, "--src", str(REPO)]
    else:
        argv = [__file__, "--child", kind, *args]
    proc = subprocess.Popen(
        [sys.executable, *argv],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{kind} child failed with status {status}")
    result = json.loads(out) if kind != "command" else {"output": out.decode()}
    result["wall"] = time.perf_counter() - t0
    result["peak_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    result["cpu"] = usage.ru_utime + usage.ru_stime
    return result


# ---------------------------------------------------------------------------- endpoint


class Endpoint(http.server.ThreadingHTTPServer):
    """A minimal xAPI 1.0.3 statements endpoint serving a store file, ascending by stored."""

    def __init__(self, db: Path):
        self.db = str(db)
        with sqlite3.connect(self.db) as conn:  # the LRS side's own index: `since` on stored
            conn.execute("CREATE INDEX IF NOT EXISTS endpoint_stored ON statements (stored, id)")
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/xAPI/"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests += 1
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        limit = min(int(query.get("limit", 500)), 1000)
        after = query.get("after", "")
        since = store.utc_text(query["since"]) if "since" in query else ""
        conn = sqlite3.connect(self.server.db)
        rows = conn.execute(
            "SELECT s.stored || '|' || s.id, j.raw FROM statements s JOIN statement_json j ON j.id = s.id"
            " WHERE s.stored > ? AND s.stored || '|' || s.id > ? ORDER BY s.stored, s.id LIMIT ?",
            (since, after, limit),
        ).fetchall()
        conn.close()
        body = {"statements": [json.loads(raw) for _, raw in rows]}
        if len(rows) == limit:
            body["more"] = "/xAPI/statements?" + urlencode({**query, "after": rows[-1][0]})
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def bench_sync(db: Path, workdir: Path) -> dict:
    from build_tools.store import sync as sync_mod
    from build_tools.xapi.lrs.client import LrsClient

    server = Endpoint(db)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        conn = store.connect(db)
        top = conn.execute("SELECT max(stored) FROM statements").fetchone()[0]
        # The local store already holds everything the endpoint has (same file): as after a
        # complete sync, its watermark is the highest `stored`.
        conn.execute("DELETE FROM sync_state")
        conn.execute(
            "INSERT INTO sync_state (lrs, watermark, updated) VALUES (?, ?, ?)",
            (server.url, top, top),
        )
        t0 = time.perf_counter()
        with LrsClient(server.url, "u", "p") as client:
            result = sync_mod.sync(conn, client)
        in_process = time.perf_counter() - t0
        # the whole command as the ISO runs it (interpreter start, imports, HTTP, commit)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "build_tools", "report", "--help"],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from build_tools.store.cli import sync_command; sync_command()",
                "--lrs-url",
                server.url,
                "--store",
                str(db),
            ],
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "PYTHONPATH": str(REPO),
                "ISDP_LRS_USER": "u",
                "ISDP_LRS_PASSWORD": "p",
            },
        )
        command = time.perf_counter() - t0
        # naive baseline: pull everything again with no watermark, validating each statement
        # (as a sync without `since` must); measured on the first 20 pages and scaled up
        scratch = store.connect(workdir / "naive.sqlite")
        scratch.execute("DELETE FROM statements")
        pages, t0 = 0, time.perf_counter()
        with LrsClient(server.url, "u", "p") as client:
            link, params = "statements", {"limit": 500}
            while link and pages < 20:
                page = client.get_json(link, params)
                sync_mod._split(page["statements"], set(), sync_mod._validator, server.url)
                link, params, pages = page.get("more"), None, pages + 1
        per_statement = (time.perf_counter() - t0) / (pages * 500)
        total = conn.execute("SELECT count(*) FROM statements").fetchone()[0]
        conn.close()
        return {
            "fetched": result.fetched,
            "new": result.new,
            "seconds": in_process,
            "command": command,
            "startup": startup,
            "naive": per_statement * total,
            "requests": server.requests,
        }
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--employees", type=int, default=70_000)
    parser.add_argument("--workdir", type=Path, default=REPO / ".isdp" / "bench")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "DB", "ROSTER", "OUT"))
    parser.add_argument("--sync-cost", action="store_true",
                        help="also measure the late window and the reconciliation on this store "
                        "(benchmarks/sync_cost.py; about 3 minutes at 1,000,000 statements)")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        {"fast": child_fast, "claims": child_claims}[kind](*rest)
        return
    db, roster = build_data(args.workdir, args.statements, args.employees)
    with tempfile.TemporaryDirectory() as tmp:
        command = run_child("command", str(db), str(roster), str(Path(tmp) / "command"))
        fast = run_child("fast", str(db), str(roster), str(Path(tmp) / "report"))
        naive = run_child("claims", str(db), str(roster), str(Path(tmp) / "claims"))
    sync_result = bench_sync(db, args.workdir)
    size = db.stat().st_size / 2**20
    load = os.getloadavg()
    print(
        f"\nStore: {args.statements:,} statements, {args.employees:,} employees, 2 courses "
        f"({size:,.0f} MB on disk); {os.cpu_count()}-core machine, Python {sys.version.split()[0]}, "
        f"load average {load[0]:.1f} (other processes share the cores: CPU seconds are the "
        "load-independent figure)"
    )
    print(f"{'measure':44} {'evidence':>10} {'claims':>10} {'ratio':>8} {'target':>9}")
    rows = (
        ("`isdp report training`, seconds", command["wall"], naive["wall"], "<= 10", ".2f"),
        ("  same, CPU seconds (user+sys)", command["cpu"], naive["cpu"], "", ".2f"),
        ("  same, peak memory MB", command["peak_mb"], naive["peak_mb"], "<= 500", ".0f"),
        ("report alone (in process), seconds", fast["seconds"], naive["seconds"], "", ".2f"),
        ("  same, CPU seconds of its process", fast["cpu"], naive["cpu"], "", ".2f"),
        ("  same, peak memory MB", fast["peak_mb"], naive["peak_mb"], "", ".0f"),
    )
    for name, evidence, claims, target, form in rows:
        print(f"{name:44} {evidence:10{form}} {claims:10{form}} {evidence / claims:7.1f}x {target:>9}")
    print(
        f"{'sync finding nothing new, seconds':44} {sync_result['seconds']:10.3f} {sync_result['naive']:10.1f} "
        f"{sync_result['naive'] / sync_result['seconds']:7.0f}x {'<= 1':>9}"
    )
    print(f"{'  same, whole `sync` command process':44} {sync_result['command']:10.3f}")
    print(
        f"  (CLI start-up alone {sync_result['startup']:.3f} s; the no-new sync re-read "
        f"{sync_result['fetched']} overlap statement(s), {sync_result['new']} new; naive = full re-pull with "
        "validation, measured on 10,000 statements and scaled)"
    )
    print(
        f"  compliant employees: {fast['compliant']:,} of {fast['employees']:,} on evidence "
        f"({fast['claims_not_counted']:,} claims not counted); claim-only count: "
        f"{naive['compliant']:,}. Ratio = evidence / claim-only (the price of counting evidence)."
    )
    print(f"  {command['output'].strip()}")
    ok = command["wall"] <= 10 and command["peak_mb"] <= 500 and sync_result["seconds"] <= 1
    print("targets met" if ok else "TARGETS MISSED")
    if args.sync_cost:  # issue 15: what not losing late statements costs, on the same store
        from sync_cost import sync_cost

        sync_cost(db)


if __name__ == "__main__":
    main()
