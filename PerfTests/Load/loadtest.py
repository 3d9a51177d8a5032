#!/usr/bin/env python3
"""iipsrv-async against Debian's iipsrv, side by side behind one nginx, with wrk.

Each workload is run for both servers in alternation (iipsrv, project, iipsrv, project ...) so that both see
the same machine state; the figures printed are medians over the rounds, server CPU milliseconds per request
(from /proc, all of a server's processes), p99 latency, and the ratio project / iipsrv.

    python3 PerfTests/Load/loadtest.py                        # every workload, 64 connections
    python3 PerfTests/Load/loadtest.py --memory 300           # plus 5 minutes of uncached load, RSS sampled
    python3 PerfTests/Load/loadtest.py --workloads regions --rounds 5 --seed 7
    python3 PerfTests/Load/loadtest.py --format jp2 --image 8192x6144 --workloads cold,session,regions
    python3 PerfTests/Load/loadtest.py --baseline /work/base/.build/release/iipsrv-async   # against the previous main

Workloads (request lists drawn from --seed):
    hot       64 tiles from the middle levels requested over and over (cache hits)
    cold      tiles drawn over the whole pyramid, weighted by level size (mostly misses)
    session   viewers zooming from the whole image toward a random point, 5x3 tiles a level
    regions   CVT exports of 5-40% of the image, 200-1000 px wide
    http      the project's own HTTP frontend on the hot tiles, against nginx serving them as static files with
              one worker (the goal's reference) and with two workers (reported, stricter)

Servers: iipsrv as Debian installs it (/usr/lib/iipimage-server/iipsrv.fcgi), two processes under spawn-fcgi
(one per core, its usual deployment); iipsrv-async as one process. Both get VERBOSITY=0, JPEG_QUALITY=75 and
MAX_IMAGE_CACHE_SIZE=10. Needs nginx, wrk, spawn-fcgi, iipimage-server and libvips-tools (for the image).
Exit status 0 when every goal of issue 5 is met with zero errors; 1 otherwise.

--baseline BINARY (issue 9: no workload may lose more than 5% against the previous main) starts a second
iipsrv-async, built from the previous main, exactly as the project binary (same environment and --env, its own
FastCGI port behind the same nginx, its own HTTP port), and it joins the alternation of every workload, the two
iipsrv-async binaries swapping order every other round. Under each workload's line a "baseline" line gives the
baseline's req/s, CPU ms per request and p99 in the left columns, the project's in the right ones (for http
those of the two HTTP frontends) and the ratio project / baseline, marked ok when it is at least 0.95; then
"baseline check: all within 5%" or the workloads that lost more. --json adds "baseline" (figures),
"baseline_ratio" and "baseline_ok" to each workload (to http also the project's figures, as "iipsrv-async"), and
{"binary", "lost"} as the top-level "baseline". The baseline check is reported only: the exit status stays that
of issue 5's goals.
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

IIPSRV = "/usr/lib/iipimage-server/iipsrv.fcgi"
ENDPOINT = "/fcgi-bin/iipsrv.fcgi"
GOALS = {"hot": 4.0, "cold": 4.0, "session": 4.0, "regions": 2.0, "http": 0.5}
# JPEG 2000 (issue 10): tiles at least 3x iipsrv 1.1's rate, region exports at least 2x.
JP2_GOALS = {"hot": 3.0, "cold": 3.0, "session": 3.0, "regions": 2.0, "http": 0.5}
PROJECT, BASELINE = "iipsrv-async", "baseline"
BASELINE_FLOOR = 0.95  # issue 9: project req/s >= 0.95 x the previous main's, every workload

WRK_SCRIPT = r"""
local list, n, thread_id = {}, 0, 0
function setup(thread) thread:set("offset", thread_id * 104729); thread_id = thread_id + 1 end
function init(args)
  for line in io.lines(args[1]) do list[#list + 1] = line end
  n = offset or 0
end
function request() n = n + 1; return wrk.format("GET", list[n % #list + 1]) end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LOAD %d %d %d %.3f %.3f\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""

NGINX_CONF = """worker_processes 2;
worker_rlimit_nofile 16384;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-body; fastcgi_temp_path {work}/tmp-fastcgi;
  proxy_temp_path {work}/tmp-proxy; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  upstream reference {{ server 127.0.0.1:{reference_fcgi}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{reference_http};
    location {endpoint} {{ fastcgi_pass reference; include {work}/fastcgi.conf; }}
  }}
{async_servers}  server {{ listen 127.0.0.1:{static_http}; location /static/ {{ root {work}; }} }}
}}
"""

# One for each iipsrv-async binary (the project, and the baseline with --baseline).
NGINX_ASYNC = """  upstream {upstream} {{ server 127.0.0.1:{fcgi}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{http};
    location {endpoint} {{ fastcgi_pass {upstream}; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
  }}
"""

# nginx as iipsrv's documentation deploys it for static files, one worker: the reference of issue 5's "about
# 35,000/s" ceiling. The two-worker server above is the stricter comparison (both cores, as our two event loops).
NGINX_STATIC_ONE_WORKER = """worker_processes 1;
pid {work}/nginx-static1.pid;
error_log {work}/nginx-static1-error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-body; fastcgi_temp_path {work}/tmp-fastcgi;
  proxy_temp_path {work}/tmp-proxy; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  server {{ listen 127.0.0.1:{static1_http}; location /static/ {{ root {work}; }} }}
}}
"""

FASTCGI_PARAMS = "\n".join(
    f"fastcgi_param {name} ${value};"
    for name, value in [
        ("QUERY_STRING", "query_string"), ("REQUEST_METHOD", "request_method"), ("REQUEST_URI", "request_uri"),
        ("SCRIPT_NAME", "fastcgi_script_name"), ("SERVER_NAME", "server_name"), ("SERVER_PORT", "server_port"),
        ("SERVER_PROTOCOL", "server_protocol"), ("HTTP_HOST", "http_host"),
        ("HTTP_IF_MODIFIED_SINCE", "http_if_modified_since"),
    ]
) + "\n"


def run(*args, **kwargs):
    return subprocess.run(list(args), check=True, **kwargs)


def free_ports(count):
    """`count` distinct free ports: every socket stays open until all are chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except Exception:
            time.sleep(0.25)
    raise SystemExit(f"no answer from {url} within {seconds} s")


def require_tools():
    needed = {"nginx": "nginx-light", "wrk": "wrk", "spawn-fcgi": "spawn-fcgi", "vips": "libvips-tools"}
    missing = [package for tool, package in needed.items() if shutil.which(tool) is None]
    if not os.path.exists(IIPSRV):
        missing.append("iipimage-server")
    if missing:
        raise SystemExit("missing packages: apt-get install " + " ".join(missing))


# The image ------------------------------------------------------------------------------------------------------

def generate_image(folder, width, height, seed, fmt="tif"):
    """A JPEG-in-TIFF pyramid of seeded noise: detail at every level, different for every seed. With fmt "jp2",
    the same picture as an archival JPEG 2000 (opj_compress: 1024 tiles, 3 quality layers, RPCL, precincts)."""
    path = os.path.join(folder, f"load-{width}x{height}-{seed}.{fmt}")
    if os.path.exists(path):
        return path
    if fmt == "jp2":
        tif = generate_image(folder, width, height, seed)
        ppm = path + ".ppm"
        print(f"generating {path} (opj_compress) ...", flush=True)
        run("vips", "copy", tif, ppm)
        try:
            run("opj_compress", "-i", ppm, "-o", path + ".part.jp2", "-t", "1024,1024", "-n", "7",
                "-r", "40,20,10", "-p", "RPCL", "-c", "[256,256],[256,256],[128,128]")
            os.rename(path + ".part.jp2", path)
        finally:
            os.remove(ppm)
        return path
    print(f"generating {path} (vips, seed {seed}) ...", flush=True)
    scratch = tempfile.mkdtemp(dir=folder)
    try:
        bands = []
        for n, (kind, cell) in enumerate([("worley", 173), ("perlin", 331), ("perlin", 59)]):
            band = os.path.join(scratch, f"b{n}.v")
            run("vips", kind, band, str(width), str(height), "--cell-size", str(cell), "--seed", str(seed + n))
            bands.append(band)
        joined, scaled = os.path.join(scratch, "rgb.v"), os.path.join(scratch, "u8.v")
        run("vips", "bandjoin", " ".join(bands), joined)
        run("vips", "linear", joined, scaled, "0.6 110 110", "40 128 128", "--uchar")
        run("vips", "tiffsave", scaled, path + ".part", "--tile", "--tile-width", "256", "--tile-height", "256",
            "--pyramid", "--compression", "jpeg", "--Q", "85", "--bigtiff")
        os.rename(path + ".part", path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return path


def pyramid(image, tile=256):
    """Level sizes and tile grids of a pyramid TIFF, smallest first as IIP numbers resolutions (vipsheader); for
    JPEG 2000, iipsrv's levels: floor halves until both sides fit in one 256 tile."""
    if image.endswith(".jp2"):
        w, h = (int(v) for v in re.search(r"(\d+)x(\d+)", os.path.basename(image)).groups())
        levels = [(w, h, math.ceil(w / tile), math.ceil(h / tile))]
        while w > tile or h > tile:
            w, h = w // 2, h // 2
            levels.append((w, h, math.ceil(w / tile), math.ceil(h / tile)))
        return sorted(levels)
    pages = int(subprocess.run(["vipsheader", "-f", "n-pages", image], capture_output=True, text=True,
                               check=True).stdout.strip() or 1)
    levels = []
    for page in range(pages):
        out = subprocess.run(["vipsheader", f"{image}[page={page}]"], capture_output=True, text=True,
                             check=True).stdout
        w, h = (int(v) for v in re.search(r"(\d+)x(\d+)", out.split(":", 1)[1]).groups())
        levels.append((w, h, math.ceil(w / tile), math.ceil(h / tile)))
    return sorted(levels)


# The requests ---------------------------------------------------------------------------------------------------

def requests_for(workload, image, levels, rng, count):
    name = os.path.basename(image)
    tile = lambda r, t: f"{ENDPOINT}?FIF={name}&JTL={r},{t}"
    if workload in ("hot", "http"):
        middle = range(max(0, len(levels) // 2 - 1), min(len(levels), len(levels) // 2 + 2))
        working_set = []
        while len(set(working_set)) < 64:
            r = rng.choice(middle)
            working_set.append(tile(r, rng.randrange(levels[r][2] * levels[r][3])))
        working_set = sorted(set(working_set))
        return [rng.choice(working_set) for _ in range(count)]
    if workload == "cold":
        weights = [cols * rows for _, _, cols, rows in levels]
        out = []
        for _ in range(count):
            r = rng.choices(range(len(levels)), weights)[0]
            out.append(tile(r, rng.randrange(weights[r])))
        return out
    if workload == "session":
        out = []
        while len(out) < count:
            fx, fy = rng.random(), rng.random()
            for r, (_, _, cols, rows) in enumerate(levels):
                cx, cy = min(int(fx * cols), cols - 1), min(int(fy * rows), rows - 1)
                for y in range(cy - 1, cy + 2):
                    for x in range(cx - 2, cx + 3):
                        if 0 <= x < cols and 0 <= y < rows:
                            out.append(tile(r, y * cols + x))
        return out[:count]
    if workload == "regions":
        out = []
        for _ in range(count):
            w, h = rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4)
            x, y = rng.uniform(0, 1 - w), rng.uniform(0, 1 - h)
            out.append(f"{ENDPOINT}?FIF={name}&WID={rng.randint(200, 1000)}"
                       f"&RGN={x:.4f},{y:.4f},{w:.4f},{h:.4f}&CVT=jpeg")
        return out
    raise SystemExit(f"unknown workload {workload}")


# Measuring ------------------------------------------------------------------------------------------------------

def cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            pass
    return total


def rss_megabytes(pid, field="VmRSS"):
    """Resident size in MB: VmRSS (all), RssAnon (the process's own memory) or RssFile (mapped file pages)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def load(work, port, listfile, seconds, connections, threads=2, timeout=10):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s", "-s",
         os.path.join(work, "list.lua"), f"http://127.0.0.1:{port}", "--", listfile],
        capture_output=True, text=True, check=True).stdout
    match = re.search(r"LOAD (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    requests, status_errors, socket_errors = (int(v) for v in match.groups()[:3])
    return {"requests": requests, "errors": status_errors + socket_errors, "rate": requests / seconds,
            "p50": float(match.group(4)), "p99": float(match.group(5))}


class Servers:
    """nginx in front of iipsrv (two processes) and of each iipsrv-async binary, plus nginx serving static tiles.

    `binaries` maps each iipsrv-async server's name (PROJECT, and BASELINE with --baseline) to its executable;
    each runs as one process on its own FastCGI port (behind nginx) and its own HTTP port.
    """

    def __init__(self, work, binaries, image_folder, extra_env):
        self.work = work
        shared = ("reference_fcgi", "reference_http", "static_http", "static1_http")
        ports = iter(free_ports(len(shared) + 3 * len(binaries)))
        self.ports = {name: next(ports) for name in shared}
        self.async_ports = {which: {kind: next(ports) for kind in ("fcgi", "http", "direct")} for which in binaries}
        self.reference_pids = []
        self.processes = {}
        try:
            self._start(work, binaries, image_folder, extra_env)
        except BaseException:
            self.stop()
            raise

    def _start(self, work, binaries, image_folder, extra_env):
        env = dict(os.environ, VERBOSITY="0", JPEG_QUALITY="75", MAX_IMAGE_CACHE_SIZE="10",
                   FILESYSTEM_PREFIX=image_folder + "/", LOGFILE=os.path.join(work, "servers.log"))
        spawned = subprocess.run(
            ["spawn-fcgi", "-a", "127.0.0.1", "-p", str(self.ports["reference_fcgi"]), "-F", "2", "-f", IIPSRV],
            env=env, capture_output=True, text=True, check=True)
        self.reference_pids = [int(p) for p in re.findall(r"PID: (\d+)", spawned.stdout + spawned.stderr)]
        async_env = dict(env, **extra_env)
        for which, binary in binaries.items():
            ports = self.async_ports[which]
            self.processes[which] = subprocess.Popen(
                [binary, "--fcgi", f"127.0.0.1:{ports['fcgi']}", "--http", str(ports["direct"])],
                env=async_env, stdout=open(os.path.join(work, f"{which}.out"), "w"), stderr=subprocess.STDOUT)
        with open(os.path.join(work, "fastcgi.conf"), "w") as f:
            f.write(FASTCGI_PARAMS)
        async_servers = "".join(NGINX_ASYNC.format(upstream=which.replace("-", "_"), endpoint=ENDPOINT, work=work,
                                                   **ports) for which, ports in self.async_ports.items())
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(work=work, endpoint=ENDPOINT, async_servers=async_servers, **self.ports))
        run("nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work, stderr=subprocess.DEVNULL)
        with open(os.path.join(work, "nginx-static1.conf"), "w") as f:
            f.write(NGINX_STATIC_ONE_WORKER.format(work=work, **self.ports))
        run("nginx", "-c", os.path.join(work, "nginx-static1.conf"), "-p", work, stderr=subprocess.DEVNULL)

    def async_order(self, round_number):
        """The iipsrv-async servers in a round's order: reversed every other round, so that neither of two
        binaries always runs right after the other (with the project alone, always the same)."""
        names = list(self.async_ports)
        return names if round_number % 2 == 0 else names[::-1]

    def pids(self, which):
        return self.reference_pids if which == "iipsrv" else [self.processes[which].pid]

    def port(self, which):
        """nginx's port in front of `which` (FastCGI)."""
        return self.ports["reference_http"] if which == "iipsrv" else self.async_ports[which]["http"]

    def direct_port(self, which):
        """The iipsrv-async server's own HTTP port."""
        return self.async_ports[which]["direct"]

    def stop(self):
        """Stops everything this instance started and waits for it to be gone (the pid files are reused)."""
        stopping = []
        for pidfile in ("nginx.pid", "nginx-static1.pid"):
            try:
                with open(os.path.join(self.work, pidfile)) as f:
                    pid = int(f.read())
                os.kill(pid, signal.SIGQUIT)
                stopping.append(pid)
            except (OSError, ValueError):
                pass
        for pid in self.reference_pids:
            try:
                os.kill(pid, signal.SIGTERM)
                stopping.append(pid)
            except OSError:
                pass
        for process in self.processes.values():
            process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        deadline = time.time() + 5
        for pid in stopping:
            while time.time() < deadline:
                try:
                    os.kill(pid, 0)
                except OSError:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def measure(work, port, listfile, pids, args):
    """One wrk run against `port`, with the CPU milliseconds per request the processes `pids` spent on it."""
    before = cpu_seconds(pids)
    result = load(work, port, listfile, args.seconds, args.connections)
    result["cpu_ms"] = 1000 * (cpu_seconds(pids) - before) / max(result["requests"], 1)
    return result


def medians(results):
    summary = {key: statistics.median(r[key] for r in results) for key in ("rate", "p50", "p99", "cpu_ms")}
    summary["errors"] = sum(r["errors"] for r in results)
    return summary


def against_baseline(summary, project, baseline):
    """Adds project / baseline (req/s) to a workload's summary, checked against BASELINE_FLOOR."""
    summary["baseline_ratio"] = project["rate"] / max(baseline["rate"], 1e-9)
    summary["baseline_ok"] = summary["baseline_ratio"] >= BASELINE_FLOOR


def compare(servers, work, workload, listfile, args):
    runs = {which: [] for which in ("iipsrv", *servers.async_order(0))}
    for round_number in range(args.rounds):
        for which in ("iipsrv", *servers.async_order(round_number)):
            runs[which].append(measure(work, servers.port(which), listfile, servers.pids(which), args))
    summary = {which: medians(results) for which, results in runs.items()}
    summary["ratio"] = summary[PROJECT]["rate"] / max(summary["iipsrv"]["rate"], 1e-9)
    if BASELINE in summary:
        against_baseline(summary, summary[PROJECT], summary[BASELINE])
    return summary


def compare_http(servers, work, image_folder, listfile, args):
    """The project's HTTP frontend against nginx serving the very same tiles as files (and the baseline's)."""
    static = os.path.join(work, "static")
    os.makedirs(static, exist_ok=True)
    requests = sorted(set(open(listfile).read().split()))
    files = {}
    for n, request in enumerate(requests):
        with urllib.request.urlopen(f"http://127.0.0.1:{servers.direct_port(PROJECT)}{request}") as r:
            data = r.read()
        with open(os.path.join(static, f"{n}.jpg"), "wb") as f:
            f.write(data)
        files[request] = f"/static/{n}.jpg"
    static_list = os.path.join(work, "http-static.txt")
    with open(static_list, "w") as f:
        f.write("\n".join(files[r] for r in open(listfile).read().split()) + "\n")
    nginx = {"nginx static": servers.ports["static1_http"], "nginx static, 2 workers": servers.ports["static_http"]}
    runs = {which: [] for which in (*nginx, *servers.async_order(0))}
    for round_number in range(args.rounds):
        for which, port in nginx.items():
            runs[which].append(measure(work, port, static_list, [], args))
        for which in servers.async_order(round_number):
            runs[which].append(measure(work, servers.direct_port(which), listfile, servers.pids(which), args))
    figures = {which: medians(results) for which, results in runs.items()}
    summary = {which: figures[which]["rate"] for which in nginx}
    summary["iipsrv-async http"] = figures[PROJECT]["rate"]
    summary["ratio"] = summary["iipsrv-async http"] / max(summary["nginx static"], 1e-9)
    summary["ratio_two_workers"] = summary["iipsrv-async http"] / max(summary["nginx static, 2 workers"], 1e-9)
    summary["errors"] = sum(figures[which]["errors"] for which in (*nginx, PROJECT))
    if BASELINE in figures:
        summary[PROJECT], summary[BASELINE] = figures[PROJECT], figures[BASELINE]
        against_baseline(summary, figures[PROJECT], figures[BASELINE])
    return summary


def memory_run(servers, work, image, levels, args):
    """Uncached load (tiles over the whole pyramid plus region exports) on the project only, RSS every second."""
    rng = random.Random(args.seed * 31 + 5)
    mixed = requests_for("cold", image, levels, rng, 90_000) + requests_for("regions", image, levels, rng, 10_000)
    rng.shuffle(mixed)
    listfile = os.path.join(work, "memory.txt")
    with open(listfile, "w") as f:
        f.write("\n".join(mixed) + "\n")
    pid = servers.pids(PROJECT)[0]
    idle = rss_megabytes(pid)
    wrk_process = subprocess.Popen(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.memory}s", "--timeout", "10s", "-s",
         os.path.join(work, "list.lua"), f"http://127.0.0.1:{servers.port(PROJECT)}", "--", listfile],
        stdout=subprocess.PIPE, text=True)
    samples = []
    anonymous = []
    start = time.time()
    while wrk_process.poll() is None:
        samples.append((time.time() - start, rss_megabytes(pid)))
        anonymous.append(rss_megabytes(pid, "RssAnon"))
        time.sleep(1)
    output = wrk_process.stdout.read()
    match = re.search(r"LOAD (\d+) (\d+) (\d+)", output)
    requests, errors = (int(match.group(1)), int(match.group(2)) + int(match.group(3))) if match else (0, -1)
    warm = [rss for t, rss in samples if t >= min(60, args.memory / 4)]
    first_half = [rss for t, rss in samples if min(60, args.memory / 4) <= t < args.memory / 2 + 30]
    budget = (float(args.project_env.get("MAX_IMAGE_CACHE_SIZE", 10))
              + float(args.project_env.get("MAX_DECODED_CACHE_SIZE", 32))) * 1.024
    return {"seconds": args.memory, "requests": requests, "errors": errors, "idle_mb": idle,
            "max_mb": max(rss for _, rss in samples), "anon_max_mb": max(anonymous),
            "file_end_mb": rss_megabytes(pid, "RssFile"), "warm_max_first_half_mb": max(first_half or [0]),
            "warm_max_mb": max(warm or [0]), "end_mb": samples[-1][1], "cache_budget_mb": budget,
            "samples": samples[:: max(1, len(samples) // 30)]}


def print_baseline(summary):
    """The row under a workload's with --baseline: the baseline's figures on the left, the project's on the right."""
    base, project = summary[BASELINE], summary[PROJECT]
    print(f"{' baseline':9} {base['rate']:13.0f} {base['cpu_ms']:7.3f} {base['p99']:8.1f}   {project['rate']:12.0f} "
          f"{project['cpu_ms']:7.3f} {project['p99']:8.1f}   {summary['baseline_ratio']:6.2f}  >= {BASELINE_FLOOR} "
          f"{'ok' if summary['baseline_ok'] else 'LOST'}" + (f" (errors {base['errors']}/{project['errors']})"
                                                             if base["errors"] or project["errors"] else ""),
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--baseline", help="an iipsrv-async of the previous main, measured in the same alternation")
    parser.add_argument("--workloads", default="hot,cold,session,regions,http")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--image", default="16384x12288", help="WIDTHxHEIGHT of the generated pyramid")
    parser.add_argument("--format", default="tif", choices=["tif", "jp2"],
                        help="the image's format: a JPEG-in-TIFF pyramid, or JPEG 2000 (its own goals)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--memory", type=int, default=0, help="seconds of uncached load with RSS sampled")
    parser.add_argument("--memory-image", default="40000x30000", help="the gigapixel image of --memory")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-load"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE for iipsrv-async (and --baseline) only")
    args = parser.parse_args()
    args.project_env = dict(item.split("=", 1) for item in args.env)

    binary = os.path.abspath(args.binary)
    binaries = {PROJECT: binary}
    if args.baseline:
        binaries[BASELINE] = os.path.abspath(args.baseline)
    for path in binaries.values():
        if not os.access(path, os.X_OK):
            raise SystemExit(f"no executable at {path}: swift build -c release --product iipsrv-async")
    require_tools()
    work = args.work
    images = os.path.join(work, "images")
    os.makedirs(images, exist_ok=True)
    shutil.rmtree(os.path.join(work, "static"), ignore_errors=True)
    with open(os.path.join(work, "list.lua"), "w") as f:
        f.write(WRK_SCRIPT)
    width, height = (int(v) for v in args.image.split("x"))
    image = generate_image(images, width, height, args.seed, args.format)
    levels = pyramid(image)
    goals = JP2_GOALS if args.format == "jp2" else GOALS
    memory_image = None
    if args.memory:
        mw, mh = (int(v) for v in args.memory_image.split("x"))
        memory_image = (generate_image(images, mw, mh, args.seed + 1), mw, mh)

    machine = f"{os.cpu_count()} cores, {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}"
    print(f"machine: {machine}; image {width}x{height}.{args.format} seed {args.seed}; {args.connections} connections, "
          f"{args.rounds} rounds of {args.seconds} s", flush=True)
    servers = Servers(work, binaries, images, args.project_env)
    results = {"machine": machine, "seed": args.seed, "image": args.image, "connections": args.connections}
    failures = []
    lost = []  # workloads where the project lost more than 5% against --baseline
    try:
        probe = f"{ENDPOINT}?FIF={os.path.basename(image)}&OBJ=Max-size"
        for which in ("iipsrv", *binaries):
            wait_for(f"http://127.0.0.1:{servers.port(which)}{probe}")
        rng = random.Random(args.seed)
        header = (f"{'workload':9} {'iipsrv req/s':>13} {'cpu-ms':>7} {'p99 ms':>8}   "
                  f"{'async req/s':>12} {'cpu-ms':>7} {'p99 ms':>8}   {'ratio':>6}  goal")
        print(header)
        if args.baseline:
            print(f"(baseline rows: {binaries[BASELINE]} on the left, the project on the right, "
                  f"ratio project / baseline)")
        for workload in [w for w in args.workloads.split(",") if w]:
            count = 5_000 if workload == "regions" else 100_000
            listfile = os.path.join(work, f"{workload}.txt")
            with open(listfile, "w") as f:
                f.write("\n".join(requests_for(workload, image, levels, random.Random(rng.random()), count))
                        + "\n")
            if workload == "http":
                s = compare_http(servers, work, images, listfile, args)
                met = s["ratio"] >= goals["http"] and s["errors"] == 0
                print(f"{'http':9} {s['nginx static']:13.0f} {'(nginx static, 1 worker)':>21}"
                      f"{s['iipsrv-async http']:11.0f} {'':>16}   {s['ratio']:6.2f}  >= {goals['http']}"
                      f" {'met' if met else 'MISSED'}", flush=True)
                print(f"{'':9} {s['nginx static, 2 workers']:13.0f} {'(nginx static, 2 workers)':>21}"
                      f"{'':11} {'':>16}   {s['ratio_two_workers']:6.2f}  (stricter; not a goal)", flush=True)
            else:
                s = compare(servers, work, workload, listfile, args)
                a, b = s["iipsrv"], s[PROJECT]
                met = (s["ratio"] >= goals[workload] and b["cpu_ms"] < a["cpu_ms"] and b["p99"] <= a["p99"]
                       and a["errors"] == 0 and b["errors"] == 0)
                print(f"{workload:9} {a['rate']:13.0f} {a['cpu_ms']:7.3f} {a['p99']:8.1f}   {b['rate']:12.0f} "
                      f"{b['cpu_ms']:7.3f} {b['p99']:8.1f}   {s['ratio']:6.2f}  >= {goals[workload]} "
                      f"{'met' if met else 'MISSED'}" + (f" (errors {a['errors']}/{b['errors']})"
                                                         if a["errors"] or b["errors"] else ""), flush=True)
            results[workload] = s
            if not met:
                failures.append(workload)
            if args.baseline:
                print_baseline(s)
                if not s["baseline_ok"]:
                    lost.append(workload)
        if memory_image:
            servers.stop()
            servers = Servers(work, {PROJECT: binary}, images, args.project_env)
            path, mw, mh = memory_image
            wait_for(f"http://127.0.0.1:{servers.port(PROJECT)}{ENDPOINT}?FIF={os.path.basename(path)}"
                     f"&OBJ=Max-size")
            m = memory_run(servers, work, path, pyramid(path), args)
            results["memory"] = m
            growth = m["warm_max_mb"] - m["warm_max_first_half_mb"]
            print(f"memory    {args.memory} s uncached on {args.memory_image}: {m['requests']} requests, "
                  f"{m['errors']} errors; RSS idle {m['idle_mb']:.0f} MB, max {m['max_mb']:.0f} MB, end "
                  f"{m['end_mb']:.0f} MB (anonymous max {m['anon_max_mb']:.0f} MB, file-backed {m['file_end_mb']:.0f} MB); cache budgets {m['cache_budget_mb']:.0f} MB; growth after warm-up "
                  f"{growth:+.0f} MB", flush=True)
            if m["errors"] != 0 or growth > 8:
                failures.append("memory")
    finally:
        servers.stop()
    if args.baseline:
        results[BASELINE] = {"binary": binaries[BASELINE], "lost": lost}
        print("baseline check: " + ("all within 5%" if not lost else "lost more than 5%: " + ", ".join(
            f"{w} {results[w]['baseline_ratio']:.2f}" for w in lost)), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print("SUMMARY " + " ".join(f"{k}={results[k]['ratio']:.2f}" for k in results
                                if isinstance(results[k], dict) and "ratio" in results[k])
          + (" all goals met" if not failures else " missed: " + ",".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
