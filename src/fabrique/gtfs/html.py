"""A self-contained HTML validation report (no script, no external asset)."""

from __future__ import annotations

from html import escape
from typing import Any

from fabrique.gtfs.rules import load_rules
from fabrique.gtfs.rules.registry import RULES

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:72rem;
color:#1a1a1a;padding:0 1rem}h1{font-size:1.6rem}table{border-collapse:collapse;
width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f0f0}.ERROR{color:#a00000}
.WARNING{color:#7a4a00}.INFO{color:#1f4f8a}details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600}code{background:#f4f4f4;padding:0 .2rem}
"""
SAMPLE_SHOWN = 50


def _cell(value: Any) -> str:
    return escape("" if value is None else str(value))


def render_html(report: dict[str, Any]) -> str:
    """Render a report.json dict as a standalone HTML page."""
    load_rules()
    summary = report["summary"]
    notices = report["notices"]
    totals = {"ERROR": 0, "WARNING": 0, "INFO": 0}
    for notice in notices:
        totals[notice["severity"]] += notice["totalNotices"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>GTFS validation report: {_cell(summary['gtfsInput'])}</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>GTFS validation report: {_cell(summary['gtfsInput'])}</h1>",
        f"<p>Validated on {_cell(summary['validatedAt'])} for the date "
        f"{_cell(summary['dateForValidation'])} by "
        f"{_cell(summary['validatorVersion'])} in "
        f"{_cell(summary['validationTimeSeconds'])} s.</p>",
        "<p>"
        + ", ".join(
            f"<span class='{k}'>{v} {k.lower()}{'s' if v != 1 else ''}</span>"
            for k, v in totals.items()
        )
        + ".</p>",
        "<h2>Feed</h2><table><tbody>",
    ]
    for key, value in summary.get("feedInfo", {}).items():
        parts.append(
            f"<tr><th scope='row'>{_cell(key)}</th><td>{_cell(value)}</td></tr>"
        )
    for key, value in summary.get("counts", {}).items():
        parts.append(
            f"<tr><th scope='row'>{_cell(key)}</th><td>{_cell(value)}</td></tr>"
        )
    parts.append(
        "<tr><th scope='row'>Files</th><td>"
        + _cell(", ".join(summary.get("files", [])))
        + "</td></tr></tbody></table>"
    )
    agencies = summary.get("agencies", [])
    if agencies:
        parts.append(
            "<h2>Agencies</h2><table><thead><tr><th>Name</th><th>URL</th>"
            "<th>Time zone</th></tr></thead><tbody>"
        )
        for agency in agencies:
            parts.append(
                f"<tr><td>{_cell(agency['name'])}</td><td>{_cell(agency['url'])}</td>"
                f"<td>{_cell(agency['timezone'])}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("<h2>Notices</h2>")
    if not notices:
        parts.append("<p>No notice: the feed follows every rule checked.</p>")
    for notice in notices:
        rule = RULES.get(notice["code"])
        description = rule.description if rule else ""
        samples = notice["sampleNotices"][:SAMPLE_SHOWN]
        columns = sorted({k for sample in samples for k in sample})
        parts.append(
            f"<details><summary><span class='{notice['severity']}'>"
            f"{notice['severity']}</span> <code>{_cell(notice['code'])}</code> "
            f"({notice['totalNotices']}) {_cell(description)}</summary>"
        )
        if rule and rule.doc:
            parts.append(f"<p>{_cell(rule.doc)}</p>")
        parts.append("<table><thead><tr>")
        parts.extend(f"<th>{_cell(c)}</th>" for c in columns)
        parts.append("</tr></thead><tbody>")
        for sample in samples:
            parts.append(
                "<tr>"
                + "".join(f"<td>{_cell(sample.get(c))}</td>" for c in columns)
                + "</tr>"
            )
        parts.append("</tbody></table>")
        if notice["totalNotices"] > len(samples):
            parts.append(
                f"<p>{len(samples)} of {notice['totalNotices']} shown; the JSON "
                "report holds up to 1,000 samples.</p>"
            )
        parts.append("</details>")
    parts.append("</main></body></html>\n")
    return "".join(parts)
