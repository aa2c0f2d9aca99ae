"""Benchmark of the tracking runtime on loopback: real Chromium, real Ralph.

1. Acknowledgement latency: from the quiz's answered event to the LRS's acknowledgement,
   one answer at a time (median, p95). Baseline, same run: the same statement POSTed by
   the page with a bare fetch() (no outbox, no localStorage).
2. Flush: 1,000 statements queued during an outage, then the time until the LRS holds them
   all after it returns. Baseline, same run: the same 1,000 statements POSTed by the page
   in the same batch size with bare fetch().

Run: PYTHONPATH=. python benchmarks/tracking.py [--answers 50] [--queued 1000]
Prints figures and ratios (runtime / baseline); asserts nothing about time.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from build_tools.site.build import build  # noqa: E402
from build_tools.xapi.links import launch_link, learner_actor, provision  # noqa: E402
from build_tools.xapi.lrs.local import LocalLRS  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.tracking.conftest import FIXTURE_PATH, HOME, LEARNERS, attempt_events, tracking_source  # noqa: E402

ANSWER_LOOP = """async ([n, template]) => {
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const detail = Object.assign({}, template, {question: 'bench-' + i});
    const acked = new Promise(resolve => document.addEventListener('isdp:statements-acked', resolve, {once: true}));
    const t0 = performance.now();
    document.dispatchEvent(new CustomEvent('isdp:question-answered', {detail}));
    await acked;
    latencies.push(performance.now() - t0);
  }
  return latencies;
}"""
BARE_LOOP = """async ([n, endpoint, auth, statement]) => {
  const latencies = [];
  for (let i = 0; i < n; i++) {
    const body = Object.assign({}, statement, {id: crypto.randomUUID(), timestamp: new Date().toISOString()});
    const t0 = performance.now();
    const r = await fetch(endpoint + 'statements', {method: 'POST', body: JSON.stringify([body]),
      headers: {'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', 'Authorization': auth}});
    if (!r.ok) throw new Error('HTTP ' + r.status);
    latencies.push(performance.now() - t0);
  }
  return latencies;
}"""
BARE_BATCHES = """async ([statements, endpoint, auth, size]) => {
  const t0 = performance.now();
  for (let i = 0; i < statements.length; i += size) {
    const batch = statements.slice(i, i + size).map(s => Object.assign({}, s, {id: crypto.randomUUID()}));
    const r = await fetch(endpoint + 'statements', {method: 'POST', body: JSON.stringify(batch),
      headers: {'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', 'Authorization': auth}});
    if (!r.ok) throw new Error('HTTP ' + r.status);
  }
  return performance.now() - t0;
}"""
QUEUED = """() => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.'))
                 .map(k => JSON.parse(localStorage.getItem(k)).statement)"""
SAVED = "n => Object.keys(localStorage).filter(k => k.startsWith('isdp.xapi.q.')).length >= n"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50)
    parser.add_argument("--queued", type=int, default=1000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="isdp-bench-") as tmp_name:
        tmp = Path(tmp_name)
        result = build(tracking_source(tmp), tmp / "html", status=None)
        if not result.ok:
            raise SystemExit("\n".join(result.warnings + [result.error or ""]))
        handler = functools.partial(
            type(
                "Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}
            ),
            directory=str(tmp / "html"),
        )
        web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=web.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{web.server_address[1]}"
        auth = provision(LEARNERS, tmp / "lrs", home_page=HOME)
        learner = LEARNERS[0]
        lrs = LocalLRS(tmp / "lrs", cors_origins=[origin]).start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.add_init_script(
                    "window.isdpTrackingOptions = {retryBaseMs: 200, retryMaxMs: 1000};"
                )
                page.goto(
                    launch_link(
                        origin,
                        lrs.url,
                        learner_actor(learner, HOME),
                        auth[learner.employee_id],
                        lea=learner.lea_code,
                        page=FIXTURE_PATH.replace(".md", ".html"),
                    )
                )
                events = attempt_events(n=1)
                page.evaluate(
                    "([n, d]) => document.dispatchEvent(new CustomEvent(n, {detail: d}))",
                    list(events[0]),
                )
                page.wait_for_function("() => window.isdpTracking.pending() === 0")
                template = events[1][1]
                ours = page.evaluate(ANSWER_LOOP, [args.answers, template])
                sample = page.evaluate(QUEUED) or None
                # one of our statements as the bare baseline's body
                page.route(lrs.url + "**", lambda route: route.abort())
                page.evaluate(
                    "([n, d]) => document.dispatchEvent(new CustomEvent(n, {detail: d}))",
                    list(events[1]),
                )
                page.wait_for_function(SAVED, arg=1)  # sealed (Web Crypto) before it is saved
                sample = page.evaluate(QUEUED)[0]
                page.unroute(lrs.url + "**")
                page.wait_for_function("() => window.isdpTracking.pending() === 0")
                bare = page.evaluate(
                    BARE_LOOP, [args.answers, lrs.url, auth[learner.employee_id], sample]
                )

                print(
                    f"ack latency, answer -> LRS acknowledgement, {args.answers} answers one at a time"
                )
                print(
                    f"  tracking.js : median {statistics.median(ours):7.1f} ms   p95 {p95(ours):7.1f} ms"
                )
                print(
                    f"  bare fetch  : median {statistics.median(bare):7.1f} ms   p95 {p95(bare):7.1f} ms"
                )
                print(
                    f"  ratio       : median {statistics.median(ours) / statistics.median(bare):5.2f}x"
                    f"   p95 {p95(ours) / p95(bare):5.2f}x"
                )

                lrs.stop()
                page.evaluate(
                    """([n, t]) => { for (let i = 0; i < n; i++) document.dispatchEvent(
                    new CustomEvent('isdp:question-answered',
                                    {detail: Object.assign({}, t, {question: 'q-' + i})})); }""",
                    [args.queued, template],
                )
                page.wait_for_function(SAVED, arg=args.queued, timeout=600_000)
                queued = page.evaluate(QUEUED)
                assert len(queued) == args.queued, len(queued)
                page.evaluate("""() => { window.benchAcks = [];
                    document.addEventListener('isdp:statements-acked',
                                              () => window.benchAcks.push(performance.now())); }""")
                lrs.start()
                t0 = time.perf_counter()
                start_ms = page.evaluate(
                    "() => { window.isdpTracking.flush(); return performance.now(); }"
                )
                page.wait_for_function(
                    "() => window.isdpTracking.pending() === 0", timeout=600_000, polling=20
                )
                flush = time.perf_counter() - t0
                acks = page.evaluate("() => window.benchAcks")
                drain = (acks[-1] - acks[0]) / 1000 * len(acks) / max(1, len(acks) - 1)
                # The baseline gets a fresh store of the same size as ours had: Ralph's file
                # backend reads its whole file on each write, so the order would favour one side.
                lrs.stop()
                fresh = tmp / "lrs-baseline"
                fresh.mkdir()
                shutil.copy(tmp / "lrs" / "auth.json", fresh / "auth.json")
                lrs = LocalLRS(fresh, port=lrs.port, cors_origins=[origin]).start()
                baseline = (
                    page.evaluate(BARE_BATCHES, [queued, lrs.url, auth[learner.employee_id], 50])
                    / 1000
                )
                print(
                    f"flush of {args.queued} queued statements after the LRS returns (batches of 50)"
                )
                print(
                    f"  tracking.js : {flush:7.2f} s  ({args.queued / flush:6.0f} statements/s), of which "
                    f"{(acks[0] - start_ms) / 1000:.2f} s to the first acknowledgement and "
                    f"{drain:.2f} s draining ({len(acks)} batches)"
                )
                print(
                    f"  bare fetch  : {baseline:7.2f} s  ({args.queued / baseline:6.0f} statements/s)"
                )
                print(f"  ratio       : {flush / baseline:5.2f}x")
                browser.close()
        finally:
            lrs.stop()
            web.shutdown()


if __name__ == "__main__":
    main()
