#!/usr/bin/env python3
"""Soak (issue 14, item 6): one iipsrv-async process under ten minutes of mixed load on a gigapixel image, its
resident memory, open descriptors and threads sampled every second.

    swift build -c release --product iipsrv-async
    nice python3 PerfTests/Load/soak.py                      # 600 s, the run the README reports
    nice python3 PerfTests/Load/soak.py --duration 20 --warmup 5        # a smoke run
    nice python3 PerfTests/Load/soak.py --no-jp2 --csv /tmp/soak.csv
    nice python3 PerfTests/Load/soak.py --duration 15 --env MAX_REQUESTS_IN_FLIGHT=1 --env MAX_REQUESTS_QUEUED=0
                                        # fails: the server sheds most requests with 503

The server: the release binary as one process, serving FastCGI behind a private nginx (rendered as loadtest.py
renders its own, one worker, upstream keepalive) and HTTP directly (--http), with bounded caches set explicitly
(CACHES below: tile cache 10 MB, decoded-tile cache 32 MB, 100 images kept open, no memcached) and VERBOSITY=1.

The images, made once in --work/images and reused: a 40000 x 25000 JPEG-in-TIFF pyramid (1.0e9 pixels, vips,
JPEG tiles of 256, BigTIFF): loadtest.py's seeded noise made at 5000 x 3125 and laid 8 x 8 times (generate_gigapixel
below says why). Unless --no-jp2, also loadtest.py's archival JPEG 2000 (opj_compress: 1024-pixel codestream
tiles, 3 quality layers, 7 resolutions, RPCL, precincts) of --jp2-image (8192 x 6144): a gigapixel JPEG 2000 is
out of reach here (opj_compress holds the whole picture in memory, 12 GB for a gigapixel; `vips jp2ksave` streams
it, but spent 25 s of CPU on the first of its 25 rows of codestream tiles, about 10 minutes in all on a machine
shared by builds).

The load (--connections asyncio clients, a quarter straight to --http, the rest through nginx; each connection is
closed and opened again every 50-500 requests, so that connection set-up and tear-down are soaked too), drawn from
--seed with these weights (MIX): IIP tiles (JTL) over every level of the TIFF, IIIF 3 tiles (region and size of
one tile of a level, as viewers ask) and info.json, DeepZoom tiles and descriptors, Zoomify tiles and
ImageProperties.xml, IIP tiles of the JPEG 2000, CVT region exports and IIIF region exports (5% together), and
bad requests (8%): missing files, malformed queries, traversal attempts in several encodings, sizes over MAX_CVT
and levels or tiles that do not exist. Every bad request must answer 4xx and every other one 2xx. /metrics is
scraped every 5 s over HTTP, as Prometheus would.

Samples (every second, from /proc/PID): VmRSS, RssAnon, open descriptors (entries of /proc/PID/fd), threads,
and the answers so far by status class; --csv writes them. Summary: requests/s, answers by status class for
each kind of request, RSS after --warmup (min, max, mean and the slope of a least-squares line in MB per minute),
descriptors and threads in the first and last minute after warm-up.

Exit status 1 (with the reasons) when:
  - RSS grows: slope x the post-warm-up duration exceeds 5% of the post-warm-up mean (at 600 s, a leak of that
    rate would double the footprint in about three hours of such load), or
  - descriptors or threads grow: the largest count in the last 60 s exceeds the largest in the first 60 s after
    warm-up by more than 2 (a client connection being replaced is open twice for a moment), or
  - any answer is 5xx, any connection fails, a bad request answers anything but 4xx, or a good one anything but
    2xx.
Needs nginx, libvips-tools and libopenjp2-tools (and python3 only: the client is asyncio, no packages).
"""

import argparse
import asyncio
import csv
import datetime
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import loadtest  # noqa: E402  (the sibling harness: image, pyramid, ports, FastCGI parameters, /proc readers)

ENDPOINT = loadtest.ENDPOINT

# Every cache and bound that decides the footprint, set explicitly rather than left to the defaults.
CACHES = {
    "MAX_IMAGE_CACHE_SIZE": "10",  # tile cache, iipsrv's MB (1,024,000 bytes)
    "MAX_DECODED_CACHE_SIZE": "32",  # decoded tiles kept for exports, MB
    "MAX_METADATA_CACHE_SIZE": "100",  # images kept open
    "MEMCACHED_SERVERS": "",  # no shared cache: this process alone
    "MAX_EXPORTS_IN_FLIGHT": "2",  # region exports decoded at once
    "MAX_EXPORT_PIXELS": "100000000",  # source pixels one export may decode
}

# Weights of the kinds of request (per mille).
MIX = {
    "iip-tile": 300, "iiif-tile": 170, "iiif-info": 40, "deepzoom-tile": 120, "deepzoom-dzi": 20,
    "zoomify-tile": 100, "zoomify-xml": 20, "jp2-tile": 50, "cvt-export": 30, "iiif-export": 20, "bad": 80,
    "metrics": 0,  # scraped on a timer, not drawn
}

NGINX_CONF = """worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {work}/tmp-body; fastcgi_temp_path {work}/tmp-fastcgi;
  proxy_temp_path {work}/tmp-proxy; uwsgi_temp_path {work}/tmp-uwsgi; scgi_temp_path {work}/tmp-scgi;
  upstream iipsrv_async {{ server 127.0.0.1:{fcgi}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{http};
    location {endpoint} {{ fastcgi_pass iipsrv_async; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
    location /iiif/ {{ fastcgi_pass iipsrv_async; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
    location /deepzoom/ {{ fastcgi_pass iipsrv_async; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
    location /zoomify/ {{ fastcgi_pass iipsrv_async; fastcgi_keep_conn on; include {work}/fastcgi.conf; }}
  }}
}}
"""


# The images -----------------------------------------------------------------------------------------------------

def generate_gigapixel(folder, width, height, seed, repeat=8):
    """A JPEG-in-TIFF pyramid (vips, JPEG tiles of 256, Q 85, BigTIFF) of `width` x `height`: loadtest's seeded
    noise made at 1/`repeat` of each side and laid `repeat` x `repeat` times (vips replicate, streamed into the
    pyramid). Noise over the whole gigapixel, as loadtest.generate_image makes it, takes most of an hour of CPU;
    this takes minutes, and keeps detail at every level (the unit is no multiple of 256, so no two full-resolution
    tiles are the same)."""
    path = os.path.join(folder, f"soak-{width}x{height}-{seed}.tif")
    if not os.path.exists(path):
        unit = loadtest.generate_image(folder, math.ceil(width / repeat), math.ceil(height / repeat), seed)
        print(f"generating {path} (vips replicate {repeat}x{repeat}) ...", flush=True)
        started = time.time()
        options = "[tile,tile-width=256,tile-height=256,pyramid,compression=jpeg,Q=85,bigtiff]"
        if width % repeat or height % repeat:  # the replicated picture is larger: cut it to size
            loadtest.run("vips", "replicate", f"{unit}[page=0]", path + ".part.v", str(repeat), str(repeat))
            try:
                loadtest.run("vips", "crop", path + ".part.v", path + ".part.tif" + options, "0", "0", str(width),
                             str(height))
            finally:
                os.remove(path + ".part.v")
        else:
            loadtest.run("vips", "replicate", f"{unit}[page=0]", path + ".part.tif" + options, str(repeat),
                         str(repeat))
        os.rename(path + ".part.tif", path)
        print(f"  {time.time() - started:.0f} s", flush=True)
    return path


# The requests ---------------------------------------------------------------------------------------------------

class Workload:
    """Draws requests of every kind in MIX: (kind, path, expected status class)."""

    def __init__(self, tif, jp2, rng):
        self.rng = rng
        self.name = os.path.basename(tif)
        self.levels = loadtest.pyramid(tif)  # (w, h, columns, rows), smallest first
        self.width, self.height = self.levels[-1][:2]
        self.jp2 = os.path.basename(jp2) if jp2 else None
        self.jp2_levels = loadtest.pyramid(jp2) if jp2 else None
        self.deepzoom_max = math.ceil(math.log2(max(self.width, self.height)))
        small = sum(1 for w, h, _, _ in self.levels if w < 256 and h < 256)
        self.zoomify_levels = self.levels[max(small - 1, 0):]
        kinds = [k for k in MIX if MIX[k] and (k != "jp2-tile" or jp2)]
        self.kinds, self.weights = kinds, [MIX[k] for k in kinds]

    def next(self):
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind == "bad":
            return kind, self.bad(), 4
        return kind, getattr(self, kind.replace("-", "_"))(), 2

    def level(self, levels):
        """Half the time a level drawn uniformly (the small ones get hit often, as viewers do), half the time
        weighted by its tile count (the large ones, mostly misses)."""
        if self.rng.random() < 0.5:
            return self.rng.randrange(len(levels))
        return self.rng.choices(range(len(levels)), [c * r for _, _, c, r in levels])[0]

    def iip_tile(self):
        r = self.level(self.levels)
        return f"{ENDPOINT}?FIF={self.name}&JTL={r},{self.rng.randrange(self.levels[r][2] * self.levels[r][3])}"

    def jp2_tile(self):
        r = self.level(self.jp2_levels)
        count = self.jp2_levels[r][2] * self.jp2_levels[r][3]
        return f"{ENDPOINT}?FIF={self.jp2}&JTL={r},{self.rng.randrange(count)}"

    def iiif_tile(self):
        r = self.level(self.levels)
        _, _, columns, rows = self.levels[r]
        scale = 2 ** (len(self.levels) - 1 - r)
        x, y = self.rng.randrange(columns) * 256 * scale, self.rng.randrange(rows) * 256 * scale
        w, h = min(256 * scale, self.width - x), min(256 * scale, self.height - y)
        if w <= 0 or h <= 0:
            x, y, w, h = 0, 0, min(256 * scale, self.width), min(256 * scale, self.height)
        return f"/iiif/{self.name}/{x},{y},{w},{h}/{math.ceil(w / scale)},{math.ceil(h / scale)}/0/default.jpg"

    def iiif_info(self):
        return f"/iiif/{self.name}/info.json"

    def deepzoom_tile(self):
        level = self.rng.randrange(self.deepzoom_max + 1)
        divisor = 2 ** (self.deepzoom_max - level)
        w, h = math.ceil(self.width / divisor), math.ceil(self.height / divisor)
        x, y = self.rng.randrange(math.ceil(w / 256)), self.rng.randrange(math.ceil(h / 256))
        return f"/deepzoom/{self.name}_files/{level}/{x}_{y}.jpg"

    def deepzoom_dzi(self):
        return f"/deepzoom/{self.name}.dzi"

    def zoomify_tile(self):
        z = self.level(self.zoomify_levels)
        _, _, columns, rows = self.zoomify_levels[z]
        x, y = self.rng.randrange(columns), self.rng.randrange(rows)
        return f"/zoomify/{self.name}/TileGroup0/{z}-{x}-{y}.jpg"

    def zoomify_xml(self):
        return f"/zoomify/{self.name}/ImageProperties.xml"

    def cvt_export(self):
        w, h = self.rng.uniform(0.05, 0.4), self.rng.uniform(0.05, 0.4)
        x, y = self.rng.uniform(0, 1 - w), self.rng.uniform(0, 1 - h)
        return (f"{ENDPOINT}?FIF={self.name}&WID={self.rng.randint(200, 1000)}"
                f"&RGN={x:.4f},{y:.4f},{w:.4f},{h:.4f}&CVT=jpeg")

    def iiif_export(self):
        w, h = self.rng.uniform(5, 40), self.rng.uniform(5, 40)
        x, y = self.rng.uniform(0, 100 - w), self.rng.uniform(0, 100 - h)
        return f"/iiif/{self.name}/pct:{x:.2f},{y:.2f},{w:.2f},{h:.2f}/{self.rng.randint(200, 1000)},/0/default.jpg"

    def bad(self):
        """One of the requests every frontend must refuse with 4xx."""
        n, name = self.rng.randrange(1 << 30), self.name
        choices = [
            f"{ENDPOINT}?FIF=missing-{n}.tif&JTL=0,0",  # no such file
            f"/iiif/missing-{n}.tif/info.json",
            f"/deepzoom/missing-{n}.tif.dzi",
            f"{ENDPOINT}?FIF={name}&JTL=abc",  # malformed
            f"{ENDPOINT}?FIF={name}&JTL={len(self.levels) + 3},0",  # no such level
            f"{ENDPOINT}?FIF={name}&JTL=0,{10**9 + n}",  # no such tile
            f"/iiif/{name}/full/abc/0/default.jpg",
            f"/iiif/{name}/full/256,/xyz/default.jpg",
            f"/iiif/{name}/full/256,/0/default.bmp",
            f"/deepzoom/{name}_files/{self.deepzoom_max + 5}/0_0.jpg",
            f"/zoomify/{name}/TileGroup0/0-{n % 1000 + 5}-{n % 7 + 5}.jpg",
            f"{ENDPOINT}?FIF=../../../../etc/passwd&OBJ=Max-size",  # traversal
            f"{ENDPOINT}?FIF=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd&JTL=0,0",
            f"{ENDPOINT}?FIF=..%252f..%252f..%252fetc%252fpasswd&JTL=0,0",
            f"{ENDPOINT}?FIF=..%5c..%5c..%5cetc%5cpasswd&JTL=0,0",
            f"{ENDPOINT}?FIF=%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd&JTL=0,0",
            f"{ENDPOINT}?FIF=/etc/passwd&JTL=0,0",
            f"{ENDPOINT}?FIF={name}%00.txt&JTL=0,0",
            f"{ENDPOINT}?FIF={'a' * 5000}.tif&JTL=0,0",
            f"{ENDPOINT}?FIF={name}&TIL={len(self.levels) - 1},0-{10**6}",  # huge sizes (CVT clamps WID to MAX_CVT)
            f"/iiif/{name}/full/{self.width},/0/default.jpg",
            f"/iiif/{name}/full/^100000,/0/default.jpg",
            f"/iiif/{name}/0,0,{10**12},{10**12}/256,/0/default.jpg",
        ]
        return self.rng.choice(choices)


# The client -----------------------------------------------------------------------------------------------------

class Tally:
    """Answers by kind and status class; updated by the client loop, read by the sampler thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = {}  # kind -> {"sent", "2xx", "3xx", "4xx", "5xx", "failed"}
        self.totals = {"sent": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "failed": 0}
        self.unexpected = []  # (kind, path, status) of answers in the wrong class, the first 20

    def record(self, kind, path, expected, status):
        label = "failed" if status is None else f"{status // 100}xx"
        with self.lock:
            counts = self.by_kind.setdefault(kind, {key: 0 for key in self.totals})
            for table in (counts, self.totals):
                table["sent"] += 1
                table[label] += 1
            if (status is None or status // 100 != expected) and len(self.unexpected) < 20:
                self.unexpected.append((kind, path[:160], status))

    def snapshot(self):
        with self.lock:
            return dict(self.totals)


async def read_answer(reader):
    """Reads one HTTP/1.1 answer: (status, keep the connection)."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("connection closed before an answer")
    status = int(line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        key, _, value = line.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif status not in (204, 304):
        await reader.read()
        return status, False
    return status, headers.get("connection") != "close"


async def client(port, workload, tally, deadline, rng):
    """One connection after another to `port`, each for 50-500 requests, until `deadline`."""
    while time.monotonic() < deadline:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(rng.randint(50, 500)):
                if time.monotonic() >= deadline:
                    break
                kind, path, expected = workload.next()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("latin-1"))
                try:
                    status, keep = await read_answer(reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
                    tally.record(kind, path, expected, None)
                    break
                tally.record(kind, path, expected, status)
                if not keep:
                    break
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


async def scrape_metrics(port, tally, deadline):
    """/metrics every 5 s over HTTP, as a Prometheus server would."""
    while time.monotonic() < deadline:
        await asyncio.sleep(5)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        try:
            status, _ = await read_answer(reader)
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = None
        tally.record("metrics", "/metrics", 2, status)
        writer.close()


async def drive(ports, workload, tally, args):
    deadline = time.monotonic() + args.duration
    direct = max(1, args.connections // 4)
    tasks = [client(ports["direct"] if n < direct else ports["nginx"], workload, tally, deadline,
                    random.Random(args.seed * 1000 + n)) for n in range(args.connections)]
    tasks.append(scrape_metrics(ports["direct"], tally, deadline))
    await asyncio.gather(*tasks)


# Sampling -------------------------------------------------------------------------------------------------------

def proc_sample(pid):
    """VmRSS and RssAnon (MB), threads and open descriptors of `pid`."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return {"rss_mb": int(fields["VmRSS"][0]) / 1024, "anon_mb": int(fields["RssAnon"][0]) / 1024,
            "threads": int(fields["Threads"][0]), "fds": len(os.listdir(f"/proc/{pid}/fd"))}


class Sampler(threading.Thread):
    """Every second: the process's figures and the answers so far."""

    def __init__(self, pid, tally):
        super().__init__(daemon=True)
        self.pid, self.tally = pid, tally
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        start = time.monotonic()
        tick = 0
        while not self.stopping.is_set():
            sample = {"t": round(time.monotonic() - start, 2), **proc_sample(self.pid), **self.tally.snapshot()}
            self.samples.append(sample)
            tick += 1
            self.stopping.wait(max(0.0, start + tick - time.monotonic()))


def slope_per_minute(points):
    """Least-squares slope of (seconds, value) points, per minute."""
    if len(points) < 2:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_v = statistics.fmean(v for _, v in points)
    den = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / den if den else 0.0


def summarize(samples, tally, args, elapsed):
    """Prints the figures; returns the reasons to fail (empty when the soak passed)."""
    failures = []
    warm = [s for s in samples if s["t"] >= args.warmup]
    if len(warm) < 2:
        return ["too few samples after warm-up"]
    post_minutes = (warm[-1]["t"] - warm[0]["t"]) / 60
    rss = [s["rss_mb"] for s in warm]
    mean = statistics.fmean(rss)
    slope = slope_per_minute([(s["t"], s["rss_mb"]) for s in warm])
    anon_slope = slope_per_minute([(s["t"], s["anon_mb"]) for s in warm])
    projected = slope * post_minutes
    tolerance = 0.05 * mean
    print(f"RSS at rest {samples[0]['rss_mb']:.1f} MB; after {args.warmup} s warm-up: min {min(rss):.1f}, "
          f"max {max(rss):.1f}, mean {mean:.1f} MB, slope {slope:+.3f} MB/min (RssAnon {anon_slope:+.3f} MB/min) "
          f"-> {projected:+.1f} MB over {post_minutes:.1f} min (tolerance {tolerance:.1f} MB, 5% of the mean)")
    half = len(warm) // 2
    print(f"RSS mean in the first half after warm-up {statistics.fmean(rss[:half]):.1f} MB, in the second half "
          f"{statistics.fmean(rss[half:]):.1f} MB")
    if projected > tolerance:
        failures.append(f"RSS grows: {projected:+.1f} MB projected over the run > {tolerance:.1f} MB")
    window = min(60, (warm[-1]["t"] - warm[0]["t"]) / 3)
    first = [s for s in warm if s["t"] < warm[0]["t"] + window]
    last = [s for s in warm if s["t"] > warm[-1]["t"] - window]
    for key in ("fds", "threads"):
        a, b = [s[key] for s in first], [s[key] for s in last]
        print(f"{key:8} first {window:.0f} s after warm-up: {min(a)}-{max(a)}, last {window:.0f} s: {min(b)}-{max(b)}"
              f" (whole run {min(s[key] for s in samples)}-{max(s[key] for s in samples)})")
        if max(b) > max(a) + 2:
            failures.append(f"{key} grow: {max(a)} -> {max(b)}")
    totals = tally.snapshot()
    print(f"requests {totals['sent']} in {elapsed:.0f} s: {totals['sent'] / elapsed:.0f}/s; "
          f"2xx {totals['2xx']}, 3xx {totals['3xx']}, 4xx {totals['4xx']}, 5xx {totals['5xx']}, "
          f"failed connections {totals['failed']}")
    print(f"{'kind':14} {'sent':>8} {'2xx':>8} {'4xx':>7} {'5xx':>5} {'other':>6}")
    for kind in sorted(tally.by_kind):
        c = tally.by_kind[kind]
        print(f"{kind:14} {c['sent']:8} {c['2xx']:8} {c['4xx']:7} {c['5xx']:5} {c['3xx'] + c['failed']:6}")
    bad = tally.by_kind.get("bad", {"sent": 0, "4xx": 0})
    print(f"bad requests: {bad['sent']} sent, {bad['4xx']} answered 4xx")
    if totals["5xx"]:
        failures.append(f"{totals['5xx']} answers 5xx")
    if totals["failed"]:
        failures.append(f"{totals['failed']} requests failed (connection)")
    if bad["4xx"] != bad["sent"]:
        failures.append(f"{bad['sent'] - bad['4xx']} bad requests not answered 4xx")
    good = [c for kind, c in tally.by_kind.items() if kind != "bad"]
    good_sent, good_ok = sum(c["sent"] for c in good), sum(c["2xx"] for c in good)
    if good_ok != good_sent:
        failures.append(f"{good_sent - good_ok} good requests not answered 2xx")
    for kind, path, status in tally.unexpected:
        print(f"  unexpected: {kind} {status} {path}")
    return failures


# The server -----------------------------------------------------------------------------------------------------

class Server:
    """The binary (FastCGI and HTTP) and a private nginx in front of its FastCGI port."""

    def __init__(self, work, binary, images, env):
        self.work = work
        fcgi, http, direct = loadtest.free_ports(3)
        self.ports = {"nginx": http, "direct": direct}
        self.nginx_started = False
        self.process = subprocess.Popen(
            [binary, "--fcgi", f"127.0.0.1:{fcgi}", "--http", f"127.0.0.1:{direct}"],
            env=dict(os.environ, **env, FILESYSTEM_PREFIX=images + "/", LOGFILE=os.path.join(work, "server.log")),
            stdout=open(os.path.join(work, "server.out"), "w"), stderr=subprocess.STDOUT)
        try:
            with open(os.path.join(work, "fastcgi.conf"), "w") as f:
                f.write(loadtest.FASTCGI_PARAMS)
            with open(os.path.join(work, "nginx.conf"), "w") as f:
                f.write(NGINX_CONF.format(work=work, endpoint=ENDPOINT, fcgi=fcgi, http=http))
            loadtest.run("nginx", "-c", os.path.join(work, "nginx.conf"), "-p", work, stderr=subprocess.DEVNULL)
            self.nginx_started = True
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.nginx_started:
            try:
                with open(os.path.join(self.work, "nginx.pid")) as f:
                    os.kill(int(f.read()), signal.SIGQUIT)
            except (OSError, ValueError):
                pass
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/iipsrv-async")
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (600)")
    parser.add_argument("--warmup", type=int, default=60, help="seconds left out of the RSS figures (60)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--image", default="40000x25000", help="WIDTHxHEIGHT of the generated TIFF pyramid")
    parser.add_argument("--jp2-image", default="8192x6144", help="WIDTHxHEIGHT of the generated JPEG 2000")
    parser.add_argument("--no-jp2", action="store_true", help="no JPEG 2000 image and no jp2-tile requests")
    parser.add_argument("--seed", type=int, default=6006)
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iipsrv-async-soak"))
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE for the server, after CACHES (e.g. to see the soak fail)")
    parser.add_argument("--csv", help="write the samples here (default: WORK/soak-samples.csv)")
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        raise SystemExit(f"no executable at {binary}: swift build -c release --product iipsrv-async")
    needed = {"nginx": "nginx-light", "vips": "libvips-tools", "opj_compress": "libopenjp2-tools"}
    missing = [p for t, p in needed.items() if shutil.which(t) is None and (t != "opj_compress" or not args.no_jp2)]
    if missing:
        raise SystemExit("missing packages: apt-get install " + " ".join(missing))
    work = args.work
    images = os.path.join(work, "images")
    os.makedirs(images, exist_ok=True)
    width, height = (int(v) for v in args.image.split("x"))
    tif = generate_gigapixel(images, width, height, args.seed)
    jp2 = None
    if not args.no_jp2:
        jw, jh = (int(v) for v in args.jp2_image.split("x"))
        jp2 = loadtest.generate_image(images, jw, jh, args.seed, "jp2")
    workload = Workload(tif, jp2, random.Random(args.seed))

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"soak: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit or '?'}, "
          f"{args.duration} s, {args.connections} connections ({max(1, args.connections // 4)} direct HTTP), "
          f"seed {args.seed}; image {os.path.basename(tif)} ({width * height / 1e9:.2f} gigapixels, "
          f"{len(workload.levels)} levels)" + (f" and {os.path.basename(jp2)}" if jp2 else "")
          + f"; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    print("caches: " + ", ".join(f"{k}={v!r}" for k, v in CACHES.items())
          + "".join(f"; --env {item}" for item in args.env), flush=True)

    env = dict(CACHES, VERBOSITY="1", JPEG_QUALITY="75", **dict(item.split("=", 1) for item in args.env))
    server = Server(work, binary, images, env)
    failures = []
    try:
        for port in server.ports.values():
            loadtest.wait_for(f"http://127.0.0.1:{port}/iiif/{workload.name}/info.json")
        tally = Tally()
        sampler = Sampler(server.process.pid, tally)
        sampler.start()
        started = time.monotonic()
        asyncio.run(drive(server.ports, workload, tally, args))
        elapsed = time.monotonic() - started
        sampler.stopping.set()
        sampler.join()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.ports['direct']}/health", timeout=5) as r:
            if r.status != 200:
                failures.append(f"/health answered {r.status} after the run")
        path = args.csv or os.path.join(work, "soak-samples.csv")
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(sampler.samples[0]))
            writer.writeheader()
            writer.writerows(sampler.samples)
        print(f"samples: {len(sampler.samples)} in {path}; load average at the end "
              f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        failures += summarize(sampler.samples, tally, args, elapsed)
    finally:
        status = server.stop()
    if status != 0:
        failures.append(f"the server exited with {status} on SIGTERM")
    print("SOAK " + ("passed" if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
