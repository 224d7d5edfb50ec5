"""The dashboard in a real browser: scrub latency, first paint and bytes, ours against naive.

Each server is ``streamlit run`` on 127.0.0.1 (``tests.conftest.streamlit_server``, stopped
by its own PID), each browser is Debian's Chromium driven by Playwright. Times are taken in
the page by ``bench/probe.js`` on one clock shared by every frame
(``performance.timeOrigin + performance.now()``): the key press is the ``keydown`` seen in
the top frame, the paint is the first animation frame in which the map frame's district
paths carry the expected fills (checked at that frame's ``requestAnimationFrame``, just
before it is painted).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server

PROBE = (Path(__file__).resolve().parent / "probe.js").read_text(encoding="utf-8")
NAIVE_APP = ROOT / "bench" / "naive_app.py"
OUR_APP = ROOT / "dashboard" / "app.py"
VIEWPORT = {"width": 1400, "height": 1000}


# -- what the map should show -------------------------------------------------------------------


def spec(claims, kind: str, view: str, iso: str, *, timeout: float) -> dict:
    """What the probe compares the map with: every district's fill (and holder) on ``iso``."""
    from bench import naive_map
    from dashboard.control import resolve

    holders = resolve(claims, view=view, on=iso).holders()
    # Ours: the engine's data-holder on each path (its fills come from its data, patterns too).
    fills = {} if kind == "ours" else {p: naive_map.fills(claims)[h] for p, h in holders.items()}
    return {
        "kind": kind,
        "fills": fills,
        "holders": holders,
        "count": len(holders),
        "day": iso,
        "timeout": timeout * 1000,
    }


def day_label(iso: str) -> str:
    from dashboard.page import day_label as label

    return label(iso)


# -- bytes on the wire ---------------------------------------------------------------------------


class Wire:
    """Bytes received by one page: HTTP bodies as transferred (CDP ``encodedDataLength``) and
    websocket frames (Streamlit's ForwardMsgs), with the messages classified."""

    def __init__(self, context, page):
        self.frames: list[bytes] = []
        self.http: list[tuple[str, int]] = []
        self._urls: dict[str, str] = {}
        self._pending: set[str] = set()
        self._last_http = time.monotonic()
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", lambda e: self._done(e["requestId"]))
        cdp.send("Network.enable")
        self.cdp = cdp
        self.page = page

    def _sent(self, event):
        self._urls[event["requestId"]] = event["request"]["url"]
        if event["request"]["url"].startswith("http"):
            self._pending.add(event["requestId"])
        self._last_http = time.monotonic()

    def _done(self, request_id):
        self._pending.discard(request_id)
        self._last_http = time.monotonic()

    def settle(self, quiet_s: float = 0.3, timeout_s: float = 30) -> None:
        """Until no HTTP request is in flight and none has started or ended for ``quiet_s``:
        the element code that Streamlit loads lazily (a chart's, a table's) arrives after the
        page's last websocket message; a navigation before that aborts it."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if not self._pending and time.monotonic() - self._last_http >= quiet_s:
                return
            self.page.wait_for_timeout(50)  # lets Playwright deliver the CDP events

    def _frame(self, payload):
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def _finished(self, event):
        url = self._urls.get(event["requestId"], "")
        if url.startswith("http"):  # not about:srcdoc or data: (nothing crosses the wire)
            self.http.append((url, int(event["encodedDataLength"])))
        self._done(event["requestId"])

    def mark(self) -> tuple[int, int]:
        return len(self.frames), len(self.http)

    def since(self, mark=(0, 0)) -> dict:
        frames, http = self.frames[mark[0] :], self.http[mark[1] :]
        out = {
            "ws_bytes": sum(map(len, frames)),
            "ws_frames": len(frames),
            "http_bytes": sum(n for _, n in http),
            "http_requests": len(http),
            "http_streamlit_shell": sum(n for u, n in http if "/static/" in u and "/app/static/" not in u),
            "http_components": sum(n for u, n in http if "/component/" in u),
            "http_app_static": sum(n for u, n in http if "/app/static/" in u),
        }
        out.update(classify(frames))
        out["total_bytes"] = out["ws_bytes"] + out["http_bytes"]
        return out


def classify(frames: list[bytes]) -> dict:
    """What Streamlit sent: how many cached references, and which map arguments in full."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    refs, maps, largest = 0, [], 0
    for payload in frames:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # noqa: BLE001 - not a ForwardMsg: count its bytes only
            continue
        largest = max(largest, len(payload))
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            refs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            if (kind == "bidi_component" and "control_map" in element.bidi_component.component_name) or (
                kind == "component_instance" and "st_folium" in element.component_instance.component_name
            ):
                maps.append(len(payload))
    return {
        "cached_refs": refs,
        "map_args_sent": len(maps),
        "map_args_bytes": sum(maps),
        "largest_frame": largest,
    }


# -- the page --------------------------------------------------------------------------------------


@contextmanager
def page_for(browser, first: dict | None = None):
    context = browser.new_context(viewport=VIEWPORT)
    init = (f"window.__benchFirst = {json.dumps(first)};\n" if first else "") + PROBE
    context.add_init_script(script=init)
    page = context.new_page()
    outside, errors = [], []
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("http://127.0.0.1", "data:", "about:", "blob:", "ws://127.0.0.1"))
            else outside.append(r.url)
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    wire = Wire(context, page)
    try:
        yield page, wire, outside, errors
    finally:
        context.close()


def wait_idle(page, kind: str = "ours", timeout: float = 30_000, quiet_ms: int = 300):
    """Until no rerun is under way.

    Ours: nothing has come over Streamlit's websocket for ``quiet_ms`` (the probe stamps every
    message): no read of Streamlit's page. Naive (the baseline, as it always was measured): no
    element marked stale, no "Running" status.
    """
    if kind == "ours":
        page.wait_for_function(
            "(quiet) => window.__bench && (!window.__bench.lastWs"
            " || performance.timeOrigin + performance.now() - window.__bench.lastWs > quiet)",
            arg=quiet_ms,
            timeout=timeout,
            polling=50,
        )
        return
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=\"true\"]') &&"
        " !(document.querySelector('[data-testid=\"stStatusWidget\"]')"
        "   && document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running'))",
        timeout=timeout,
    )
    page.wait_for_timeout(200)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) and its waited-for children."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


def first_paint(
    browser, url: str, claims, kind: str, view: str, iso: str, *, navigations: int = 2, timeout: float = 60
) -> list[dict]:
    """Navigation start -> the first frame showing the expected snapshot, for ``navigations``
    navigations in one fresh browser context (the first with an empty HTTP cache, the next
    with the browser's cache warm); bytes until the page is idle."""
    want = spec(claims, kind, view, iso, timeout=timeout)
    out = []
    with page_for(browser, first=want) as (page, wire, outside, errors):
        for _ in range(navigations):
            mark = wire.mark()
            page.goto(f"{url}/?view={view}&date={iso}", wait_until="commit")
            page.wait_for_function(
                "() => window.__bench && window.__bench.first && window.__bench.first.map",
                timeout=timeout * 1000,
                polling=50,
            )
            wait_idle(page, kind)
            wire.settle()  # and the element code loaded after it: the bytes of the whole page
            rec = page.evaluate("() => ({...window.__bench.first, origin: performance.timeOrigin})")
            one = {
                key: (rec[key] - rec["origin"]) / 1000 if rec.get(key) else None
                for key in ("shell", "wsFirst", "wsBig", "wsLast", "iframe", "inner", "ready", "map")
            }
            one["bytes"] = wire.since(mark)
            out.append(one)
        for one in out:
            one["outside_requests"], one["js_errors"] = outside, errors
    return out


def scrub(
    browser,
    url: str,
    claims,
    kind: str,
    view: str,
    start: str,
    moves: list[int],
    *,
    follow: bool,
    timeout: float = 20,
    play_steps: int = 0,
) -> dict:
    """Press ArrowRight (+1) / ArrowLeft (-1) on the focused date slider, one step at a time.

    ``url`` from ``tests.conftest.streamlit_server`` carries the server's PID: its CPU time
    (``/proc/<pid>/stat``) before the first step and after the last, over the steps, is the
    server's CPU per scrub step (the rerun each step causes, and nothing of the browser's).
    """
    pid = getattr(url, "pid", None)
    from dashboard.page import days as all_days

    days = all_days(claims)
    with page_for(browser) as (page, wire, outside, errors):
        page.goto(f"{url}/?view={view}&date={start}")
        ready = spec(claims, kind, view, start, timeout=timeout)
        page.evaluate("s => window.__bench.watchFirst(s)", ready)
        page.wait_for_function(
            "() => window.__bench.first && window.__bench.first.map", timeout=timeout * 1000 * 3, polling=50
        )
        wait_idle(page, kind)
        # Zoom in and pan as a user would; make sure it took (a map rebuilt meanwhile loses it).
        for _ in range(5):
            initial = page.evaluate("kind => window.__bench.view(kind)", kind)
            page.evaluate("kind => window.__bench.zoomPan(kind)", kind)
            page.wait_for_timeout(300)
            wait_idle(page, kind)
            before = page.evaluate("kind => window.__bench.view(kind)", kind)
            if initial and before and before[2] == initial[2] + 1:
                break
        # Ours: the map's own slider (in the component); naive: Streamlit's select_slider.
        slider = (
            page.locator(".cm-root").get_by_role("slider", name="Date")
            if kind == "ours"
            else page.locator(".st-key-date input[type=range]")
        )
        slider.focus()
        index = days.index(start)
        steps = []
        cpu_start = cpu_seconds(pid) if pid else None
        for move in moves:
            index += move
            iso = days[index]
            want = spec(claims, kind, view, iso, timeout=timeout)
            if follow:
                want["urlDate"], want["label"] = iso, day_label(iso)
            if not slider.evaluate("e => e.getRootNode().activeElement === e"):
                slider.focus()
            page.evaluate("s => window.__bench.arm(s)", want)
            mark = wire.mark()
            page.keyboard.press("ArrowRight" if move > 0 else "ArrowLeft")
            page.wait_for_function(
                "() => window.__bench.step.done", timeout=timeout * 1000 + 5000, polling=20
            )
            wait_idle(page, kind)
            rec = page.evaluate("() => window.__bench.step")
            step = {"day": iso, "timed_out": rec["timedOut"], "frames": rec["frames"], "blank": rec["blank"]}
            for key in ("dom", "map", "url", "heading", "sent", "answer", "last"):
                step[key + "_ms"] = rec[key] - rec["key"] if rec.get(key) is not None else None
            step["bytes"] = wire.since(mark)
            steps.append(step)
        # The server's own CPU time (not the browser's, which shares the machine) per step.
        server_cpu = (cpu_seconds(pid) - cpu_start) / len(moves) if pid and moves else None
        played = (
            play(page, claims, view, days, index, pid, steps=play_steps)
            if kind == "ours" and play_steps
            else None
        )
        after = page.evaluate("kind => window.__bench.view(kind)", kind)
        return {
            "kind": kind,
            "view": view,
            "start": start,
            "steps": steps,
            "view_before": before,
            "server_cpu_s_per_step": server_cpu,
            "play": played,
            "view_after": after,
            "zoom_pan_kept": _same_view(before, after),
            "outside_requests": outside,
            "js_errors": errors,
        }


def play(
    page, claims, view: str, days: list[str], index: int, pid, *, steps: int, timeout: float = 60
) -> dict:
    """Ours: press the map's own Play button, let ``steps`` days go by, press Pause.

    Per step (the engine moves the date itself, about every 90 ms): from the root's
    ``data-date`` change to the first moment the paths carry that day's holders (0 when the
    map is repainted before the date is shown); blank and stale frames; the server's CPU per
    played day (Python hears of the date every 10 steps and on pause).
    """
    if index >= len(days) - steps - 2:
        index = 0
    by_day = {d: resolve_holders(claims, view, d) for d in days[index : index + steps + 15]}
    count = len(next(iter(by_day.values())))
    page.evaluate("s => window.__bench.watchPlay(s)", {"byDay": by_day, "count": count})
    cpu_start = cpu_seconds(pid) if pid else None
    controls = page.locator(".cm-root")
    t0 = time.monotonic()
    controls.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "n => window.__bench.play.steps.length >= n", arg=steps, timeout=timeout * 1000, polling=50
    )
    controls.get_by_role("button", name="Pause").click()
    wall = time.monotonic() - t0
    wait_idle(page, "ours")
    rec = page.evaluate("() => window.__bench.stopPlay()")
    cpu = cpu_seconds(pid) - cpu_start if pid else None
    shown = [s for s in rec["steps"] if s["day"] in by_day]
    latency = [s["match"] - s["change"] if s["match"] is not None else None for s in shown]
    changes = [s["change"] for s in shown]
    return {
        "steps": len(rec["steps"]),
        "checked": len(shown),
        "unmatched": sum(1 for x in latency if x is None),
        "paint_ms": percentiles(latency),
        "interval_ms": percentiles([b - a for a, b in zip(changes, changes[1:])]),
        "frames": rec["frames"],
        "blank_frames": rec["blank"],
        "stale_frames": rec["stale"],
        "wall_s": wall,
        "server_cpu_ms_per_day": None if cpu is None else cpu / len(rec["steps"]) * 1000,
        "server_cpu_s": cpu,
    }


def resolve_holders(claims, view: str, iso: str) -> dict:
    from dashboard.control import resolve

    return resolve(claims, view=view, on=iso).holders()


def _same_view(a, b) -> bool:
    return bool(a and b and abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6 and a[2] == b[2])


# -- summaries -------------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values) + 0.5) - 1))]
    return {"n": len(values), "p50": statistics.median(values), "p95": p95, "max": values[-1]}


def summarise(run: dict) -> dict:
    steps = run["steps"]
    out = {
        "steps": len(steps),
        "timed_out": sum(s["timed_out"] for s in steps),
        "map_ms": percentiles([s["map_ms"] for s in steps]),
        "blank_frames": sum(s["blank"] for s in steps),
        "steps_with_blank_frames": sum(1 for s in steps if s["blank"]),
        "zoom_pan_kept": run["zoom_pan_kept"],
        "server_cpu_ms_per_step": None
        if run.get("server_cpu_s_per_step") is None
        else run["server_cpu_s_per_step"] * 1000,
        "bytes_per_step": percentiles([s["bytes"]["total_bytes"] for s in steps]),
        "map_args_resent": sum(s["bytes"]["map_args_sent"] for s in steps),
        "cached_refs_per_step": percentiles([s["bytes"]["cached_refs"] for s in steps]),
        "play": run.get("play"),
    }
    if any(s.get("dom_ms") is not None for s in steps):
        out["dom_ms"] = percentiles([s["dom_ms"] for s in steps])
    if any(s.get("sent_ms") is not None for s in steps):
        out["rerun_sent_ms"] = percentiles([s["sent_ms"] for s in steps])
        out["first_answer_ms"] = percentiles([s["answer_ms"] for s in steps])
        out["last_answer_ms"] = percentiles([s["last_ms"] for s in steps])
    if any(s.get("url_ms") is not None for s in steps):
        out["url_ms"] = percentiles([s["url_ms"] for s in steps])
        out["heading_ms"] = percentiles([s["heading_ms"] for s in steps])
        out["page_ms"] = percentiles(
            [
                max(s["url_ms"], s["heading_ms"])
                for s in steps
                if s["url_ms"] is not None and s["heading_ms"] is not None
            ]
        )
    return out


def moves_for(n: int) -> list[int]:
    """``n`` key presses: two thirds forward, then back."""
    forward = (2 * n + 2) // 3
    return [1] * forward + [-1] * (n - forward)


def run_target(
    browser,
    *,
    name: str,
    claims_path: Path,
    kind: str,
    view: str,
    start: str,
    steps: int,
    warm_repeats: int,
    play_steps: int = 0,
    log=print,
) -> dict:
    from dashboard.claims import read_claims

    claims = read_claims(claims_path)
    script = OUR_APP if kind == "ours" else NAIVE_APP
    env = {"STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "true"} if kind == "naive" else {}
    result = {"target": name, "kind": kind, "claims": len(claims.claims), "districts": len(claims.districts)}
    t0 = time.monotonic()
    with streamlit_server(claims_path, script=script, env=env, timeout=90) as url:
        log(f"  {name}/{kind}: server up in {time.monotonic() - t0:.1f} s; first paint")
        # Cold: the first page after the server started (nothing cached anywhere). Then, in
        # fresh browsers: a new visitor (server warm, browser cache empty) and the same
        # visitor's second navigation (browser cache warm too).
        cold, *_ = first_paint(browser, url, claims, kind, view, start, navigations=1)
        visitors, warm = [], []
        for _ in range(warm_repeats):
            first, second = first_paint(browser, url, claims, kind, view, start, navigations=2)
            visitors.append(first)
            warm.append(second)
        result["first_cold"] = cold
        result["first_visitor_all"], result["first_warm_all"] = visitors, warm
        result["first_visitor"] = sorted(visitors, key=lambda r: r["map"])[len(visitors) // 2]
        result["first_warm"] = sorted(warm, key=lambda r: r["map"])[len(warm) // 2]
        log(
            f"  {name}/{kind}: first paint cold {cold['map']:.2f} s, new visitor "
            f"{result['first_visitor']['map']:.2f} s, warm {result['first_warm']['map']:.2f} s; "
            f"scrubbing {steps} steps"
        )
        run = scrub(
            browser,
            url,
            claims,
            kind,
            view,
            start,
            moves_for(steps),
            follow=kind == "ours",
            play_steps=play_steps,
        )
        result["scrub"] = run
        result["summary"] = summarise(run)
        s = result["summary"]
        cpu = s["server_cpu_ms_per_step"]
        log(
            f"  {name}/{kind}: map p50 {s['map_ms']['p50']:.0f} ms p95 {s['map_ms']['p95']:.0f} ms, "
            f"blank frames {s['blank_frames']}, zoom kept {s['zoom_pan_kept']}, server CPU per step "
            + ("-" if cpu is None else f"{cpu:.0f} ms")
        )
        if s.get("play"):
            pl = s["play"]
            log(
                f"  {name}/{kind}: play {pl['steps']} days, paint after the date p95 "
                f"{pl['paint_ms']['p95']} ms, blank {pl['blank_frames']}, stale {pl['stale_frames']}, "
                f"server CPU per day {pl['server_cpu_ms_per_day']:.0f} ms"
            )
    return result


# -- the published site ----------------------------------------------------------------------------


@contextmanager
def static_server(folder: Path):
    """``python -m http.server`` on 127.0.0.1 serving ``folder``; stopped by its own PID."""
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/index.html", timeout=1).read(1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:  # noqa: BLE001
            proc.kill()


def published_site(
    browser, *, name: str, claims_path: Path, view: str, start: str, repeats: int, log=print
) -> dict:
    """``python -m dashboard publish`` of the claims, served by ``python -m http.server``:
    first paint (navigation -> the map coloured as expected) with an empty browser cache and
    warm (same browser, again), and the site's bytes (on disk and over the wire)."""
    import subprocess
    import sys
    import tempfile

    from dashboard.claims import read_claims

    claims = read_claims(claims_path)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        folder = Path(tmp) / "site"
        t0 = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "dashboard", "publish", "-o", str(folder), "--claims", str(claims_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"publish failed:\n{done.stderr[-2000:]}")
        publish_s = time.monotonic() - t0
        files = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
        want = spec(claims, "ours", view, start, timeout=30)
        cold, warm = [], []
        with static_server(folder) as url:
            target = f"{url}/index.html#view={view}&date={start}"
            for _ in range(repeats):
                with page_for(browser, first=want) as (page, wire, outside, errors):
                    for i in range(2):
                        mark = wire.mark()
                        if i:
                            page.goto("about:blank")
                            mark = wire.mark()
                        page.goto(target, wait_until="commit")
                        page.wait_for_function(
                            "() => window.__bench && window.__bench.first && window.__bench.first.map",
                            timeout=30_000,
                            polling=20,
                        )
                        page.wait_for_load_state("load")
                        rec = page.evaluate(
                            "() => ({...window.__bench.first, origin: performance.timeOrigin})"
                        )
                        one = {
                            k: (rec[k] - rec["origin"]) / 1000 if rec.get(k) else None
                            for k in ("shell", "iframe", "inner", "ready", "map")
                        }
                        one["bytes"] = wire.since(mark)
                        one["outside_requests"], one["js_errors"] = list(outside), list(errors)
                        (warm if i else cold).append(one)
    mid = lambda runs: sorted(runs, key=lambda r: r["map"])[len(runs) // 2]  # noqa: E731
    out = {
        "target": name,
        "districts": len(claims.districts),
        "claims": len(claims.claims),
        "publish_s": publish_s,
        "files": files,
        "bytes_on_disk": sum(files.values()),
        "first_cold_all": cold,
        "first_warm_all": warm,
        "first_cold": mid(cold),
        "first_warm": mid(warm),
        "bytes_over_wire_first": mid(cold)["bytes"]["http_bytes"],
    }
    log(
        f"  site/{name}: {out['bytes_on_disk'] / 1e6:.2f} MB; first paint empty cache "
        f"{out['first_cold']['map']:.2f} s, warm {out['first_warm']['map']:.2f} s"
    )
    return out


def chromium_version() -> str:
    import subprocess

    try:
        return subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def national_file(n: int) -> Path:
    from bench.core import yaml_file
    from dashboard import boundaries

    return yaml_file(n, list(boundaries.load_region("AF")["pcode"]))


def start_day(claims, offset_days: int) -> str:
    first = min(c.date for c in claims.claims)
    return (first + dt.timedelta(days=offset_days)).isoformat()
