"""Reports of a NeTEx validation as CSV and as a standalone HTML page.

Both read the ``report()`` dictionary, so what they show is what the JSON
report says: errors first, then warnings, then information, never mixed.
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

COLUMNS = (
    "severity",
    "code",
    "filename",
    "line",
    "path",
    "element",
    "id",
    "ref",
    "message",
    "messageFr",
)
SECTIONS = (("errors", "Errors"), ("warnings", "Warnings"), ("infos", "Information"))


def _rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, _ in SECTIONS:
        for group in report.get(key, []):
            for sample in group["sampleNotices"]:
                row = {"severity": group["severity"], "code": group["code"]}
                row.update({c: sample.get(c, "") for c in COLUMNS[2:]})
                rows.append(row)
    return rows


def to_csv(report: dict[str, Any]) -> str:
    """One row per sampled notice, errors first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(report))
    return out.getvalue()


def to_html(report: dict[str, Any], *, title: str = "NeTEx validation") -> str:
    """A self-contained page: verdict, counts, summary, then each severity."""
    summary = report["summary"]
    esc = html.escape
    verdict = summary.get("verdict", "")
    colour = {"valid": "#1d7a35", "valid_with_warnings": "#8a5a00"}.get(
        verdict, "#b3261e"
    )
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title>",
        "<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:70rem}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;"
        "padding:.3rem;text-align:left;vertical-align:top}"
        ".verdict{color:#fff;padding:.4rem .8rem;border-radius:.3rem;"
        "display:inline-block}</style></head><body>",
        f"<h1>{esc(title)}: {esc(summary.get('input', ''))}</h1>",
        f"<p class='verdict' style='background:{colour}'>{esc(verdict)}: "
        f"{summary.get('errors', 0)} errors, {summary.get('warnings', 0)} "
        f"warnings</p>",
        f"<p>{esc(summary.get('checked', ''))}</p>",
        "<h2>Summary</h2><ul>",
        f"<li>Files: {summary.get('files', 0)}</li>",
        f"<li>Lines by mode: {esc(str(summary.get('linesByMode', {})))}</li>",
        f"<li>Stop places: {summary.get('stopPlaces', 0)}, quays: "
        f"{summary.get('quays', 0)}</li>",
        f"<li>Validity: {esc(str(summary.get('validity', {})))}</li>",
        f"<li>Calendars: {esc(str(summary.get('calendars', {})))}</li>",
        "</ul>",
    ]
    for key, heading in SECTIONS:
        groups = report.get(key, [])
        parts.append(f"<h2>{heading} ({sum(g['totalNotices'] for g in groups)})</h2>")
        if not groups:
            parts.append("<p>None.</p>")
            continue
        parts.append(
            "<table><thead><tr>"
            + "".join(f"<th>{c}</th>" for c in COLUMNS[1:])
            + "</tr></thead><tbody>"
        )
        for group in groups:
            for sample in group["sampleNotices"][:100]:
                cells = [group["code"]] + [str(sample.get(c, "")) for c in COLUMNS[2:]]
                parts.append(
                    "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"
                )
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
