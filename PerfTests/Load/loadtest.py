#!/usr/bin/env python3
"""iipsrv-async against Debian's iipsrv, side by side behind one nginx, with wrk.

Each workload is run for both servers in alternation (iipsrv, project, iipsrv, project ...) so that both see
the same machine state; the figures printed are medians over the rounds, server CPU milliseconds per request
(from /proc, all of a server's processes), p99 latency, and the ratio project / iipsrv.

    python3 PerfTests/Load/loadtest.py                        # every workload, 64 connections
    python3 PerfTests/Load/loadtest.py --memory 300           # plus 5 minutes of uncached load, RSS sampled
    python3 PerfTests/Load/loadtest.py --workloads regions --rounds 5 --seed 7

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
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-body; fastcgi_temp_path {work}/tmp-fastcgi;
  proxy_temp_path {work}/tmp-proxy; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  upstream reference {{ server 127.0.0.1:{reference_fcgi}; keepalive 64; }}
  upstream project {{ server 127.0.0.1:{project_fcgi}; keepalive 64; }}
  server {{
    listen 127.0.0.1:{reference_http};
    location {endpoint} {{ fastcgi_pass reference; include {work}/fastcgi.conf; }}
  }}
  server {{
    listen 127.0.0.1:{project_http};
    location {endpoint} {{ fastcgi_pass project; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
  }}
  server {{ listen 127.0.0.1:{static_http}; location /static/ {{ root {work}; }} }}
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

def generate_image(folder, width, height, seed):
    """A JPEG-in-TIFF pyramid of seeded noise: detail at every level, different for every seed."""
    path = os.path.join(folder, f"load-{width}x{height}-{seed}.tif")
    if os.path.exists(path):
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
    """Level sizes and tile grids of a pyramid TIFF, smallest first as IIP numbers resolutions (vipsheader)."""
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


def load(work, port, listfile, seconds, connections, threads=2):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
         os.path.join(work, "list.lua"), f"http://127.0.0.1:{port}", "--", listfile],
        capture_output=True, text=True, check=True).stdout
    match = re.search(r"LOAD (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    requests, status_errors, socket_errors = (int(v) for v in match.groups()[:3])
    return {"requests": requests, "errors": status_errors + socket_errors, "rate": requests / seconds,
            "p50": float(match.group(4)), "p99": float(match.group(5))}


class Servers:
    """nginx in front of iipsrv (two processes) and iipsrv-async, plus nginx serving static tiles."""

    def __init__(self, work, binary, image_folder, extra_env):
        self.work = work
        names = ("reference_fcgi", "project_fcgi", "reference_http", "project_http", "static_http", "static1_http",
                 "project_direct")
        self.ports = dict(zip(names, free_ports(len(names))))
        self.reference_pids = []
        self.project = None
        try:
            self._start(work, binary, image_folder, extra_env)
        except BaseException:
            self.stop()
            raise

    def _start(self, work, binary, image_folder, extra_env):
        env = dict(os.environ, VERBOSITY="0", JPEG_QUALITY="75", MAX_IMAGE_CACHE_SIZE="10",
                   FILESYSTEM_PREFIX=image_folder + "/", LOGFILE=os.path.join(work, "servers.log"))
        spawned = subprocess.run(
            ["spawn-fcgi", "-a", "127.0.0.1", "-p", str(self.ports["reference_fcgi"]), "-F", "2", "-f", IIPSRV],
            env=env, capture_output=True, text=True, check=True)
        self.reference_pids = [int(p) for p in re.findall(r"PID: (\d+)", spawned.stdout + spawned.stderr)]
        project_env = dict(env, **extra_env)
        self.project = subprocess.Popen(
            [binary, "--fcgi", f"127.0.0.1:{self.ports['project_fcgi']}", "--http",
             str(self.ports["project_direct"])],
            env=project_env, stdout=open(os.path.join(work, "project.out"), "w"), stderr=subprocess.STDOUT)
        with open(os.path.join(work, "fastcgi.conf"), "w") as f:
            f.write(FASTCGI_PARAMS)
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(work=work, endpoint=ENDPOINT, **self.ports))
        run("nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work, stderr=subprocess.DEVNULL)
        with open(os.path.join(work, "nginx-static1.conf"), "w") as f:
            f.write(NGINX_STATIC_ONE_WORKER.format(work=work, **self.ports))
        run("nginx", "-c", os.path.join(work, "nginx-static1.conf"), "-p", work, stderr=subprocess.DEVNULL)

    def pids(self, which):
        return self.reference_pids if which == "iipsrv" else [self.project.pid]

    def port(self, which):
        return self.ports["reference_http" if which == "iipsrv" else "project_http"]

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
        if self.project is not None:
            self.project.send_signal(signal.SIGTERM)
            try:
                self.project.wait(15)
            except subprocess.TimeoutExpired:
                self.project.kill()
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


def compare(servers, work, workload, listfile, args):
    runs = {"iipsrv": [], "iipsrv-async": []}
    for _ in range(args.rounds):
        for which in runs:
            pids = servers.pids(which)
            before = cpu_seconds(pids)
            result = load(work, servers.port(which), listfile, args.seconds, args.connections)
            result["cpu_ms"] = 1000 * (cpu_seconds(pids) - before) / max(result["requests"], 1)
            runs[which].append(result)
    summary = {}
    for which, results in runs.items():
        summary[which] = {key: statistics.median(r[key] for r in results)
                          for key in ("rate", "p50", "p99", "cpu_ms")}
        summary[which]["errors"] = sum(r["errors"] for r in results)
    summary["ratio"] = summary["iipsrv-async"]["rate"] / max(summary["iipsrv"]["rate"], 1e-9)
    return summary


def compare_http(servers, work, image_folder, listfile, args):
    """The project's HTTP frontend against nginx serving the very same tiles as files."""
    static = os.path.join(work, "static")
    os.makedirs(static, exist_ok=True)
    requests = sorted(set(open(listfile).read().split()))
    files = {}
    for n, request in enumerate(requests):
        with urllib.request.urlopen(f"http://127.0.0.1:{servers.ports['project_direct']}{request}") as r:
            data = r.read()
        with open(os.path.join(static, f"{n}.jpg"), "wb") as f:
            f.write(data)
        files[request] = f"/static/{n}.jpg"
    static_list = os.path.join(work, "http-static.txt")
    with open(static_list, "w") as f:
        f.write("\n".join(files[r] for r in open(listfile).read().split()) + "\n")
    rates = {"nginx static": [], "nginx static, 2 workers": [], "iipsrv-async http": []}
    errors = 0
    for _ in range(args.rounds):
        for which, port, lst in (("nginx static", servers.ports["static1_http"], static_list),
                                 ("nginx static, 2 workers", servers.ports["static_http"], static_list),
                                 ("iipsrv-async http", servers.ports["project_direct"], listfile)):
            result = load(work, port, lst, args.seconds, args.connections)
            rates[which].append(result["rate"])
            errors += result["errors"]
    summary = {which: statistics.median(values) for which, values in rates.items()}
    summary["ratio"] = summary["iipsrv-async http"] / max(summary["nginx static"], 1e-9)
    summary["ratio_two_workers"] = summary["iipsrv-async http"] / max(summary["nginx static, 2 workers"], 1e-9)
    summary["errors"] = errors
    return summary


def memory_run(servers, work, image, levels, args):
    """Uncached load (tiles over the whole pyramid plus region exports) on the project only, RSS every second."""
    rng = random.Random(args.seed * 31 + 5)
    mixed = requests_for("cold", image, levels, rng, 90_000) + requests_for("regions", image, levels, rng, 10_000)
    rng.shuffle(mixed)
    listfile = os.path.join(work, "memory.txt")
    with open(listfile, "w") as f:
        f.write("\n".join(mixed) + "\n")
    pid = servers.project.pid
    idle = rss_megabytes(pid)
    wrk_process = subprocess.Popen(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.memory}s", "--timeout", "10s", "-s",
         os.path.join(work, "list.lua"), f"http://127.0.0.1:{servers.ports['project_http']}", "--", listfile],
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--workloads", default="hot,cold,session,regions,http")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--image", default="16384x12288", help="WIDTHxHEIGHT of the generated pyramid")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--memory", type=int, default=0, help="seconds of uncached load with RSS sampled")
    parser.add_argument("--memory-image", default="40000x30000", help="the gigapixel image of --memory")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-load"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for iipsrv-async only")
    args = parser.parse_args()
    args.project_env = dict(item.split("=", 1) for item in args.env)

    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no executable at {binary}: swift build -c release --product iipsrv-async")
    require_tools()
    work = args.work
    images = os.path.join(work, "images")
    os.makedirs(images, exist_ok=True)
    shutil.rmtree(os.path.join(work, "static"), ignore_errors=True)
    with open(os.path.join(work, "list.lua"), "w") as f:
        f.write(WRK_SCRIPT)
    width, height = (int(v) for v in args.image.split("x"))
    image = generate_image(images, width, height, args.seed)
    levels = pyramid(image)
    memory_image = None
    if args.memory:
        mw, mh = (int(v) for v in args.memory_image.split("x"))
        memory_image = (generate_image(images, mw, mh, args.seed + 1), mw, mh)

    machine = f"{os.cpu_count()} cores, {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}"
    print(f"machine: {machine}; image {width}x{height} seed {args.seed}; {args.connections} connections, "
          f"{args.rounds} rounds of {args.seconds} s", flush=True)
    servers = Servers(work, binary, images, args.project_env)
    results = {"machine": machine, "seed": args.seed, "image": args.image, "connections": args.connections}
    failures = []
    try:
        probe = f"{ENDPOINT}?FIF={os.path.basename(image)}&OBJ=Max-size"
        for which in ("iipsrv", "iipsrv-async"):
            wait_for(f"http://127.0.0.1:{servers.port(which)}{probe}")
        rng = random.Random(args.seed)
        header = (f"{'workload':9} {'iipsrv req/s':>13} {'cpu-ms':>7} {'p99 ms':>8}   "
                  f"{'async req/s':>12} {'cpu-ms':>7} {'p99 ms':>8}   {'ratio':>6}  goal")
        print(header)
        for workload in [w for w in args.workloads.split(",") if w]:
            count = 5_000 if workload == "regions" else 100_000
            listfile = os.path.join(work, f"{workload}.txt")
            with open(listfile, "w") as f:
                f.write("\n".join(requests_for(workload, image, levels, random.Random(rng.random()), count))
                        + "\n")
            if workload == "http":
                s = compare_http(servers, work, images, listfile, args)
                results["http"] = s
                met = s["ratio"] >= GOALS["http"] and s["errors"] == 0
                print(f"{'http':9} {s['nginx static']:13.0f} {'(nginx static, 1 worker)':>21}"
                      f"{s['iipsrv-async http']:11.0f} {'':>16}   {s['ratio']:6.2f}  >= {GOALS['http']}"
                      f" {'met' if met else 'MISSED'}", flush=True)
                print(f"{'':9} {s['nginx static, 2 workers']:13.0f} {'(nginx static, 2 workers)':>21}"
                      f"{'':11} {'':>16}   {s['ratio_two_workers']:6.2f}  (stricter; not a goal)", flush=True)
                if not met:
                    failures.append("http")
                continue
            s = compare(servers, work, workload, listfile, args)
            results[workload] = s
            a, b = s["iipsrv"], s["iipsrv-async"]
            met = (s["ratio"] >= GOALS[workload] and b["cpu_ms"] < a["cpu_ms"] and b["p99"] <= a["p99"]
                   and a["errors"] == 0 and b["errors"] == 0)
            print(f"{workload:9} {a['rate']:13.0f} {a['cpu_ms']:7.3f} {a['p99']:8.1f}   {b['rate']:12.0f} "
                  f"{b['cpu_ms']:7.3f} {b['p99']:8.1f}   {s['ratio']:6.2f}  >= {GOALS[workload]} "
                  f"{'met' if met else 'MISSED'}" + (f" (errors {a['errors']}/{b['errors']})"
                                                     if a["errors"] or b["errors"] else ""), flush=True)
            if not met:
                failures.append(workload)
        if memory_image:
            servers.stop()
            servers = Servers(work, binary, images, args.project_env)
            path, mw, mh = memory_image
            wait_for(f"http://127.0.0.1:{servers.port('iipsrv-async')}{ENDPOINT}?FIF={os.path.basename(path)}"
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
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print("SUMMARY " + " ".join(f"{k}={results[k]['ratio']:.2f}" for k in results
                                if isinstance(results[k], dict) and "ratio" in results[k])
          + (" all goals met" if not failures else " missed: " + ",".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
