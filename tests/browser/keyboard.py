"""Keyboard and labelling checks shared by the browser tests."""

from __future__ import annotations

# Every visible form control, and what names it for assistive technology.
CONTROLS_JS = """
() => [...document.querySelectorAll(
    'main input:not([type=hidden]), main select, main textarea, main button'
  )]
  .filter(el => el.offsetParent !== null && !el.disabled)
  .map(el => ({
    id: el.id,
    name: el.name || el.textContent.trim(),
    tag: el.tagName.toLowerCase(),
    label: (
      [...(el.labels || [])].map(l => l.textContent.trim()).join(' ')
      || el.getAttribute('aria-label')
      || (el.getAttribute('aria-labelledby') || '').split(' ')
           .map(id => (document.getElementById(id) || {}).textContent || '')
           .join(' ').trim()
      || (el.tagName === 'BUTTON' ? el.textContent.trim() : '')
      || (el.type === 'submit' ? el.value : '')
    ),
  }))
"""


def unlabelled_controls(page) -> list[dict]:
    """The visible controls of the main content that have no accessible name."""
    return [c for c in page.evaluate(CONTROLS_JS) if not c["label"]]


def tab_through(page, limit: int = 300) -> list[str]:
    """Press Tab round the whole page once; return the ids (or names) focused.

    Starts wherever the focus is (an ``autofocus`` field, say) and goes on past
    the end of the page, back to the top, until it meets a focused element
    again, so every element in the tab order is seen once.
    """
    seen: list[str] = []
    keys: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " if (!el || el === document.body) return null;"
            " const all = [...document.querySelectorAll('*')];"
            " return [all.indexOf(el), el.id || el.name || ''] }"
        )
        if focused is None:
            continue
        key = str(focused[0])
        if key in keys:
            break
        keys.add(key)
        seen.append(focused[1])
    return seen
