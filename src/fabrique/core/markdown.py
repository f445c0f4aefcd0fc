"""Markdown to safe HTML: markdown-it-py (CommonMark) then the nh3 sanitiser.

User content is never trusted: raw HTML in the source is escaped by the
parser, and the sanitiser keeps only an allow-list of tags, attributes and
URL schemes, so ``<script>``, ``javascript:`` links, event handlers and SVG
payloads never reach a page.

Images are shown only from this site (relative URLs such as ``/media/…``). An
image on another host becomes a link to it: a page never makes a reader's
browser call a third party (no tracking pixels), and the Content-Security-Policy
(``img-src 'self' data:``) says the same.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre",
    "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

# Link parsing is quadratic on unbalanced brackets ("[[[[…"): 50,000 characters
# render in about a second at worst, so longer sources are refused by forms
# (``validate_markdown``) and cut at the limit when rendered.
MAX_MARKDOWN_CHARS = 50_000


def validate_markdown(source: str) -> None:
    """Refuse a Markdown source longer than ``MAX_MARKDOWN_CHARS``."""
    if len(source or "") > MAX_MARKDOWN_CHARS:
        raise ValidationError(
            _(
                "This text is %(length)d characters long; "
                "the limit is %(limit)d characters."
            ),
            code="markdown_too_long",
            params={"length": len(source), "limit": MAX_MARKDOWN_CHARS},
        )


def _is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _render_image(
    renderer: Any,
    tokens: Sequence[Token],
    idx: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if _is_local(src):
        return str(renderer.image(tokens, idx, options, env))
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    label = escape(alt or src)
    return f'<a href="{escape(src)}">{label}</a>'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default" escapes raw HTML and refuses unsafe link schemes.
    parser = MarkdownIt("js-default").enable("table").enable("strikethrough")
    parser.add_render_rule("image", _render_image)
    return parser


# Bump when the rendering or the sanitiser's rules change.
RENDER_VERSION = 1
# Rendered texts kept per process, by a hash of their source.
CACHED_TEXTS = 2048
_rendered: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def render_markdown(source: str) -> str:
    """Render user Markdown to sanitised HTML.

    The HTML is kept by a hash of the source (the same text always gives the
    same HTML), so pages showing unchanged descriptions skip the parser.
    """
    source = (source or "")[:MAX_MARKDOWN_CHARS]
    if not source:
        return ""
    digest = hashlib.sha256(f"{RENDER_VERSION}:{source}".encode()).hexdigest()
    with _lock:
        html = _rendered.get(digest)
        if html is not None:
            _rendered.move_to_end(digest)
            return html
    html = _render(source)
    with _lock:
        _rendered[digest] = html
        while len(_rendered) > CACHED_TEXTS:
            _rendered.popitem(last=False)
    return html


def _render(source: str) -> str:
    html = _parser().render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
