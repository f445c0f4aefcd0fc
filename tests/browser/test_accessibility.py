"""axe-core on the main pages of the demo: no serious or critical finding.

axe-core comes from the npm registry, pinned by ``tests/browser/axe/
package-lock.json``; ``.ci/run`` installs it with ``npm ci``. The test skips
with the command to run when it is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from fabrique.catalog.demo import DEMO_PASSWORD, DEMO_USERNAME, load_demo
from fabrique.catalog.models import Actor, Commons
from fabrique.community.models import Challenge
from fabrique.transport.models import Dataset

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core"
AXE_SCRIPT = AXE / "axe.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Findings of these impacts fail the test; "minor" and "moderate" are reported.
FAILING = {"serious", "critical"}


def main_pages() -> list[str]:
    commons = Commons.objects.filter(hidden=False).order_by("pk").first()
    actor = Actor.objects.filter(hidden=False).order_by("pk").first()
    challenge = Challenge.objects.order_by("pk").first()
    dataset = Dataset.objects.order_by("pk").first()
    pages = [
        reverse("home"),
        reverse("catalog:commons_list") + "?q=velo",
        reverse("catalog:actor_list"),
        reverse("catalog:themes"),
        reverse("community:domains"),
        reverse("community:search") + "?q=velo",
        reverse("transport:dataset_list"),
        reverse("transport:validate"),
        reverse("transport:rules"),
        reverse("places:geocoder"),
        reverse("projects:projects"),
        reverse("ecosystem:dashboard"),
        reverse("ecosystem:graph"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("badges:list"),
        reverse("badges:verify"),
    ]
    for obj in (commons, actor, challenge, dataset):
        if obj is not None:
            pages.append(obj.get_absolute_url())
    return pages


def axe_findings(page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))
            }));
        }"""
    )
    return list(result)


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed: run `npm ci` in tests/browser/axe")
    # The page's CSP forbids inline scripts, the way axe is injected: this
    # context alone sets it aside, for the test's own script.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def _serious(page, paths: list[str]) -> list[str]:
    failures = []
    for path in paths:
        for finding in axe_findings(page, page.base_url + path):
            if finding["impact"] in FAILING:
                failures.append(
                    f"{path}: {finding['id']} ({finding['impact']}) "
                    f"{finding['help']} at {finding['nodes']}"
                )
    return failures


def test_main_pages_have_no_serious_accessibility_finding(axe_page):
    """Signed out, then signed in: the demo is loaded once for both."""
    assert load_demo()
    failures = _serious(axe_page, main_pages())
    # Sign in through the page, as a person would.
    axe_page.goto(axe_page.base_url + reverse("accounts:login"))
    axe_page.fill("input[name=username]", DEMO_USERNAME)
    axe_page.fill("input[name=password]", DEMO_PASSWORD)
    axe_page.locator("main form [type=submit]").last.click()
    axe_page.wait_for_load_state("networkidle")
    assert reverse("accounts:login") not in axe_page.url, "the demo sign-in failed"
    failures += _serious(
        axe_page,
        [
            reverse("accounts:profile"),
            reverse("catalog:commons_create"),
            reverse("catalog:commons_import"),
            reverse("notifications:list"),
            reverse("community:for_me"),
        ],
    )
    assert not failures, "\n".join(failures)
