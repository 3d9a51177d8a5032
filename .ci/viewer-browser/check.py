"""Drives Debian's chromium (headless, through Playwright) against the viewer page and prints one line per check:
`ok <check>` or `not ok <check>: <why>`, then `Done (N checks, M failures)`.

    check.py URL --images a.tif,b/c.tif --work FOLDER [--screenshot FILE]

URL is the viewer page (`http://host:port/` or `.../viewer/`); --images the identifiers the list must start with,
in order (the first is opened). Never downloads a browser: it uses /usr/bin/chromium.
"""

import argparse
import base64
import re
import sys
import urllib.parse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"

# Mean and variance of a PNG's pixels (all channels), computed by the browser's own decoder on a blank page.
VARIANCE = """async (data) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + data;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0, squares = 0, n = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    for (let c = 0; c < 3; c++) { sum += pixels[i + c]; squares += pixels[i + c] ** 2; n++; }
  }
  const mean = sum / n;
  return [mean, squares / n - mean * mean];
}"""

# Whether every tile on the stage has arrived and decoded; and the levels shown.
TILES = """() => {
  const tiles = [...document.querySelectorAll('#layer img.tile')];
  return {
    count: tiles.length,
    decoded: tiles.filter((t) => t.complete && t.naturalWidth > 0).length,
    pending: tiles.filter((t) => !t.complete).length,
    level: Math.max(-1, ...tiles.map((t) => Number(t.dataset.level))),
  };
}"""


class Checks:
    def __init__(self):
        self.count = 0
        self.failures = 0

    def expect(self, condition, name, why=""):
        self.count += 1
        if condition:
            print(f"ok {name}", flush=True)
        else:
            self.failures += 1
            print(f"not ok {name}: {why}", flush=True)
        return condition


def settle(page):
    """Waits until no tile is loading and the network is quiet."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => [...document.querySelectorAll('#layer img.tile')].every((t) => t.complete)")
    page.wait_for_load_state("networkidle")
    return page.evaluate(TILES)


def tile_requests(urls):
    return [u for u in urls if "JTL=" in u or re.search(r"/iiif/[^/]+/\d+,\d+,\d+,\d+/", u)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--images", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--screenshot")
    arguments = parser.parse_args()
    images = arguments.images.split(",")
    checks = Checks()
    errors = []
    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1100, "height": 640}, accept_downloads=True)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(arguments.url)

        # The list.
        page.wait_for_selector("#image-list button")
        listed = page.eval_on_selector_all("#image-list button", "(b) => b.map((x) => x.dataset.identifier)")
        checks.expect(listed[: len(images)] == images, "the list shows the images, sorted", f"listed {listed}")

        # The first image opens and its tiles arrive.
        page.wait_for_selector("#layer img.tile")
        state = settle(page)
        opened = tile_requests(requests)
        first = urllib.parse.quote(images[0], safe="")
        checks.expect(len(opened) > 0 and all(first in u for u in opened),
                      "opening the first image requests its tiles", f"{opened[:3]}")
        checks.expect(state["count"] > 0 and state["decoded"] == state["count"],
                      "every tile decodes", f"{state}")
        metadata = page.inner_text("#metadata")
        checks.expect("Size" in metadata and "Bits" in metadata, "the metadata shows", metadata[:200])

        # Zooming in asks for deeper levels.
        before = state["level"]
        seen = len(requests)
        stage = page.locator("#stage")
        stage.focus()
        for _ in range(3):
            page.keyboard.press("+")
        box = stage.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -300)
        state = settle(page)
        deeper = tile_requests(requests[seen:])
        checks.expect(state["level"] > before and len(deeper) > 0, "zooming in requests deeper tiles",
                      f"level {before} -> {state['level']}, {len(deeper)} new tiles")
        checks.expect(state["decoded"] == state["count"], "every zoomed tile decodes", f"{state}")

        # Panning by dragging asks for neighbouring tiles.
        seen = len(requests)
        page.mouse.move(box["x"] + 600, box["y"] + 500)
        page.mouse.down()
        page.mouse.move(box["x"] + 100, box["y"] + 100, steps=8)
        page.mouse.up()
        state = settle(page)
        checks.expect(len(tile_requests(requests[seen:])) > 0, "dragging pans to new tiles", f"{state}")

        # A transform IIIF cannot express switches to IIP requests carrying it.
        seen = len(requests)
        page.check("#controls input[name=invert]")
        page.select_option("#controls select[name=colormap]", "hot")
        state = settle(page)
        changed = tile_requests(requests[seen:])
        checks.expect(changed and all("INV=1" in u and "JTL=" in u for u in changed)
                      and any("CMP=hot" in u for u in changed),
                      "a transform control changes the tile requests", f"{changed[:3]}")
        checks.expect(state["count"] > 0 and state["decoded"] == state["count"], "every transformed tile decodes",
                      f"{state}")

        # The export downloads a JPEG of the visible region, with the transforms.
        seen = len(requests)
        with page.expect_download() as download:
            page.click("#export")
        data = open(download.value.path(), "rb").read()
        asked = [u for u in requests[seen:] if "CVT=jpeg" in u]
        checks.expect(data[:3] == b"\xff\xd8\xff" and len(data) > 1000, "the export button downloads a JPEG",
                      f"{len(data)} bytes, {data[:4]!r}")
        checks.expect(asked and "RGN=" in asked[0] and "INV=1" in asked[0], "the export is the visible region",
                      f"{asked}")

        # Rotation through IIIF: tiles arrive rotated.
        page.click("#controls button[type=reset]")
        seen = len(requests)
        page.select_option("#controls select[name=rotation]", "90")
        state = settle(page)
        rotated = tile_requests(requests[seen:])
        checks.expect(rotated and all("/90/default.jpg" in u for u in rotated), "rotation changes the tile requests",
                      f"{rotated[:3]}")

        # Back to the plain image, fitted, for a screenshot that is not blank.
        page.select_option("#controls select[name=rotation]", "0")
        stage.focus()
        page.keyboard.press("0")
        page.evaluate("() => { document.getElementById('sidebar').scrollTop = 0; }")
        settle(page)
        shot = page.screenshot(path=arguments.screenshot) if arguments.screenshot else page.screenshot()
        blank = context.new_page()
        mean, variance = blank.evaluate(VARIANCE, base64.b64encode(shot).decode())
        checks.expect(variance > 500, "the screenshot is not blank", f"mean {mean:.1f}, variance {variance:.1f}")
        print(f"screenshot: mean {mean:.1f}, variance {variance:.1f}, {len(shot)} bytes", flush=True)

        origin = re.match(r"https?://[^/]+", arguments.url).group(0)
        outside = [u for u in requests if not u.startswith((origin, "data:", "blob:"))]
        checks.expect(not outside, "every request stays on the server", f"{outside[:3]}")
        checks.expect(not errors, "no console error, failed request or page error", "; ".join(errors[:5]))
        print(f"requests: {len(requests)}, tile requests: {len(tile_requests(requests))}", flush=True)
        browser.close()
    print(f"Done ({checks.count} checks, {checks.failures} failures)", flush=True)
    return 0 if checks.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
