"""Hostile Markdown never reaches a page as markup that runs."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.core.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_SCHEMES,
    ALLOWED_TAGS,
    MAX_MARKDOWN_CHARS,
    render_markdown,
    validate_markdown,
)


class _Collector(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def assert_safe(html: str) -> None:
    """Only allowed tags and attributes, and only allowed URL schemes."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> got through: {html!r}"
        for name, value in attrs.items():
            allowed = set(ALLOWED_ATTRIBUTES.get(tag, set()))
            if tag == "a":
                allowed.add("rel")
            assert name in allowed, f"attribute {name} on <{tag}>: {html!r}"
            if name in {"href", "src"} and value:
                # Browsers drop ASCII tab/newline and leading spaces in URLs.
                cleaned = "".join(c for c in value if c not in "\t\n\r").strip()
                scheme = urlsplit(cleaned).scheme.lower()
                assert scheme in ALLOWED_SCHEMES | {""}, f"{name}={value!r}"


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&colon;alert(1))",
    "[click](  javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](vbscript:msgbox(1))",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#x6A;avascript:alert(1)">click</a>',
    "<img src=x onerror=alert(1)>",
    '![a](x" onerror="alert(1))',
    '[x](https://ok.example/"onmouseover="alert(1))',
    '[x](https://ok.example "t\\" onclick=\\"alert(1)")',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://evil.example></iframe>",
    "<object data=evil.swf></object><embed src=evil.swf>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="https://evil.example"><input name=p></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=https://evil.example/>",
    "a <!-- <script>alert(1)</script> --> b",
    "<![CDATA[<script>alert(1)</script>]]>",
    "`</code><script>alert(1)</script>`",
    "| a |\n|---|\n| <b onclick=alert(1)>b</b> |",
    "> <img src=x onerror=alert(1)>\n> > [x](javascript:alert(1))",
    "- [x](javascript:alert(1))\n  - ![y](javascript:alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_to_inert_html(source):
    html = render_markdown(source)
    assert_safe(html)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<svg" not in lowered
    assert "<iframe" not in lowered
    # Attribute values are checked on the parsed elements (escaped text may
    # legitimately show `href="javascript:…"` to the reader).
    for _tag, attrs in elements(html):
        for value in attrs.values():
            assert "javascript" not in (value or "").lower()
            assert not (value or "").lower().startswith("data:")


@pytest.mark.parametrize(
    "source",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
)
def test_raw_html_is_shown_as_text_not_dropped(source):
    # The reader sees what the author typed, escaped.
    assert "&lt;" in render_markdown(source)


def test_ordinary_markdown_keeps_its_formatting():
    html = render_markdown(
        "# Titre\n\n**gras** *italique* [lien](https://example.org) "
        "![vélo](/media/v.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "~~barré~~ `code`"
    )
    assert "<h1>Titre</h1>" in html
    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert 'href="https://example.org"' in html
    assert 'src="/media/v.png"' in html
    assert "<table>" in html
    assert "<s>barré</s>" in html
    assert "<code>code</code>" in html


def test_links_are_marked_as_user_content_and_do_not_pass_the_opener():
    html = render_markdown("[lien](https://example.org)")
    assert 'rel="nofollow noopener ugc"' in html


def test_relative_and_mailto_links_are_kept():
    html = render_markdown("[a](/communs/) [b](mailto:contact@example.org)")
    assert 'href="/communs/"' in html
    assert 'href="mailto:contact@example.org"' in html


def test_empty_and_missing_sources_render_to_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


def test_overlong_source_is_refused_by_the_validator_with_its_length():
    with pytest.raises(ValidationError) as caught:
        validate_markdown("a" * (MAX_MARKDOWN_CHARS + 1))
    assert str(MAX_MARKDOWN_CHARS) in str(caught.value.messages)


def test_overlong_source_is_rendered_only_up_to_the_limit():
    # Unbalanced brackets make link parsing quadratic: the cap bounds the cost.
    html = render_markdown("[" * (MAX_MARKDOWN_CHARS * 3))
    assert html.count("[") <= MAX_MARKDOWN_CHARS


FRAGMENTS = st.sampled_from(
    [
        "<", ">", "[", "]", "(", ")", "!", '"', "'", "`", "\n", " ", "\t", "&#",
        "javascript:", "data:", "vbscript:", "on", "error=", "onload=", "alert(1)",
        "script", "svg", "img", "a", "href=", "src=", "/", "#x6A;", "x", "*", "|",
        "-", "> ", "http://e.example", "&colon;", "\\", "=",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_any_mix_of_hostile_fragments_renders_safely(source):
    assert_safe(render_markdown(source))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_renders_safely(source):
    assert_safe(render_markdown(source))


def test_an_image_from_another_host_becomes_a_link_not_a_request():
    html = render_markdown("![Plan du réseau](https://tracker.example.com/p.png)")
    assert "<img" not in html
    assert 'href="https://tracker.example.com/p.png"' in html
    assert "Plan du réseau" in html


def test_a_protocol_relative_image_is_not_loaded_either():
    assert "<img" not in render_markdown("![x](//tracker.example.com/p.png)")


def test_an_image_of_this_site_is_shown():
    html = render_markdown("![Vélo cargo](/media/commons/velo.png)")
    assert '<img src="/media/commons/velo.png" alt="Vélo cargo"' in html
