#!/usr/bin/env python3
"""What metrics and traces cost on cached tiles (issue 13): one iipsrv-async binary under each observability
setting, and optionally the previous main's binary, in alternation, with wrk on its HTTP frontend.

    swift build -c release
    python3 PerfTests/Load/observability.py                             # 5 rounds of 10 s per setting
    python3 PerfTests/Load/observability.py --baseline /work/base/.build/release/iipsrv-async
    python3 PerfTests/Load/observability.py --seconds 5 --rounds 2      # a quick check

Settings (each a fresh process, VERBOSITY=0, JPEG_QUALITY=75):
    off       METRICS=0, no OTEL endpoint, SERVER_TIMING=0: nothing observed (no timeline is made)
    metrics   the defaults: METRICS=1 (Prometheus, scraped once a second during the run)
    traces    METRICS=1 and OTEL_EXPORTER_OTLP_ENDPOINT naming a local OTLP/HTTP sink: every request exported as
              eight spans (the sink, in this script, answers 200 and discards)
    sampled   traces with OTEL_TRACES_SAMPLER=traceidratio and OTEL_TRACES_SAMPLER_ARG=0.01: one request in a hundred
              traced, as a busy server would be configured
    all       traces (every request), plus SERVER_TIMING=1
    baseline  --baseline BINARY with the defaults: the code before the per-request timeline existed

Workload: loadtest.py's "hot" list (64 tiles of the middle levels of a generated 16384x12288 JPEG-tiled pyramid,
--seed), fetched once before each run so that every request of the run is a tile-cache hit: the path where a
fixed cost per request weighs most. wrk: 64 connections, 2 threads, straight to --http (no nginx in between, so
the server's own cost is all that is measured). The machine's two cores are shared by wrk and the server, so
absolute rates are low; the ratios are what this measures. Prints the median req/s per setting and each setting's
ratio to "off" (and to "baseline" when given), and the server's CPU time per request (from /proc: steadier than the
rate when wrk and the server share two cores); --json writes them.
"""

import argparse
import http.server
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, wrk)

SETTINGS = {
    "off": {"METRICS": "0"},
    "metrics": {},
    "traces": {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY": "1000"},
    "sampled": {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY": "1000",
                "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.01"},
    "all": {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_BSP_SCHEDULE_DELAY": "1000", "SERVER_TIMING": "1"},
}


class Sink(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that accepts every export and keeps nothing."""
    received = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Sink.received += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def start_sink():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def scrape_while(port, stop):
    """Scrapes /metrics once a second, as Prometheus would, until `stop` is set."""
    while not stop.wait(1.0):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                response.read()
        except Exception:
            pass


def load(work, port, listfile, args):
    """wrk on the hot list; with --pin, wrk on core 0 (the server is on core 1)."""
    if not args.pin:
        return loadtest.load(work, port, listfile, args.seconds, args.connections)
    output = subprocess.run(
        ["taskset", "-c", "0", "wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s",
         os.path.join(work, "list.lua"), f"http://127.0.0.1:{port}", "--", listfile],
        capture_output=True, text=True, check=True).stdout
    match = loadtest.re.search(r"LOAD (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    if not match:
        raise SystemExit("wrk printed no result:\n" + output)
    requests, status_errors, socket_errors = (int(v) for v in match.groups()[:3])
    return {"requests": requests, "errors": status_errors + socket_errors, "rate": requests / args.seconds,
            "p50": float(match.group(4)), "p99": float(match.group(5))}


def one_run(binary, environment, image_folder, work, listfile, tiles, args, name):
    (port,) = loadtest.free_ports(1)
    env = dict(os.environ, FILESYSTEM_PREFIX=image_folder + "/", VERBOSITY="0", JPEG_QUALITY="75",
               LOGFILE=os.path.join(work, f"observability-{name}.log"))
    env.update(environment)
    with open(os.path.join(work, f"observability-{name}.out"), "a") as out:
        command = [binary, "--http", f"127.0.0.1:{port}"]
        if args.pin:
            command = ["taskset", "-c", "1"] + command
        server = subprocess.Popen(command, env=env, stdout=out, stderr=out)
    try:
        loadtest.wait_for(f"http://127.0.0.1:{port}/health")
        for target in sorted(set(tiles)):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{target}", timeout=30) as response:
                response.read()
        stop = threading.Event()
        scraper = threading.Thread(target=scrape_while, args=(port, stop), daemon=True)
        if environment.get("METRICS") != "0":
            scraper.start()
        before = loadtest.cpu_seconds([server.pid])
        result = load(work, port, listfile, args)
        result["cpu_us"] = 1e6 * (loadtest.cpu_seconds([server.pid]) - before) / max(result["requests"], 1)
        stop.set()
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--baseline", help="an iipsrv-async of the previous main, run with its defaults")
    parser.add_argument("--settings", default="off,metrics,sampled,traces,all")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--image", default="16384x12288")
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--work", default=os.path.join("/tmp", "iipsrv-async-load"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--pin", action="store_true",
                        help="the server on core 1, wrk (one thread) on core 0: the server's rate is then its own "
                             "CPU time per request, with less noise from sharing cores")
    args = parser.parse_args()

    for tool, package in {"wrk": "wrk", "vips": "libvips-tools"}.items():
        if not loadtest.shutil.which(tool):
            raise SystemExit(f"missing {tool}: apt-get install {package}")
    os.makedirs(args.work, exist_ok=True)
    with open(os.path.join(args.work, "list.lua"), "w") as f:
        f.write(loadtest.WRK_SCRIPT)
    images = os.path.join(args.work, "images")
    os.makedirs(images, exist_ok=True)
    width, height = (int(v) for v in args.image.split("x"))
    image = loadtest.generate_image(images, width, height, args.seed)
    tiles = loadtest.requests_for("hot", image, loadtest.pyramid(image), random.Random(args.seed), 20000)
    listfile = os.path.join(args.work, "observability-list.txt")
    with open(listfile, "w") as f:
        f.write("\n".join(tiles) + "\n")

    sink = start_sink()
    runs = {}
    for name in args.settings.split(","):
        environment = dict(SETTINGS[name])
        if "OTEL_EXPORTER_OTLP_PROTOCOL" in environment:
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = f"http://127.0.0.1:{sink}"
        runs[name] = (args.binary, environment)
    if args.baseline:
        runs["baseline"] = (args.baseline, {})
    results = {name: [] for name in runs}
    order = list(runs)
    for round_number in range(args.rounds):
        # Each round in another order, so no setting always runs first (or last) on a warming machine.
        round_order = order[round_number % len(order):] + order[:round_number % len(order)]
        for name in round_order:
            binary, environment = runs[name]
            result = one_run(binary, environment, images, args.work, listfile, tiles, args, name)
            results[name].append(result)
            print(f"round {round_number + 1} {name:9} {result['rate']:9.0f} req/s  {result['cpu_us']:6.1f} us CPU/req  "
                  f"p99 {result['p99']:6.2f} ms  errors {result['errors']}", flush=True)

    summary = {}
    for name, runs_of in results.items():
        summary[name] = {"rate": statistics.median(r["rate"] for r in runs_of),
                         "cpu_us": statistics.median(r["cpu_us"] for r in runs_of),
                         "p99": statistics.median(r["p99"] for r in runs_of),
                         "errors": sum(r["errors"] for r in runs_of), "rates": [r["rate"] for r in runs_of]}
    print(f"\nmedians over {args.rounds} rounds of {args.seconds} s, {args.connections} connections "
          f"(seed {args.seed}); OTLP exports received by the sink: {Sink.received}")
    off = summary.get("off", {}).get("rate")
    base = summary.get("baseline", {}).get("rate")
    for name, values in summary.items():
        line = (f"{name:9} {values['rate']:9.0f} req/s  {values['cpu_us']:6.1f} us CPU/req  p99 {values['p99']:6.2f} ms"
                f"  errors {values['errors']}")
        if off:
            line += f"  rate {values['rate'] / off:6.3f} x off, CPU {values['cpu_us'] / summary['off']['cpu_us']:6.3f} x off"
        if base:
            line += f"  rate {values['rate'] / base:6.3f} x baseline"
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seed": args.seed, "seconds": args.seconds, "rounds": args.rounds, "summary": summary}, f,
                      indent=2)
    return 0 if all(v["errors"] == 0 for v in summary.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
