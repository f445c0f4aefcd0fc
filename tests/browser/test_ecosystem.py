"""The ecosystem's graph, map and dashboards in a browser.

With the demo content: the graph settles, names its nodes on hover and opens
a node's page on click; the map and dashboards draw; screenshots land in
``docs/screenshots``. With a generated graph of 5,000 nodes and 10,000
links fed to the page's script: it lays out, stays explorable and hovers
and clicks still work (how fast it draws is measured by
``benchmarks/ecosystem/frames.py``, not here).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.catalog.demo import load_demo
from fabrique.community.models import Need
from fabrique.community.questions import normalise_question

pytestmark = [
    pytest.mark.browser,
    pytest.mark.screenshots,
    pytest.mark.django_db(transaction=True),
]

GENERATE = """(count) => {
  const types = ["actor", "commons", "project", "challenge"];
  const nodes = [], edges = [];
  for (let i = 0; i < count; i++) {
    nodes.push({id: "n" + i, type: types[i % 4], label: "Nœud " + i,
                url: "/communs/", size: 1 + (i % 9) / 3, kind: ""});
  }
  // Two links per node: one to a near neighbour, one to a hub.
  for (let i = 1; i < count; i++) {
    edges.push({source: "n" + i, target: "n" + (i - 1 - (i * 7) % Math.min(i, 20)),
                relation: "uses", weight: 1});
    edges.push({source: "n" + i, target: "n" + ((i * 31) % 50), relation: "uses",
                weight: 1});
  }
  window.ecoGraphStart({nodes, edges, truncated: false});
  return [nodes.length, edges.length];
}"""


def settled(page, timeout: int = 300_000) -> None:
    page.wait_for_selector("#eco-graph[data-settled=true]", timeout=timeout)


def hover_node(page, index: int) -> None:
    x, y = page.evaluate(f"window.ecoGraphStats.at({index})")
    box = page.locator("#eco-canvas").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)


def test_the_demo_ecosystem_as_graph_map_and_dashboards(page, screenshot_dir):
    assert load_demo()
    need = Need.objects.get(
        title=normalise_question("Comment partager plus de vélos ?")
    )

    page.goto(page.base_url + reverse("ecosystem:graph"))
    settled(page)
    stats = page.evaluate("[window.ecoGraphStats.nodes, window.ecoGraphStats.edges]")
    assert stats[0] > 50
    assert stats[1] > 50
    page.screenshot(path=screenshot_dir / "ecosystem-graph.png", full_page=False)

    # Filtered by the domain of the bike need: its challenges are in.
    page.select_option("#f-domain", need.domain.slug)
    with page.expect_navigation():
        page.locator(".eco-filters button[type=submit]").click()
    settled(page)
    challenge = need.challenges.filter(state="delivered").first()
    link = page.locator(f"a[data-node='challenge:{challenge.pk}']")
    expect(link).to_have_attribute("href", challenge.get_absolute_url())

    # Hovering the most linked node names it; clicking opens its page.
    first = page.evaluate("window.ecoGraphStats.nodes") and 0
    hover_node(page, first)
    expect(page.locator("#eco-tip")).to_be_visible()
    with page.expect_navigation():
        page.mouse.down()
        page.mouse.up()
    assert page.url != page.base_url + reverse("ecosystem:graph")

    # Keyboard: the canvas takes focus and zooms with + and −.
    page.goto(page.base_url + reverse("ecosystem:graph"))
    settled(page)
    page.locator("#eco-canvas").focus()
    page.keyboard.press("+")
    page.keyboard.press("ArrowLeft")

    page.goto(page.base_url + reverse("ecosystem:dashboard"))
    expect(page.locator("#chart-commons svg")).to_be_visible()
    page.locator("#chart-challenges summary").click()
    expect(page.locator("#chart-challenges table")).to_be_visible()
    page.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)

    page.goto(page.base_url + reverse("ecosystem:map"))
    expect(page.locator(".eco-map .leaflet-container")).to_be_visible()
    page.wait_for_selector(".eco-map [data-map-drawn]")
    page.screenshot(path=screenshot_dir / "ecosystem-map.png", full_page=True)


def test_a_generated_graph_of_five_thousand_nodes_lays_out_and_stays_usable(page):
    page.goto(page.base_url + reverse("ecosystem:graph"))
    settled(page)
    assert page.evaluate(GENERATE, 5000) == [5000, 9998]
    settled(page)
    assert page.evaluate("window.ecoGraphStats.nodes") == 5000
    # It still answers: zoom, hover a node, open its page.
    page.locator("[data-zoom='1.25']").click()
    page.locator("[data-zoom='0']").click()
    hover_node(page, 0)
    expect(page.locator("#eco-tip")).to_contain_text("Nœud")
    with page.expect_navigation():
        page.mouse.down()
        page.mouse.up()
    assert page.url.endswith("/communs/")
