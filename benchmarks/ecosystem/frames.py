"""Frame and draw times of the graph page with a generated 5,000-node graph.

    python benchmarks/ecosystem/frames.py --url http://127.0.0.1:8000 \
        [--nodes 5000] [--chromium /usr/bin/chromium]

Against a running server (``fabrique demo`` will do): opens the graph page in
headless Chromium, feeds it a generated graph (two links per node, one to a
near neighbour and one to one of 50 hubs), waits for the layout to settle,
then pans and zooms for a few seconds and prints the layout time and the
median and p95 of the frame intervals (``requestAnimationFrame``) and of the
redraws, as sampled by the page (``window.ecoGraphStats``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

GENERATE = """(count) => {
  const types = ["actor", "commons", "project", "challenge"];
  const nodes = [], edges = [];
  for (let i = 0; i < count; i++) {
    nodes.push({id: "n" + i, type: types[i % 4], label: "Nœud " + i,
                url: "/communs/", size: 1 + (i % 9) / 3, kind: ""});
  }
  for (let i = 1; i < count; i++) {
    edges.push({source: "n" + i, target: "n" + (i - 1 - (i * 7) % Math.min(i, 20)),
                relation: "uses", weight: 1});
    edges.push({source: "n" + i, target: "n" + ((i * 31) % 50), relation: "uses",
                weight: 1});
  }
  window.ecoGraphStart({nodes, edges, truncated: false});
}"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="base URL of a running server")
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(args.url.rstrip("/") + "/ecosysteme/?kind=hardware")
        page.wait_for_selector("#eco-graph[data-settled=true]", timeout=60_000)
        started = time.perf_counter()
        page.evaluate(GENERATE, args.nodes)
        page.wait_for_selector("#eco-graph[data-settled=true]", timeout=600_000)
        settled = time.perf_counter() - started
        page.evaluate("window.ecoGraphStats.frames.length = 0")
        page.evaluate("window.ecoGraphStats.draws.length = 0")
        box = page.locator("#eco-canvas").bounding_box()
        for step in range(60):
            page.mouse.move(box["x"] + 100 + step * 15, box["y"] + 300 + step % 7 * 9)
            page.mouse.wheel(0, -120 if step % 2 else 120)
            page.wait_for_timeout(30)
        frames, draws = page.evaluate(
            "[window.ecoGraphStats.frames.slice(), window.ecoGraphStats.draws.slice()]"
        )
        browser.close()
    print(
        f"{args.nodes} nodes: layout settled in {settled:.1f} s; "
        f"frame interval median {statistics.median(frames):.1f} ms, "
        f"p95 {_p95(frames):.1f} ms ({len(frames)} frames); "
        f"redraw median {statistics.median(draws):.1f} ms, p95 {_p95(draws):.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
