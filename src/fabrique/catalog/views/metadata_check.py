"""Check a metadata file against its standard, without an account.

The page takes an uploaded file or pasted text, finds its standard (DCAT-AP
or mobilityDCAT-AP in any RDF syntax, publiccode.yml, codemeta.json, an Open
Know-How manifest) and lists what the engine (``fabrique.standards``) finds:
severity, focus node, path and message. SHACL results are said again in the
visitor's language from the constraint that failed; the shapes' own message
is kept beside it.

Like the other heavy anonymous pages (on-demand GTFS validation, CSV
geocoding) a client gets ``RATELIMIT_STANDARDS_VALIDATE`` checks per window
and ``CONCURRENCY_HEAVY_PER_CLIENT`` at once; a body over
``STANDARDS_VALIDATE_MAX_BYTES`` is refused before it is read. Nothing is
stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from fabrique.core import concurrency
from fabrique.core.ratelimit import (
    RateLimited,
    client_key,
    hit,
    limit_message,
    setting_rate,
)
from fabrique.standards import Finding, StandardsError, shacl
from fabrique.standards.validate import validate

SCOPE = "standards-validate"
RATE_SETTING = "RATELIMIT_STANDARDS_VALIDATE"
# Room for the multipart envelope and the other fields around the file.
MULTIPART_SLACK = 64 * 1024
# Findings shown on the page; the rest are counted.
SHOWN = 1000

STANDARDS = {
    "dcat": "DCAT-AP 3.0.1 / mobilityDCAT-AP 1.1.0",
    "publiccode": "publiccode.yml",
    "codemeta": "CodeMeta 3",
    "okh": "Open Know-How (OKH-LOSH)",
}


def max_bytes() -> int:
    return int(settings.STANDARDS_VALIDATE_MAX_BYTES)


def too_large() -> str:
    return _("The file is larger than the limit of %(limit)s.") % {
        "limit": filesizeformat(max_bytes())
    }


class CheckForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Metadata file"), required=False)
    text = forms.CharField(
        label=gettext_lazy("or paste its text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Standard"),
        required=False,
        choices=[("", gettext_lazy("Found from the file")), *list(STANDARDS.items())],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        if data.get("file") and has_text:
            raise forms.ValidationError(
                _("Send either a file or a text, not both."), code="both"
            )
        if not data.get("file") and not has_text and not self.errors:
            raise forms.ValidationError(
                _("Choose a file or paste its text."), code="none"
            )
        return data


def pasted_name(data: bytes) -> str:
    """A file name for pasted text, so that its standard and syntax are found
    as they would be from a file."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "pasted.json"
    if head.startswith(b"<"):
        return "pasted.rdf"
    if b"publiccodeYmlVersion" in head:
        return "publiccode.yml"
    if b"okhv" in head or b"okh-version" in head.lower():
        return "okh.toml"
    return "pasted.ttl"


def _read(form: CheckForm) -> tuple[bytes, str]:
    upload = form.cleaned_data.get("file")
    if upload:
        if upload.size > max_bytes():
            raise StandardsError(too_large())
        return upload.read(), upload.name or "upload"
    data = form.cleaned_data["text"].encode("utf-8")
    if len(data) > max_bytes():
        raise StandardsError(too_large())
    fmt = form.cleaned_data.get("format")
    names = {"publiccode": "publiccode.yml", "codemeta": "codemeta.json"}
    return data, names.get(fmt, "okh.toml" if fmt == "okh" else pasted_name(data))


NODE_KINDS = {
    "IRI": gettext_lazy("an address (IRI)"),
    "Literal": gettext_lazy("a text or a typed value (literal)"),
    "BlankNode": gettext_lazy("a blank node"),
    "BlankNodeOrIRI": gettext_lazy("a resource (an address or a blank node)"),
    "IRIOrLiteral": gettext_lazy("an address or a literal"),
    "BlankNodeOrLiteral": gettext_lazy("a blank node or a literal"),
}


def explain(finding: Finding) -> str:
    """What failed, in the visitor's language (SHACL results), else the
    engine's message."""
    expected = finding.expected
    count = int(expected) if expected.isdigit() else 0
    texts = {
        "minCount": lambda: (
            ngettext(
                "At least %(count)d value is required here.",
                "At least %(count)d values are required here.",
                count,
            )
            % {"count": count}
        ),
        "maxCount": lambda: (
            ngettext(
                "At most %(count)d value is allowed here.",
                "At most %(count)d values are allowed here.",
                count,
            )
            % {"count": count}
        ),
        "class": lambda: (
            _("The value must be of class %(class)s.") % {"class": expected}
        ),
        "nodeKind": lambda: (
            _("The value must be %(kind)s.")
            % {"kind": NODE_KINDS.get(expected, expected)}
        ),
        "datatype": lambda: (
            _("The value must be of datatype %(type)s.") % {"type": expected}
        ),
        "pattern": lambda: (
            _("The value does not have the expected form (pattern %(pattern)s).")
            % {"pattern": expected}
        ),
        "minLength": lambda: (
            _("The value is shorter than %(length)s characters.") % {"length": expected}
        ),
        "maxLength": lambda: (
            _("The value is longer than %(length)s characters.") % {"length": expected}
        ),
        "hasValue": lambda: (
            _("The value %(value)s is required here.") % {"value": expected}
        ),
        "languageIn": lambda: (
            _("The text must be in one of these languages: %(languages)s.")
            % {"languages": expected}
        ),
        "uniqueLang": lambda: _("Only one text per language is allowed here."),
        "or": lambda: _("The value matches none of the allowed forms."),
        "closed": lambda: _("This property is not allowed here."),
    }
    if finding.constraint not in texts or (
        finding.constraint in ("minCount", "maxCount") and not expected.isdigit()
    ):
        return finding.message
    text = texts[finding.constraint]()
    if finding.value:
        text += " " + _("Value found: %(value)s") % {"value": finding.value}
    return str(text)


def _rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "severity": f.severity,
            "focus": f.focus,
            "path": f.path,
            "message": explain(f),
            # The shapes' (or engine's) own words, when they were said again.
            "original": f.message if f.constraint else "",
        }
        for f in findings[:SHOWN]
    ]


def _shapes_missing() -> str:
    try:
        shacl.standards_dir()
    except shacl.ShapesMissing as exc:
        return str(exc)
    return ""


def _page(
    request: HttpRequest,
    form: CheckForm,
    *,
    status: int = 200,
    refusal: str = "",
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "refusal": refusal,
        "max_upload": max_bytes(),
        "shapes_missing": _shapes_missing(),
        **extra,
    }
    return render(request, "catalog/metadata_check.html", context, status=status)


def _check(request: HttpRequest, form: CheckForm) -> HttpResponse:
    try:
        data, name = _read(form)
        chosen, findings = validate(
            data, name=name, format=form.cleaned_data.get("format") or None
        )
    except shacl.ShapesMissing as exc:
        return _page(
            request,
            form,
            status=503,
            refusal=_(
                "This site cannot check DCAT-AP files: the official SHACL "
                "shapes are not installed on it."
            ),
            detail=str(exc),
        )
    except StandardsError as exc:
        form.add_error(
            None, _("The file cannot be read: %(reason)s") % {"reason": str(exc)}
        )
        return _page(request, form, status=422)
    errors = sum(1 for f in findings if f.severity == "error")
    return _page(
        request,
        form,
        result={
            "name": name,
            "standard": STANDARDS.get(chosen, chosen),
            "valid": errors == 0,
            "errors": errors,
            "warnings": len(findings) - errors,
            "rows": _rows(findings),
            "hidden": max(0, len(findings) - SHOWN),
        },
    )


@csrf_protect
def _checked(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=422)
    client = client_key(request)
    try:
        hit(SCOPE, client, setting_rate(RATE_SETTING))
        with concurrency.slot(
            SCOPE,
            client,
            concurrency.client_limit(),
            lease=concurrency.lease_seconds(),
        ):
            return _check(request, form)
    except (RateLimited, concurrency.Busy) as exc:
        refusal = limit_message(exc) if isinstance(exc, RateLimited) else exc.message()
        response = _page(request, form, status=429, refusal=refusal)
        response["Retry-After"] = str(exc.retry_after)
        return response


@csrf_exempt
def metadata_check(request: HttpRequest) -> HttpResponse:
    """Upload or paste a metadata file; see what its standard says of it."""
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        return _page(request, CheckForm())
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes() + MULTIPART_SLACK:
        # Refused before the body is read: nothing of it is kept.
        return _page(request, CheckForm(), status=413, refusal=too_large())
    return _checked(request)
