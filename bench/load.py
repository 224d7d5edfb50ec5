"""Load test: many people scrubbing the dashboard at once, against one local server.

Not part of the test run. It starts one ``streamlit run dashboard/app.py`` on 127.0.0.1 (the
repository's ``.streamlit/config.toml`` applies), one headless Chromium, and N pages (each its
own browser context, so its own Streamlit session). For a fixed time every page scrubs the
date slider with the arrow keys and now and then toggles the view, at a steady pace. Each
interaction is timed from the key press (or click) until

* the map's district fills equal the snapshot :func:`dashboard.control.resolve` gives for
  that view and day, and
* the page has followed: the URL names that view and day and the panel's heading shows the
  day (both written by the rerun). The map's own controls are driven (view radio, date
  slider), found by their accessible names; nothing reads Streamlit's page structure to
  drive or time them.

Errors are interactions that time out, JavaScript errors on a page, exceptions shown on a
page, a lost connection, and anything else that goes wrong in a session. The server's memory
(RSS of its PID and its children, from /proc) is sampled throughout. Everything stops by
itself: the run is bounded in sessions and seconds, and the server is stopped by its own PID.

    python -m bench.load                       # 20 sessions for 60 s
    python -m bench.load --sessions 5 --seconds 20
    python -m bench.load --find-max            # 20, 30, 40, ... until a run fails (<= 10 min)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
MAX_SESSIONS = 200  # hard caps, whatever the options say
MAX_SECONDS = 600
FIND_MAX_BUDGET = 600  # --find-max stops stepping up after this many seconds in all

# In the page: does the map show `want`? The map engine's root is in an open shadow root (the
# Components v2 element); it is found without reading Streamlit's own page structure.
MAP_JS = """(want) => {
  let root = window.__cmRoot;
  if (!root || !root.isConnected) {
    root = document.querySelector(".cm-root");
    for (const e of root ? [] : document.querySelectorAll("*")) {
      if (e.shadowRoot && (root = e.shadowRoot.querySelector(".cm-root"))) break;
    }
    window.__cmRoot = root;
  }
  if (!root) return false;
  const paths = root.querySelectorAll(".cm-pane-a path[data-pcode]");
  if (paths.length !== Object.keys(want).length) return false;
  for (const p of paths) if (want[p.dataset.pcode] !== p.dataset.holder) return false;
  return true;
}"""
# In the page: has the page followed to (view, date)? The URL names them and the panel's heading
# shows the day (both written by the rerun), and the map shows `want`.
SETTLED_JS = """([view, date, label, want]) => {
  const q = new URLSearchParams(location.search);
  if (q.get("view") !== view || q.get("date") !== date) return false;
  if (![...document.querySelectorAll("h3")].some(h => h.textContent.includes(label))) return false;
  return (MAP_JS)(want);
}""".replace("MAP_JS", MAP_JS)
PROBLEMS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const out = [];
  document.querySelectorAll('[data-testid="stException"]')
    .forEach(e => out.push("exception: " + e.innerText.slice(0, 200)));
  if (app && app.dataset.testConnectionState && app.dataset.testConnectionState !== "CONNECTED")
    out.push("connection: " + app.dataset.testConnectionState);
  return out;
}"""


@dataclass
class Report:
    sessions: int
    seconds: float
    interval: float
    interactions: int = 0
    errors: int = 0
    error_kinds: dict = field(default_factory=dict)
    error_examples: list = field(default_factory=list)
    p50: float | None = None  # interaction latency: until the rerun has finished
    p95: float | None = None
    max: float | None = None
    map_p50: float | None = None  # until the map shows the new fills (no server round trip)
    map_p95: float | None = None
    server_peak_rss_mb: float | None = None
    server_idle_rss_mb: float | None = None
    open_seconds: float | None = None
    server_cpu_seconds: float | None = None  # while the pages scrubbed
    browser_cpu_seconds: float | None = None  # Chromium, Playwright and this script, likewise
    other_cpu_seconds: float | None = None  # everything else on the machine, likewise
    load_before: str = ""

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.interactions > 0

    def line(self) -> str:
        def ms(x):
            return "-" if x is None else f"{x * 1000:.0f} ms"

        def n(x, unit=""):
            return "-" if x is None else f"{x:.0f}{unit}"

        return (
            f"sessions={self.sessions} seconds={self.seconds:.0f} interactions={self.interactions} "
            f"errors={self.errors} p50={ms(self.p50)} p95={ms(self.p95)} max={ms(self.max)} "
            f"map_p50={ms(self.map_p50)} map_p95={ms(self.map_p95)} "
            f"server_peak_rss={n(self.server_peak_rss_mb, ' MB')} "
            f"(idle {n(self.server_idle_rss_mb, ' MB')}) open={n(self.open_seconds, ' s')} "
            f"cpu: server={n(self.server_cpu_seconds, ' s')} browser={n(self.browser_cpu_seconds, ' s')} "
            f"other={n(self.other_cpu_seconds, ' s')} (of {self.seconds * (os.cpu_count() or 1):.0f})"
            + (f" kinds={self.error_kinds}" if self.error_kinds else "")
        )


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (what /proc still shows)."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


# -- the server ----------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run`` on a free loopback port; stopped by its own PID (and process group)."""

    def __init__(self, claims: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="load-server-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "dashboard" / "app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "DASHBOARD_CLAIMS": str(claims)},
        )

    def wait_ready(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not start; see {self.log.name}")

    def rss_mb(self) -> float:
        """Resident memory of the server and all its descendants, in MB (from /proc)."""
        total = 0
        for pid in descendants(self.proc.pid):
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


# -- what the map must show ----------------------------------------------------------------
class Expected:
    def __init__(self, claims_path: Path):
        from dashboard.claims import read_claims
        from dashboard.control import resolve

        self.claims = read_claims(claims_path)
        self.views = self.claims.views
        dates = [c.date for c in self.claims.claims]
        start, end = min(dates), max(dates)
        self.days = [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
        self._resolve = resolve
        self._cache: dict[tuple[str, str], dict] = {}
        counts: dict[str, int] = {}
        for c in self.claims.claims:
            counts[c.date.isoformat()] = counts.get(c.date.isoformat(), 0) + 1
        self.busiest = max(sorted(counts), key=counts.get)

    def holders(self, view: str, day: str) -> dict[str, str]:
        key = (view, day)
        if key not in self._cache:
            self._cache[key] = self._resolve(self.claims, view=view, on=day).holders()
        return self._cache[key]


# -- one session -----------------------------------------------------------------------------
class Session:
    def __init__(self, number: int, browser, url: str, expected: Expected, stats: dict, args):
        self.number = number
        self.browser = browser
        self.url = url
        self.expected = expected
        self.stats = stats
        self.args = args
        self.rng = random.Random(number)
        self.view = expected.views[number % len(expected.views)]
        self.index = expected.days.index(expected.busiest)
        self.page_errors: list[str] = []
        self.context = self.page = None
        self.opened = False

    def error(self, kind: str, detail: str):
        self.stats["errors"].append((kind, f"session {self.number}: {detail}"[:300]))

    async def settle(self, timeout: float):
        day = self.expected.days[self.index]
        label = dt.date.fromisoformat(day).strftime("%-d %b %Y")
        await self.page.wait_for_function(
            SETTLED_JS,
            arg=[self.view, day, label, self.expected.holders(self.view, day)],
            polling=30,
            timeout=timeout * 1000,
        )

    async def open(self):
        self.context = await self.browser.new_context(viewport=self.args.viewport)
        self.page = await self.context.new_page()
        # Loopback only: anything else is refused (and counted).
        await self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        day = self.expected.days[self.index]
        await self.page.goto(
            f"{self.url}/?view={self.view}&date={day}", timeout=self.args.open_timeout * 1000
        )
        await self.settle(self.args.open_timeout)
        self.opened = True

    async def _route(self, route):
        if route.request.url.startswith(("http://127.0.0.1", "data:", "about:", "blob:")):
            await route.continue_()
        else:
            self.error("outside-request", route.request.url)
            await route.abort()

    async def act(self):
        """One interaction: mostly a day step with the keyboard, sometimes a view change."""
        days, views = self.expected.days, self.expected.views
        if self.rng.random() < 0.25:
            choices = [v for v in views if v != self.view]
            self.view = self.rng.choice(choices)
            await (
                self.page.locator(".cm-root")
                .get_by_role("radiogroup", name="Whose claims")
                .locator(f"input[value='{self.view}']")
                .click()
            )
            return
        step = self.rng.choice((-1, 1))
        if not 0 <= self.index + step < len(days):
            step = -step
        self.index += step
        await self._press("ArrowRight" if step > 0 else "ArrowLeft")

    async def _press(self, key: str):
        slider = self.page.locator(".cm-root").get_by_role("slider", name="Date")  # the map's own
        await slider.focus()
        await slider.press(key)

    async def run(self, until: float):
        if not self.opened:  # its failure to open is already counted
            return
        latencies = self.stats["latencies"]
        # Spread the sessions' first interactions over one interval: no lock step.
        await asyncio.sleep(self.rng.random() * self.args.interval)
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                await self.act()
                day = self.expected.days[self.index]
                await self.page.wait_for_function(
                    MAP_JS,
                    arg=self.expected.holders(self.view, day),
                    polling=30,
                    timeout=self.args.timeout * 1000,
                )
                self.stats["map_latencies"].append(time.monotonic() - started)
                await self.settle(self.args.timeout)
            except Exception as exc:  # a timeout, a closed page, anything: an error
                kind = "timeout" if "Timeout" in type(exc).__name__ else type(exc).__name__
                self.error(kind, str(exc).splitlines()[0] if str(exc) else kind)
                await self.resync()
            else:
                latencies.append(time.monotonic() - started)
                self.stats["interactions"] += 1
            for message in self.page_errors:
                self.error("page-error", message)
            self.page_errors.clear()
            try:
                for problem in await self.page.evaluate(PROBLEMS_JS):
                    self.error(problem.split(":")[0], problem)
            except Exception as exc:
                self.error(type(exc).__name__, str(exc).splitlines()[0])
            wait = self.args.interval - (time.monotonic() - started)
            if wait > 0:
                await asyncio.sleep(min(wait, max(0.0, until - time.monotonic())))

    async def resync(self):
        """After an error, take the view and day the page shows now as the truth."""
        try:
            query = await self.page.evaluate("() => location.search")
            params = dict(p.split("=", 1) for p in query.lstrip("?").split("&") if "=" in p)
            if params.get("view") in self.expected.views:
                self.view = params["view"]
            if params.get("date") in self.expected.days:
                self.index = self.expected.days.index(params["date"])
        except Exception:
            pass

    async def close(self):
        if self.context is not None:
            try:
                await self.context.close()
            except Exception:
                pass


# -- one run -------------------------------------------------------------------------------
async def _run(args, n: int, expected: Expected) -> Report:
    from playwright.async_api import async_playwright

    report = Report(
        sessions=n,
        seconds=args.seconds,
        interval=args.interval,
        load_before=" ".join(Path("/proc/loadavg").read_text().split()[:3]),
    )
    server = Server(args.claims)
    samples: list[float] = []
    try:
        server.wait_ready()
        stop_sampling = asyncio.Event()

        async def sample():
            while not stop_sampling.is_set():
                samples.append(server.rss_mb())
                try:
                    await asyncio.wait_for(stop_sampling.wait(), 0.5)
                except TimeoutError:
                    pass

        sampler = asyncio.create_task(sample())
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stats = {"latencies": [], "map_latencies": [], "interactions": 0, "errors": []}
            sessions = [Session(i, browser, server.url, expected, stats, args) for i in range(n)]
            try:
                started = time.monotonic()
                gate = asyncio.Semaphore(4)  # open a few at a time, as people arrive

                async def open_one(s):
                    async with gate:
                        try:
                            await s.open()
                        except Exception as exc:
                            s.error("open", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

                try:
                    await asyncio.wait_for(
                        asyncio.gather(*(open_one(s) for s in sessions)), timeout=args.open_timeout + 5 * n
                    )
                except TimeoutError:
                    stats["errors"].append(("open-timeout", "the pages did not all open in time"))
                report.open_seconds = time.monotonic() - started
                report.server_idle_rss_mb = server.rss_mb()
                cpu_before = _cpu(server)
                until = time.monotonic() + args.seconds
                try:
                    await asyncio.wait_for(
                        asyncio.gather(*(s.run(until) for s in sessions)),
                        timeout=args.seconds + args.timeout + 30,
                    )
                except TimeoutError:
                    stats["errors"].append(("run-timeout", "the sessions did not stop in time"))
                cpu_after = _cpu(server)
                report.server_cpu_seconds = cpu_after[0] - cpu_before[0]
                report.browser_cpu_seconds = cpu_after[1] - cpu_before[1]
                report.other_cpu_seconds = max(
                    0.0, cpu_after[2] - cpu_before[2] - report.server_cpu_seconds - report.browser_cpu_seconds
                )
            finally:
                await asyncio.gather(*(s.close() for s in sessions))
                await browser.close()
        stop_sampling.set()
        await sampler
    finally:
        server.stop()
    os.unlink(server.log.name)  # kept when the run failed, for its traceback

    lat = sorted(stats["latencies"])
    report.interactions = stats["interactions"]
    report.errors = len(stats["errors"])
    for kind, detail in stats["errors"]:
        report.error_kinds[kind] = report.error_kinds.get(kind, 0) + 1
        if len(report.error_examples) < 10:
            report.error_examples.append(detail)
    if lat:
        report.p50, report.p95, report.max = _pct(lat, 0.5), _pct(lat, 0.95), lat[-1]
    if stats["map_latencies"]:
        report.map_p50, report.map_p95 = (_pct(sorted(stats["map_latencies"]), q) for q in (0.5, 0.95))
    report.server_peak_rss_mb = max(samples) if samples else server.rss_mb()
    return report


def _cpu(server: Server) -> tuple[float, float, float]:
    """CPU seconds so far: the server's, this side's (script, Playwright, Chromium), the machine's."""
    theirs = set(descendants(server.proc.pid))
    ours = [p for p in descendants(os.getpid()) if p not in theirs]
    return cpu_seconds(theirs), cpu_seconds(ours), machine_busy_seconds()


def _pct(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values (nearest rank)."""
    return ordered[min(len(ordered) - 1, max(0, int(-(-q * len(ordered) // 1)) - 1))]


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration, ValueError):
        pass
    from importlib.metadata import version

    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "memory": mem,
        "python": platform.python_version(),
        "streamlit": version("streamlit"),
        "playwright": version("playwright"),
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent pages (default 20)")
    ap.add_argument("--seconds", type=float, default=60, help="how long each page scrubs (default 60)")
    ap.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between one page's interactions, at most (default 1.0)",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=20,
        help="an interaction not settled after this many seconds is an error (default 20)",
    )
    ap.add_argument("--open-timeout", type=float, default=90, help="seconds for a page's first load")
    ap.add_argument("--claims", type=Path, default=ROOT / "claims.yaml")
    ap.add_argument("--viewport", default="1280x900", help="each page's size (default 1280x900)")
    ap.add_argument(
        "--find-max",
        action="store_true",
        help="step the sessions up (20, 30, 40, ...) until a run has errors or its p95 "
        "exceeds --max-p95; stops after --budget seconds in all",
    )
    ap.add_argument("--start", type=int, default=20, help="--find-max: first step (default 20)")
    ap.add_argument("--step", type=int, default=10, help="--find-max: step (default 10)")
    ap.add_argument(
        "--max-p95", type=float, default=15.0, help="--find-max: p95 limit in seconds (default 15)"
    )
    ap.add_argument(
        "--budget",
        type=float,
        default=FIND_MAX_BUDGET,
        help=f"--find-max: overall seconds (default and cap {FIND_MAX_BUDGET})",
    )
    ap.add_argument("--json", type=Path, help="also write the reports here as JSON")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        ap.error(f"no Chromium at {CHROMIUM} (set CHROMIUM)")
    width, height = (int(x) for x in args.viewport.lower().split("x"))
    args.viewport = {"width": width, "height": height}
    args.sessions = max(1, min(args.sessions, MAX_SESSIONS))
    args.seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    args.budget = max(1.0, min(args.budget, FIND_MAX_BUDGET))

    info = machine()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    expected = Expected(args.claims)
    reports: list[Report] = []
    if not args.find_max:
        report = asyncio.run(_run(args, args.sessions, expected))
        reports.append(report)
        print(report.line(), flush=True)
    else:
        began = time.monotonic()
        n = args.start
        while n <= MAX_SESSIONS:
            # A run takes about its seconds plus opening the pages; do not start one that cannot end in time.
            guess = args.seconds + 4 * n + 30
            if reports and time.monotonic() - began + guess > args.budget:
                print(f"stopping: another step ({n} sessions) would exceed the {args.budget:.0f} s budget")
                break
            report = asyncio.run(_run(args, n, expected))
            reports.append(report)
            print(report.line(), flush=True)
            if not report.ok or (report.p95 or 0) > args.max_p95:
                break
            n += args.step
        held = [r.sessions for r in reports if r.ok and (r.p95 or 0) <= args.max_p95]
        print(
            f"largest number of sessions that held (no errors, p95 <= {args.max_p95:.1f} s): "
            f"{max(held) if held else 'none'}",
            flush=True,
        )
    for r in reports:
        for example in r.error_examples:
            print(f"  [{r.sessions}] {example}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "reports": [asdict(r) for r in reports]}, indent=1))
    return 0 if reports and reports[0].ok else 1


if __name__ == "__main__":
    sys.exit(main())
