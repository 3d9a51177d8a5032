#!/usr/bin/env python3
"""Issue 15: a pyramid served from the local disk, from an S3-compatible store and from an HTTP server's byte
ranges, cold and warm, with and without added latency.

The stores are the ones the tests use (.ci/remote-services: rclone's `serve s3` and nginx, over one folder); the
latency is a delay proxy in front of each (every request it forwards waits --latency ms first, as a store that far
away would answer). For each source, one iipsrv-async (release build, its HTTP frontend, MAX_IMAGE_CACHE_SIZE=0 so
that every tile is read again) is asked, with --clients concurrent clients:

    cold tiles   --tiles distinct tiles of the two largest levels, each once (stored JPEG tiles: passed through)
    warm tiles   the same tiles again (from the block cache; for the local disk, the page cache)
    exports      --exports CVT exports of 20% of the image, 800 pixels wide, each of a different area

and prints tiles/s (or exports/s), the median and p99 latency, and the store's requests per tile and per export
(GETs with a Range, and HEADs), counted in the store's own access log.

    python3 PerfTests/Load/remote.py                          # 20000x15000, 20 ms, 16 clients
    python3 PerfTests/Load/remote.py --image 8000x6000 --latency 0,20 --tiles 400

Needs the release build (swift build -c release --product iipsrv-async), .build/rclone (.ci/install-deps), nginx
and libvips-tools (for the image).
"""

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, ports)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class DelayProxy:
    """A TCP proxy that waits `latency` seconds before forwarding each chunk a client sends (each request), and
    passes answers straight back: a store `latency` away, with keep-alive connections kept."""

    def __init__(self, upstream_port, latency):
        self.upstream_port, self.latency = upstream_port, latency
        self.port = loadtest.free_ports(1)[0]
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait()

    def _run(self, started):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        started.set()
        self.loop.run_until_complete(server.serve_forever())

    async def _serve(self, client_reader, client_writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_writer.close()
            return

        async def pipe(reader, writer, delay):
            try:
                while data := await reader.read(65536):
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, upstream_writer, self.latency),
                             pipe(upstream_reader, client_writer, 0))


def log_counts(path):
    """GETs with a Range and HEADs in an access log (one line per request)."""
    gets = heads = 0
    with open(path) as log:
        for line in log:
            if '"GET ' in line and '"bytes=' in line:
                gets += 1
            elif '"HEAD ' in line:
                heads += 1
    return gets, heads


def fetch_all(urls, clients):
    """Fetches every URL once with `clients` threads; returns (seconds, latencies, failures)."""
    latencies, failures = [], []

    def one(url):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=120) as answer:
                answer.read()
                if answer.status != 200:
                    failures.append(answer.status)
        except Exception as error:  # noqa: BLE001 (any failure is counted)
            failures.append(str(error))
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, urls))
    return time.perf_counter() - started, latencies, failures


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--image", default="20000x15000")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--latency", default="0,20", help="comma-separated added latencies in ms")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--tiles", type=int, default=600)
    parser.add_argument("--exports", type=int, default=24)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/iipsrv-async"))
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        raise SystemExit(f"no {args.binary}: swift build -c release --product iipsrv-async")
    width, height = (int(v) for v in args.image.split("x"))
    work = tempfile.mkdtemp(prefix="iipsrv-async-remote-")
    images = os.path.join(ROOT, ".build", "load-images")
    os.makedirs(images, exist_ok=True)
    image = loadtest.generate_image(images, width, height, args.seed)
    name = os.path.basename(image)
    levels = loadtest.pyramid(image)
    local = os.path.join(work, "local") + "/"
    os.makedirs(local)
    shutil.copy(image, local + name)
    services = subprocess.run([os.path.join(ROOT, ".ci/remote-services"), "start", work], check=True,
                              capture_output=True, text=True).stdout
    env = {}
    for line in services.splitlines():
        for part in line.replace("export ", "").split(" "):
            if "=" in part:
                key, value = part.split("=", 1)
                env[key] = value.strip("'")
    shutil.copy(image, os.path.join(env["IIP_REMOTE_ROOT"], "images", name))

    rng = random.Random(args.seed)
    tiles = []
    for resolution in (len(levels) - 1, len(levels) - 2):
        w, h, across, down = levels[resolution]
        tiles += [(resolution, t) for t in range(across * down)]
    tiles = rng.sample(tiles, min(args.tiles, len(tiles)))
    full_w, full_h = levels[-1][0], levels[-1][1]
    exports = []
    for _ in range(args.exports):
        x, y = rng.uniform(0, 0.8), rng.uniform(0, 0.8)
        exports.append(f"RGN={x:.4f},{y:.4f},0.2,0.2&WID=800&CVT=jpeg")

    rows = []
    try:
        for latency in [int(v) for v in args.latency.split(",")]:
            sources = [("local", None, None)] if latency == 0 else []
            for kind in ("s3", "http"):
                upstream = int((env["IIP_S3_ENDPOINT"] if kind == "s3" else env["IIP_HTTP_RANGE_URL"])
                               .split(":")[2].split("/")[0])
                sources.append((kind, upstream, env["IIP_S3_LOG"] if kind == "s3" else env["IIP_HTTP_RANGE_LOG"]))
            for kind, upstream, log in sources:
                proxy = DelayProxy(upstream, latency / 1000) if upstream else None
                environment = {"PATH": os.environ["PATH"], "HOME": "/nonexistent", "VERBOSITY": "0",
                               "MAX_IMAGE_CACHE_SIZE": "0", "MAX_DECODED_CACHE_SIZE": "0", "LOGFILE": "/dev/null"}
                if kind == "local":
                    environment["FILESYSTEM_PREFIX"] = local
                elif kind == "s3":
                    environment.update({
                        "FILESYSTEM_PREFIX": "s3://images/", "AWS_ACCESS_KEY_ID": env["IIP_S3_ACCESS_KEY"],
                        "AWS_SECRET_ACCESS_KEY": env["IIP_S3_SECRET_KEY"], "AWS_REGION": "us-east-1",
                        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}"})
                else:
                    environment["FILESYSTEM_PREFIX"] = f"http://127.0.0.1:{proxy.port}/images/"
                port = loadtest.free_ports(1)[0]
                server = subprocess.Popen([args.binary, "--http", f"127.0.0.1:{port}"], env=environment,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                base = f"http://127.0.0.1:{port}/?FIF={name}"
                try:
                    loadtest.wait_for(base + "&OBJ=Max-size")
                    label = kind if kind == "local" else f"{kind} +{latency} ms"
                    for phase, urls in (("cold tiles", [f"{base}&JTL={r},{t}" for r, t in tiles]),
                                        ("warm tiles", [f"{base}&JTL={r},{t}" for r, t in tiles]),
                                        ("exports", [f"{base}&{e}" for e in exports])):
                        before = log_counts(log) if log else (0, 0)
                        seconds, latencies, failures = fetch_all(urls, args.clients)
                        time.sleep(0.5 if log else 0)  # nginx writes its line once the answer is sent
                        after = log_counts(log) if log else (0, 0)
                        per = len(urls)
                        rows.append((label, phase, per / seconds, statistics.median(latencies) * 1000,
                                     percentile(latencies, 99) * 1000, (after[0] - before[0]) / per,
                                     (after[1] - before[1]) / per, len(failures)))
                        print("%-14s %-11s %8.1f/s  p50 %7.1f ms  p99 %7.1f ms  %5.2f GET  %4.2f HEAD  %d failed"
                              % rows[-1], flush=True)
                finally:
                    server.terminate()
                    server.wait()
    finally:
        subprocess.run([os.path.join(ROOT, ".ci/remote-services"), "stop", work])
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{name}, {len(tiles)} tiles, {len(exports)} exports, {args.clients} clients")
    print("| source | phase | per second | p50 ms | p99 ms | GETs each | HEADs each | failed |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %d |" % row)
    return 1 if any(row[-1] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
