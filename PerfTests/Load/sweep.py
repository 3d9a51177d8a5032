#!/usr/bin/env python3
"""Issue 16: the lead over iipsrv from 16 to 1,000 connections, in one run.

Both servers behind one nginx over FastCGI (loadtest.py's set-up: Debian's iipsrv 1.1 as two processes under
spawn-fcgi, iipsrv-async as one process), the same request lists, wrk with a long client timeout (60 s by default)
so that queueing is measured as latency rather than lost as timeouts. For each number of connections and each
workload, the two servers run in alternation for --rounds rounds of --seconds, each run starting once the other
server has worked off what was still queued at it (under 5% of a core; iipsrv 1.1 took seconds at 1,000
connections of exports). Each round goes through every number of connections in turn (16, 64, 256, 1000, then
again), so that a machine that slows down or speeds up during the run (a shared one does, by 10-20% within minutes
in our runs) weighs on all of them alike instead of on the later ones against the first. The figures are medians
over the rounds:

    req/s      200 answers per second: iipsrv 1.1 answers some exports 304 Not Modified although no request carries
               If-Modified-Since (README, Overload), and those empty answers are not counted as exports
    other      answers that were neither 200 nor an error (iipsrv's 304s), over all rounds
    cpu-ms     CPU milliseconds the server's processes spent per answer (/proc, user + system)
    cores      the server's CPU seconds per second of the run: how much of the machine it used
    p99 ms     wrk's 99th percentile latency
    machine    cores busy on the whole machine (wrk and nginx included), from /proc/stat

Workloads (loadtest.py's request lists): tiles (its "cold": tiles drawn over the whole pyramid, weighted by level
size), session (viewers zooming toward a point, 5x3 tiles a level) and regions (CVT exports of 5-40% of the image,
200-1000 px wide).

    python3 PerfTests/Load/sweep.py                                   # 16, 64, 256, 1000 connections
    python3 PerfTests/Load/sweep.py --connections 16,1000 --workloads regions --seconds 20
    python3 PerfTests/Load/sweep.py --iipsrv /path/to/iipsrv.fcgi     # another iipsrv build as the reference

Goals (issue 16), checked at every number of connections: regions at least 2x iipsrv and the project's CPU per
export within 15% of its figure at the smallest number of connections; tiles and session at least 4x iipsrv with
CPU per tile within 15% of that figure; no errors from the project (wrk's status and socket errors, timeouts
included). Exit status 0 when all are met. Needs what loadtest.py needs (nginx, wrk, spawn-fcgi, iipimage-server,
libvips-tools).
"""

import argparse
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, servers, wrk)

PROJECT = loadtest.PROJECT
WORKLOADS = {"tiles": "cold", "session": "session", "regions": "regions"}
RATIO_GOALS = {"tiles": 4.0, "session": 4.0, "regions": 2.0}
CPU_DRIFT = 0.15  # CPU per request may grow at most this much over the smallest number of connections

# wrk: loadtest.py's request lists in turn, each answer counted by status (200, other below 400, errors).
STATUS_SCRIPT = r"""
local list, n, thread_id, threads = {}, 0, 0, {}
function setup(thread)
  thread:set("offset", thread_id * 104729); thread_id = thread_id + 1; table.insert(threads, thread)
end
function init(args)
  for line in io.lines(args[1]) do list[#list + 1] = line end
  n = offset or 0; ok = 0; other = 0
end
function request() n = n + 1; return wrk.format("GET", list[n % #list + 1]) end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status < 400 then other = other + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("other") end
  local e = summary.errors
  io.write(string.format("STATUS %d %d %d %d %.3f %.3f\n", summary.requests, a, b,
    e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
"""


def machine_busy():
    """(busy, total) jiffies of all cores, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def load(work, port, listfile, seconds, connections, timeout):
    """One wrk run with STATUS_SCRIPT: 200 answers per second, other answers, errors, p50 and p99 in ms."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout}s", "-s",
         os.path.join(work, "status.lua"), f"http://127.0.0.1:{port}", "--", listfile],
        capture_output=True, text=True, check=True).stdout
    match = re.search(r"STATUS (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    requests, ok, other, errors = (int(v) for v in match.groups()[:4])
    return {"requests": requests, "ok": ok, "other": other, "errors": errors, "rate": ok / seconds,
            "p50": float(match.group(5)), "p99": float(match.group(6))}


def measure(work, port, listfile, pids, seconds, connections, timeout):
    """One wrk run: rate, errors, p50/p99, the server's CPU per answer and cores used, the machine's busy cores."""
    cpu_before, busy_before, started = loadtest.cpu_seconds(pids), machine_busy(), time.monotonic()
    result = load(work, port, listfile, seconds, connections, timeout)
    elapsed = time.monotonic() - started
    cpu = loadtest.cpu_seconds(pids) - cpu_before
    busy_after = machine_busy()
    result["cpu_ms"] = 1000 * cpu / max(result["ok"], 1)
    result["cores"] = cpu / elapsed
    busy, total = busy_after[0] - busy_before[0], busy_after[1] - busy_before[1]
    result["machine"] = (os.cpu_count() or 1) * busy / max(total, 1)
    return result


def settle(pids, limit=120.0, interval=0.5, idle=0.05):
    """Waits until `pids` use less than `idle` cores (at most `limit` seconds); returns the seconds waited.

    When wrk stops, the requests already queued at a server are still worked through (iipsrv 1.1 had seconds of
    exports queued at 1,000 connections); measuring the other server before that work is done would give it a
    machine it shares without knowing."""
    started = time.monotonic()
    before = loadtest.cpu_seconds(pids)
    while time.monotonic() - started < limit:
        time.sleep(interval)
        after = loadtest.cpu_seconds(pids)
        if after - before < idle * interval:
            break
        before = after
    return time.monotonic() - started


def summarize(runs):
    out = {key: statistics.median(r[key] for r in runs) for key in ("rate", "cpu_ms", "cores", "p99", "machine")}
    out["errors"] = sum(r["errors"] for r in runs)
    out["other"] = sum(r["other"] for r in runs)
    out["requests"] = sum(r["requests"] for r in runs)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--iipsrv", default=loadtest.IIPSRV, help="the iipsrv FastCGI binary (two processes)")
    parser.add_argument("--connections", default="16,64,256,1000")
    parser.add_argument("--workloads", default="tiles,session,regions")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds to take medians over; with 3, two runs of one build on 5 December 2026 put a "
                             "point on either side of its goal")
    parser.add_argument("--timeout", type=int, default=60, help="wrk's per-request timeout, seconds")
    parser.add_argument("--warmup", type=int, default=10,
                        help="seconds of each workload at 16 connections before measuring, for each server")
    parser.add_argument("--image", default="18000x11000", help="WIDTHxHEIGHT of the generated pyramid")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-sweep"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for iipsrv-async only")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no executable at {binary}: swift build -c release --product iipsrv-async")
    loadtest.require_tools()
    loadtest.IIPSRV = args.iipsrv
    # wrk holds one socket per connection; 1,000 of them need more than the usual soft limit of 1,024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    counts = [int(c) for c in args.connections.split(",")]
    workloads = [w for w in args.workloads.split(",") if w]
    os.makedirs(os.path.join(args.work, "images"), exist_ok=True)
    with open(os.path.join(args.work, "list.lua"), "w") as f:
        f.write(loadtest.WRK_SCRIPT)
    with open(os.path.join(args.work, "status.lua"), "w") as f:
        f.write(STATUS_SCRIPT)
    width, height = (int(v) for v in args.image.split("x"))
    image = loadtest.generate_image(os.path.join(args.work, "images"), width, height, args.seed)
    levels = loadtest.pyramid(image)
    rng = random.Random(args.seed)
    lists = {}
    for workload in workloads:
        count = 5_000 if workload == "regions" else 100_000
        lists[workload] = os.path.join(args.work, f"{workload}.txt")
        with open(lists[workload], "w") as f:
            f.write("\n".join(loadtest.requests_for(WORKLOADS[workload], image, levels,
                                                    random.Random(rng.random()), count)) + "\n")

    machine = f"{os.cpu_count()} cores, {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}"
    print(f"machine: {machine}; image {width}x{height} seed {args.seed}; iipsrv {args.iipsrv} (2 processes); "
          f"{args.rounds} rounds of {args.seconds} s after {args.warmup} s of warm-up; wrk timeout {args.timeout} s", flush=True)
    extra = dict(item.split("=", 1) for item in args.env)
    servers = loadtest.Servers(args.work, {PROJECT: binary}, os.path.dirname(image), extra)
    results = {"machine": machine, "seed": args.seed, "image": args.image, "iipsrv": args.iipsrv,
               "seconds": args.seconds, "rounds": args.rounds, "timeout": args.timeout, "sweep": {}}
    failures = []
    try:
        probe = f"{loadtest.ENDPOINT}?FIF={os.path.basename(image)}&OBJ=Max-size"
        for which in ("iipsrv", PROJECT):
            loadtest.wait_for(f"http://127.0.0.1:{servers.port(which)}{probe}")
            # Open the image and warm both servers the same way (their tile caches, the page cache), so that the
            # first number of connections is measured in the same steady state as the others.
            for workload in workloads:
                loadtest.load(args.work, servers.port(which), lists[workload], args.warmup, 16, timeout=args.timeout)
        runs = {(c, w): {"iipsrv": [], PROJECT: []} for c in counts for w in workloads}
        for round_number in range(args.rounds):
            for connections in counts:
                for workload in workloads:
                    order = ("iipsrv", PROJECT) if round_number % 2 == 0 else (PROJECT, "iipsrv")
                    for which in order:
                        other = "iipsrv" if which == PROJECT else PROJECT
                        settle(servers.pids(other))
                        runs[connections, workload][which].append(
                            measure(args.work, servers.port(which), lists[workload], servers.pids(which),
                                    args.seconds, connections, args.timeout))
            print(f"round {round_number + 1} of {args.rounds} done", file=sys.stderr, flush=True)
        print(f"{'conns':>5} {'workload':8} | {'iipsrv req/s':>12} {'cpu-ms':>7} {'cores':>5} {'p99 ms':>8} {'err':>5} "
              f"{'other':>6} | {'async req/s':>11} {'cpu-ms':>7} {'cores':>5} {'p99 ms':>8} {'err':>4} | {'ratio':>5} "
              f"{'cpu/16':>6} {'machine':>7}  goal", flush=True)
        first = {}
        for connections in counts:
            for workload in workloads:
                a, b = summarize(runs[connections, workload]["iipsrv"]), summarize(runs[connections, workload][PROJECT])
                first.setdefault(workload, b["cpu_ms"])
                ratio = b["rate"] / max(a["rate"], 1e-9)
                drift = b["cpu_ms"] / max(first[workload], 1e-9)
                met = (ratio >= RATIO_GOALS[workload] and drift <= 1 + CPU_DRIFT and b["errors"] == 0
                       and b["other"] == 0)
                if not met:
                    failures.append(f"{workload}@{connections}")
                results["sweep"].setdefault(str(connections), {})[workload] = {
                    "iipsrv": a, PROJECT: b, "ratio": ratio, "cpu_vs_first": drift, "met": met,
                    "runs": runs[connections, workload]}
                print(f"{connections:5} {workload:8} | {a['rate']:12.0f} {a['cpu_ms']:7.3f} {a['cores']:5.2f} "
                      f"{a['p99']:8.1f} {a['errors']:5} {a['other']:6} | {b['rate']:11.0f} {b['cpu_ms']:7.3f} {b['cores']:5.2f} "
                      f"{b['p99']:8.1f} {b['errors']:4} | {ratio:5.2f} {drift:6.2f} "
                      f"{(a['machine'] + b['machine']) / 2:7.2f}  "
                      f"{'met' if met else 'MISSED'}", flush=True)
    finally:
        servers.stop()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    print("SUMMARY " + ("all goals met" if not failures else "missed: " + ", ".join(failures)), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
