#!/usr/bin/env python3
"""Two iipsrv-async instances behind one nginx, sharing two memcached servers, against the same two without them
(issue 12, item 6).

    python3 PerfTests/Load/scaleout.py                              # 3 rounds of 10 s each way
    python3 PerfTests/Load/scaleout.py --seconds 5 --rounds 1       # a quick check
    python3 PerfTests/Load/scaleout.py --env CODEC_PASSTHROUGH=0    # JPEG tiles decoded and encoded again
    python3 PerfTests/Load/scaleout.py --format jp2 --image 4096x3072 --cache-mb 0.25 --warmup 30
                                        # JPEG 2000 tiles (decoded: about 100 a second here, so a smaller image
                                        # and a longer warm-up to reach a steady state)

Set-up: a generated pyramid (loadtest.py's image: --image WIDTHxHEIGHT, 16384x12288 by default, --format tif or
jp2, --seed); two memcached servers (`memcached -p PORT -m 256 -U 0 -l 127.0.0.1`); two iipsrv-async instances
(--binary, the release build by default), each on its own FastCGI port and with --http on its own port for
/metrics, with VERBOSITY=1, JPEG_QUALITY=75 and their output in WORK/scaleout-instance-A.log and -B.log; nginx
(two workers) with one upstream of both: round robin, keepalive 64, fastcgi_keep_conn on, and max_fails=0 so
that restarting the instances between rounds never leaves an instance marked down.

Cache sizes: each instance has a small tile cache, MAX_IMAGE_CACHE_SIZE=--cache-mb (2 by default, iipsrv's MB of
1,024,000 bytes). The working set is every tile of the pyramid: with the defaults 4,097 tiles; with the TIFF of
seed 4242 they weigh 16.5 MB, 8.3 times one instance's cache. The script measures it at the end (each tile
fetched once) and prints it next to the cache size. memcached has 256 MB, room for all of it.

Workload: every tile of the pyramid, each --repeats times (4), in one random order (--seed); wrk (64
connections, two threads) walks the list from a different offset per thread, and nginx hands consecutive
requests to the two instances in turn, so each tile is asked of both instances, several times, with thousands
of other tiles in between.

Rounds: "memcached" (MEMCACHED_SERVERS naming both memcached servers) and "local" (MEMCACHED_SERVERS="")
alternate, --rounds times each, the order swapped every other round. Every round starts both instances afresh
(empty tile caches) and empties both memcached servers (flush_all), then runs the same load for --warmup
seconds (5) unmeasured, which fills memcached as far as it gets, then the measured --seconds. For the measured
run the script reads each instance's /metrics before and after: the local tile cache hit rate
(iip_tile_cache_lookups_total, hit / all lookups; "coalesced", a wait for a tile another request was already
rendering, counts as a lookup but not a hit) and the memcached hit rate (iip_memcached_hits_total /
(hits + misses)). It prints medians of req/s, p99 and CPU ms per request (both instances, from /proc), the hit
rates of each instance, and the throughput ratio memcached / local; --json writes every figure. Exit status 0
when no request failed. Needs nginx, wrk, memcached and libvips-tools (and libopenjp2-tools for --format jp2).

The image, the pyramid, wrk and its Lua script, CPU time and medians are loadtest.py's functions, imported.
"""

import argparse
import json
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, wrk, measuring)

MODES = ("memcached", "local")

NGINX_CONF = """worker_processes 2;
pid {work}/scaleout-nginx.pid;
error_log {work}/scaleout-nginx-error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-body; fastcgi_temp_path {work}/tmp-fastcgi;
  proxy_temp_path {work}/tmp-proxy; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  upstream instances {{
    server 127.0.0.1:{fcgi_a} max_fails=0; server 127.0.0.1:{fcgi_b} max_fails=0; keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{http};
    location {endpoint} {{ fastcgi_pass instances; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
  }}
}}
"""


def require_tools(fmt):
    needed = {"nginx": "nginx-light", "wrk": "wrk", "memcached": "memcached", "vips": "libvips-tools"}
    if fmt == "jp2":
        needed["opj_compress"] = "libopenjp2-tools"
    missing = [package for tool, package in needed.items() if shutil.which(tool) is None]
    if missing:
        raise SystemExit("missing packages: apt-get install " + " ".join(missing))


def wait_for_port(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {seconds} s")


def memcached_command(port, command):
    """Sends one text-protocol command (flush_all, stats) and returns memcached's reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(command.encode() + b"\r\n")
        reply = b""
        while not (reply.endswith(b"OK\r\n") or reply.endswith(b"END\r\n")):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
    return reply.decode()


def metrics(port):
    """The counters of one instance's /metrics, keyed by name with labels (`name{label="value"}`)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        match = re.match(r"^(\w+(?:\{[^}]*\})?) ([0-9.eE+-]+)$", line)
        if match:
            values[match.group(1)] = float(match.group(2))
    return values


def hit_rates(before, after):
    """Local tile cache hit rate (hit / all lookups) and memcached hit rate (hits / (hits + misses)) between two
    readings of one instance's /metrics."""
    values = {name: after[name] - before.get(name, 0.0) for name in after}
    local = {result: values.get(f'iip_tile_cache_lookups_total{{result="{result}"}}', 0.0)
             for result in ("hit", "miss", "coalesced")}
    lookups = sum(local.values())
    shared_hits = values.get("iip_memcached_hits_total", 0.0)
    shared_misses = values.get("iip_memcached_misses_total", 0.0)
    return {"lookups": lookups, "local_hit_rate": local["hit"] / lookups if lookups else 0.0,
            "memcached_lookups": shared_hits + shared_misses,
            "memcached_hit_rate": shared_hits / (shared_hits + shared_misses) if shared_hits + shared_misses else 0.0}


class ScaleOut:
    """Two memcached servers and nginx for the whole run; the two instances, started afresh for every round."""

    def __init__(self, work, binary, images, args):
        self.work, self.binary, self.images, self.args = work, binary, images, args
        ports = iter(loadtest.free_ports(7))
        self.memcached_ports = [next(ports), next(ports)]
        self.fcgi_ports = [next(ports), next(ports)]
        self.metrics_ports = [next(ports), next(ports)]
        self.nginx_port = next(ports)
        self.instances = []
        self.memcached = []
        user = ["-u", "root"] if os.geteuid() == 0 else []
        for port in self.memcached_ports:
            self.memcached.append(subprocess.Popen(
                ["memcached", "-p", str(port), "-m", "256", "-U", "0", "-l", "127.0.0.1", *user],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in self.memcached_ports:
            wait_for_port(port)
        with open(os.path.join(work, "fastcgi.conf"), "w") as f:
            f.write(loadtest.FASTCGI_PARAMS)
        with open(os.path.join(work, "scaleout-nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(work=work, fcgi_a=self.fcgi_ports[0], fcgi_b=self.fcgi_ports[1],
                                      http=self.nginx_port, endpoint=loadtest.ENDPOINT))
        loadtest.run("nginx", "-c", os.path.join(work, "scaleout-nginx.conf"), "-p", work)

    def start_instances(self, mode):
        """Both instances with MEMCACHED_SERVERS for `mode`, after emptying both memcached servers."""
        self.stop_instances()
        for port in self.memcached_ports:
            memcached_command(port, "flush_all")
        servers = ",".join(f"127.0.0.1:{port}" for port in self.memcached_ports) if mode == "memcached" else ""
        environment = dict(os.environ, FILESYSTEM_PREFIX=self.images + "/", VERBOSITY="1", LOGFILE="stderr",
                           JPEG_QUALITY="75", MAX_IMAGE_CACHE_SIZE=str(self.args.cache_mb),
                           MEMCACHED_SERVERS=servers)
        environment.update(self.args.instance_env)
        for n, (fcgi, http) in enumerate(zip(self.fcgi_ports, self.metrics_ports)):
            with open(os.path.join(self.work, f"scaleout-instance-{'AB'[n]}.log"), "a") as log:
                self.instances.append(subprocess.Popen(
                    [self.binary, "--fcgi", f"127.0.0.1:{fcgi}", "--http", f"127.0.0.1:{http}"], env=environment,
                    stdout=log, stderr=subprocess.STDOUT))
        for http in self.metrics_ports:
            loadtest.wait_for(f"http://127.0.0.1:{http}/ready")

    def stop_instances(self):
        for process in self.instances:
            process.send_signal(signal.SIGTERM)
        for process in self.instances:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.instances = []

    def pids(self):
        return [process.pid for process in self.instances]

    def stop(self):
        self.stop_instances()
        try:
            with open(os.path.join(self.work, "scaleout-nginx.pid")) as f:
                os.kill(int(f.read()), signal.SIGQUIT)
        except (OSError, ValueError):
            pass
        for process in self.memcached:
            process.terminate()
            process.wait(10)


def working_set_megabytes(port, requests):
    """The bytes of every distinct tile of the list, fetched once through `port`, in iipsrv's MB (1,024,000)."""
    total = 0
    for request in sorted(set(requests)):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{request}", timeout=30) as response:
            total += len(response.read())
    return total / 1_024_000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5, help="seconds of the same load before each measured run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--image", default="16384x12288", help="WIDTHxHEIGHT of the generated pyramid")
    parser.add_argument("--format", default="tif", choices=["tif", "jp2"])
    parser.add_argument("--cache-mb", type=float, default=2, help="MAX_IMAGE_CACHE_SIZE of each instance")
    parser.add_argument("--repeats", type=int, default=4, help="times each tile appears in the request list")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-load"))
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for both instances")
    args = parser.parse_args()
    args.instance_env = dict(item.split("=", 1) for item in args.env)

    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no executable at {binary}: swift build -c release --product iipsrv-async")
    require_tools(args.format)
    work = args.work
    images = os.path.join(work, "images")
    os.makedirs(images, exist_ok=True)
    with open(os.path.join(work, "list.lua"), "w") as f:
        f.write(loadtest.WRK_SCRIPT)
    width, height = (int(v) for v in args.image.split("x"))
    image = loadtest.generate_image(images, width, height, args.seed, args.format)
    levels = loadtest.pyramid(image)
    name = os.path.basename(image)
    tiles = [f"{loadtest.ENDPOINT}?FIF={name}&JTL={r},{t}"
             for r, (_, _, cols, rows) in enumerate(levels) for t in range(cols * rows)]
    requests = tiles * args.repeats
    random.Random(args.seed).shuffle(requests)
    listfile = os.path.join(work, "scaleout.txt")
    with open(listfile, "w") as f:
        f.write("\n".join(requests) + "\n")

    machine = f"{os.cpu_count()} cores, {subprocess.run(['uname', '-srm'], capture_output=True, text=True).stdout.strip()}"
    print(f"machine: {machine}; image {width}x{height}.{args.format} seed {args.seed}: {len(tiles)} tiles, each "
          f"{args.repeats} times; 2 instances, MAX_IMAGE_CACHE_SIZE={args.cache_mb:g} each; {args.connections} "
          f"connections, {args.rounds} rounds of {args.seconds} s each way", flush=True)
    setup = ScaleOut(work, binary, images, args)
    runs = {mode: [] for mode in MODES}
    rates = {mode: [] for mode in MODES}
    working_set = None
    try:
        for round_number in range(args.rounds):
            for mode in (MODES if round_number % 2 == 0 else MODES[::-1]):
                setup.start_instances(mode)
                if args.warmup:
                    loadtest.load(work, setup.nginx_port, listfile, args.warmup, args.connections)
                before = [metrics(port) for port in setup.metrics_ports]
                result = loadtest.measure(work, setup.nginx_port, listfile, setup.pids(), args)
                per_instance = [hit_rates(b, metrics(port)) for b, port in zip(before, setup.metrics_ports)]
                runs[mode].append(result)
                rates[mode].append(per_instance)
                print(f"round {round_number + 1} {mode:9} {result['rate']:9.0f} req/s  p99 {result['p99']:7.1f} ms  "
                      f"cpu {result['cpu_ms']:.3f} ms/req  errors {result['errors']}  local hits "
                      + " / ".join(f"{r['local_hit_rate']:.1%}" for r in per_instance) + "  memcached hits "
                      + " / ".join(f"{r['memcached_hit_rate']:.1%}" for r in per_instance), flush=True)
        working_set = working_set_megabytes(setup.metrics_ports[0], tiles)
    finally:
        setup.stop()

    summary = {mode: loadtest.medians(runs[mode]) for mode in MODES}
    for mode in MODES:
        for which in ("local_hit_rate", "memcached_hit_rate"):
            summary[mode][which] = [statistics.median(r[i][which] for r in rates[mode]) for i in range(2)]
    ratio = summary["memcached"]["rate"] / max(summary["local"]["rate"], 1e-9)
    print(f"working set {working_set:.1f} MB ({len(tiles)} tiles), tile cache {args.cache_mb:g} MB per instance "
          f"({working_set / args.cache_mb:.1f}x)")
    print(f"{'mode':10} {'req/s':>9} {'p99 ms':>8} {'cpu-ms':>7} {'errors':>6}   {'local hits A / B':>18}   "
          f"{'memcached hits A / B':>22}")
    for mode in MODES:
        s = summary[mode]
        print(f"{mode:10} {s['rate']:9.0f} {s['p99']:8.1f} {s['cpu_ms']:7.3f} {s['errors']:6d}   "
              f"{s['local_hit_rate'][0]:8.1%} / {s['local_hit_rate'][1]:6.1%}   "
              f"{s['memcached_hit_rate'][0]:10.1%} / {s['memcached_hit_rate'][1]:6.1%}")
    print(f"SUMMARY throughput memcached / local = {ratio:.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "seed": args.seed, "image": args.image, "format": args.format,
                       "tiles": len(tiles), "repeats": args.repeats, "cache_mb": args.cache_mb,
                       "working_set_mb": working_set, "connections": args.connections, "rounds": args.rounds,
                       "seconds": args.seconds, "summary": summary, "ratio": ratio,
                       "runs": runs, "hit_rates": rates}, f, indent=2)
    errors = sum(summary[mode]["errors"] for mode in MODES)
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
