#!/usr/bin/env python3
"""Issue 14, item 5: a flood of region exports next to tile traffic, behind a private nginx, with wrk.

For each server: tiles alone (a viewer's tiles over a generated pyramid, --tile-connections), then the same tiles
for --seconds while --export-connections flood it with CVT region exports, ignoring Retry-After. Meanwhile one
probe sends an export every 100 ms and times its answer (the time to a 503, and to a 200), and the server's RSS
is sampled every 250 ms. Printed: tiles/s and tile p50/p99 alone and under the flood, exports answered 200 and
503 and anything else, wrk's connection errors, the probe's p50/p99, and peak RSS against the bound the settings
imply.

    python3 PerfTests/Load/overload.py                     # iipsrv-async, 20000x15000, 30 s of flood
    python3 PerfTests/Load/overload.py --iipsrv            # and Debian's iipsrv (2 processes) the same way
    python3 PerfTests/Load/overload.py --seconds 10 --image 8000x6000

iipsrv-async runs with its defaults (MAX_REQUESTS_IN_FLIGHT 256, MAX_REQUESTS_QUEUED 1024, MAX_EXPORTS_IN_FLIGHT
one per core), MAX_EXPORTS_QUEUED=4, MAX_IMAGE_CACHE_SIZE=10 and MAX_EXPORT_PIXELS=25000000, plus --env. The small
export queue makes the 64 flooding connections meet the refusal; with the default (half of MAX_REQUESTS_IN_FLIGHT, 128)
all of them would wait, holding 66 of the 256 request slots.
The memory bound printed is what the flood may add to the peak RSS of the tiles-alone phase (the process, its
tile cache and its connections under tile load): MAX_DECODED_CACHE_SIZE + MAX_EXPORTS_IN_FLIGHT x 3 bytes x
(2 x MAX_EXPORT_PIXELS + the largest output), since each running export holds its decoded tiles, the composed region
and the output. Refused exports must add nothing. Exit status 0 when, under the flood,
every tile answered 200, no answer was a 5xx other than 503, wrk saw no connection error and peak RSS stayed
within the bound; 1 otherwise. Needs what loadtest.py needs (nginx, wrk, spawn-fcgi, iipimage-server, vips).
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, servers, wrk)

PROJECT = loadtest.PROJECT
EXPORT_PIXELS = 25_000_000
DECODED_MB = 32

# wrk for the flood: the list's requests in turn, each answer counted by status.
FLOOD_SCRIPT = r"""
local list, n, thread_id, threads = {}, 0, 0, {}
function setup(thread)
  thread:set("offset", thread_id * 7919); thread_id = thread_id + 1; table.insert(threads, thread)
end
function init(args)
  for line in io.lines(args[1]) do list[#list + 1] = line end
  n = offset or 0; ok = 0; busy = 0; other = 0; failed = 0; last_other = 0
end
function request() n = n + 1; return wrk.format("GET", list[n % #list + 1]) end
function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 503 then busy = busy + 1
  elseif status >= 500 then failed = failed + 1
  else other = other + 1; last_other = status end
end
function done(summary, latency, requests)
  local a, b, c, d, last = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("ok"); b = b + t:get("busy"); c = c + t:get("other"); d = d + t:get("failed")
    if t:get("last_other") ~= 0 then last = t:get("last_other") end
  end
  local e = summary.errors
  io.write(string.format("FLOOD %d %d %d %d %d %d %d\n", summary.requests,
    e.connect + e.read + e.write + e.timeout, a, b, c, d, last))
end
"""


def export_requests(image, width, height, rng, count):
    """CVT exports of 10-40% of the image, roughly square in pixels, 1000-2000 px wide: each decodes up to about
    4x its output at the level it reads (iipsrv-reference §5.2), so at most 20 million source pixels."""
    name = os.path.basename(image)
    out = []
    for _ in range(count):
        w = rng.uniform(0.1, 0.4)
        h = min(w * width / height * rng.uniform(0.8, 1.25), 1.0)
        x, y = rng.uniform(0, 1 - w), rng.uniform(0, 1 - h)
        out.append(f"{loadtest.ENDPOINT}?FIF={name}&WID={rng.randint(1000, 2000)}"
                   f"&RGN={x:.4f},{y:.4f},{w:.4f},{h:.4f}&CVT=jpeg")
    return out


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Probe(threading.Thread):
    """One export every 100 ms, timed: (status, milliseconds) of each answer."""

    def __init__(self, port, requests):
        super().__init__(daemon=True)
        self.port, self.requests, self.samples = port, requests, []
        self.stopping = threading.Event()

    def run(self):
        index = 0
        while not self.stopping.is_set():
            target = self.requests[index % len(self.requests)]
            index += 1
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{target}", timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                error.read()
                status = error.code
            except OSError:
                status = 0
            self.samples.append((status, 1000 * (time.perf_counter() - start)))
            self.stopping.wait(0.1)


class RSSSampler(threading.Thread):
    """The summed VmRSS of `pids` every 250 ms; `peak` in MB."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids, self.peak = pids, 0.0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            total = 0.0
            for pid in self.pids:
                try:
                    total += loadtest.rss_megabytes(pid)
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            self.stopping.wait(0.25)


def flood(work, port, pids, tiles, exports, export_list, args):
    """Tiles (wrk) for args.seconds next to an export flood (wrk, the list in the file `exports`) and the probe (the
    same exports in reverse order); every figure of the phase."""
    probe, sampler = Probe(port, export_list[::-1]), RSSSampler(pids)
    sampler.start()
    command = ["wrk", "-t2", f"-c{args.export_connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s",
               os.path.join(work, "flood.lua"), f"http://127.0.0.1:{port}", "--", exports]
    flooding = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1)  # the flood is on before the tiles are measured
    probe.start()
    tile = loadtest.load(work, port, tiles, args.seconds - 2, args.tile_connections, threads=1)
    output = flooding.communicate()[0]
    probe.stopping.set()
    probe.join()
    sampler.stopping.set()
    sampler.join()
    match = re.search(r"FLOOD (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    requests, socket_errors, ok, busy, other, failed, other_status = (int(v) for v in match.groups())
    busy_ms = [ms for status, ms in probe.samples if status == 503]
    ok_ms = [ms for status, ms in probe.samples if status == 200]
    return {
        "tiles": tile,
        "exports": {"requests": requests, "200": ok, "503": busy, "other 4xx": other,
                    "other status": other_status, "other 5xx": failed,
                    "connection errors": socket_errors},
        "probe": {"samples": len(probe.samples), "503": len(busy_ms), "200": len(ok_ms),
                  "503 p50 ms": percentile(busy_ms, 0.5), "503 p99 ms": percentile(busy_ms, 0.99),
                  "200 p50 ms": percentile(ok_ms, 0.5), "200 p99 ms": percentile(ok_ms, 0.99),
                  "failed": sum(1 for status, _ in probe.samples if status not in (200, 503))},
        "peak_rss_mb": sampler.peak,
    }


def metrics(port):
    """The project's export and request counters from its own /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    wanted = ("iip_exports_rejected_total", "iip_requests_rejected_total", "iip_requests_admitted_total")
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in wanted:
            found[name] = float(value)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--image", default="20000x15000")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--alone-seconds", type=int, default=15)
    parser.add_argument("--tile-connections", type=int, default=16)
    parser.add_argument("--export-connections", type=int, default=64)
    parser.add_argument("--iipsrv", action="store_true", help="also Debian's iipsrv, two processes under spawn-fcgi")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for iipsrv-async")
    parser.add_argument("--images", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-load-images"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    loadtest.require_tools()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"{binary}: build it first (swift build -c release --product iipsrv-async)")
    width, height = (int(v) for v in args.image.split("x"))
    os.makedirs(args.images, exist_ok=True)
    image = loadtest.generate_image(args.images, width, height, args.seed)
    levels = loadtest.pyramid(image)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="iipsrv-overload-")
    tiles = os.path.join(work, "tiles.txt")
    exports = os.path.join(work, "exports.txt")
    with open(tiles, "w") as f:
        f.write("\n".join(loadtest.requests_for("session", image, levels, rng, 20000)) + "\n")
    export_list = export_requests(image, width, height, rng, 2000)
    with open(exports, "w") as f:
        f.write("\n".join(export_list) + "\n")
    with open(os.path.join(work, "list.lua"), "w") as f:
        f.write(loadtest.WRK_SCRIPT)
    with open(os.path.join(work, "flood.lua"), "w") as f:
        f.write(FLOOD_SCRIPT)
    extra = {"MAX_EXPORT_PIXELS": str(EXPORT_PIXELS), "MAX_EXPORTS_QUEUED": "4",
             "LOGFILE": os.path.join(work, "project.log"),
             "VERBOSITY": "1"}
    extra.update(item.split("=", 1) for item in args.env)
    cores = os.cpu_count() or 1
    in_flight = int(extra.get("MAX_EXPORTS_IN_FLIGHT") or cores)
    largest_output = 2000 * 2000 * 1.25 * 1.34
    flood_allowance = DECODED_MB + in_flight * 3 * (2 * int(extra["MAX_EXPORT_PIXELS"]) + largest_output) / 1e6
    servers = loadtest.Servers(work, {PROJECT: binary}, os.path.dirname(image), extra)
    results = {}
    try:
        loadtest.wait_for(f"http://127.0.0.1:{servers.direct_port(PROJECT)}/health")
        for which in ([PROJECT, "iipsrv"] if args.iipsrv else [PROJECT]):
            port, pids = servers.port(which), servers.pids(which)
            loadtest.load(work, port, tiles, 3, args.tile_connections, threads=1)  # open the image
            sampler = RSSSampler(pids)
            sampler.start()
            alone = loadtest.load(work, port, tiles, args.alone_seconds, args.tile_connections, threads=1)
            sampler.stopping.set()
            sampler.join()
            alone["peak_rss_mb"] = sampler.peak
            results[which] = {"alone": alone, "flood": flood(work, port, pids, tiles, exports, export_list, args)}
            time.sleep(12 if which == "iipsrv" else 2)  # let queued work finish before the next server
        results[PROJECT]["metrics"] = metrics(servers.direct_port(PROJECT))
        results[PROJECT]["running"] = servers.processes[PROJECT].poll() is None
    finally:
        servers.stop()
    bound = results[PROJECT]["alone"]["peak_rss_mb"] + flood_allowance
    results["bound_mb"] = bound
    report(results, args, bound)
    under = results[PROJECT]["flood"]
    passed = (under["tiles"]["errors"] == 0 and under["exports"]["other 5xx"] == 0
              and under["exports"]["connection errors"] == 0 and under["probe"]["failed"] == 0
              and under["probe"]["samples"] > 0
              and under["peak_rss_mb"] <= bound and results[PROJECT]["running"])
    print("overload check:", "passed" if passed else "FAILED")
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    sys.exit(0 if passed else 1)


def report(results, args, bound):
    print(f"\n{args.image}, {args.tile_connections} tile connections, {args.export_connections} export "
          f"connections, {args.seconds} s of flood")
    for which, result in results.items():
        if not isinstance(result, dict) or "alone" not in result:
            continue
        alone, under = result["alone"], result["flood"]
        tiles, exports, probe = under["tiles"], under["exports"], under["probe"]
        print(f"\n{which}")
        print(f"  tiles alone:       {alone['rate']:8.0f}/s  p50 {alone['p50']:7.1f} ms  p99 {alone['p99']:7.1f} ms"
              f"  errors {alone['errors']}  peak RSS {alone['peak_rss_mb']:.0f} MB")
        print(f"  tiles under flood: {tiles['rate']:8.0f}/s  p50 {tiles['p50']:7.1f} ms  p99 {tiles['p99']:7.1f} ms"
              f"  errors {tiles['errors']} (non-2xx or connection)")
        print(f"  exports: {exports['requests']} answered: {exports['200']} x 200, {exports['503']} x 503, "
              f"{exports['other 4xx']} other 4xx (last: {exports['other status']}), {exports['other 5xx']} other 5xx; "
              f"{exports['connection errors']} connection errors or timeouts (10 s)")
        print(f"  probe: {probe['samples']} exports, 503 p50 {probe['503 p50 ms']:.1f} / p99 "
              f"{probe['503 p99 ms']:.1f} ms ({probe['503']}), 200 p50 {probe['200 p50 ms']:.0f} / p99 "
              f"{probe['200 p99 ms']:.0f} ms ({probe['200']}), {probe['failed']} failed")
        print(f"  peak RSS under flood {under['peak_rss_mb']:.0f} MB"
              + (f" (bound: peak alone + {bound - alone['peak_rss_mb']:.0f} MB = {bound:.0f} MB)"
                 if which == PROJECT else ""))
        if "metrics" in result:
            print(f"  metrics: {result['metrics']}; still running: {result['running']}")


if __name__ == "__main__":
    main()
