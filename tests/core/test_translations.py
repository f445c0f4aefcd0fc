"""Both catalogues (French and English) are complete and compiled.

To update them after adding strings, from ``src/fabrique``::

    fabrique manage makemessages -l fr -l en --add-location file --no-obsolete
    fabrique manage makemessages -d djangojs -l fr -l en --add-location file \
        --no-obsolete
    (translate every empty or fuzzy entry of both languages)
    fabrique manage compilemessages

The compiled ``.mo`` files are committed, so a machine without GNU gettext
runs the site in both languages; only the regeneration check needs gettext.
"""

from __future__ import annotations

import contextlib
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import fabrique

PACKAGE_DIR = Path(fabrique.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ("fr", "en")
DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}")


@dataclass
class Entry:
    """One message of a ``.po`` file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(
        r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text[1:-1]
    )


def parse_po(path: Path) -> list[Entry]:
    """Read the entries of a ``.po`` file (header first, obsolete ones flagged)."""
    entries: list[Entry] = []
    entry = Entry()
    started = False
    target: tuple[str, int] = ("msgid", 0)

    def finish() -> None:
        nonlocal entry, started
        if started:
            entries.append(entry)
        entry, started = Entry(), False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        try:
            if line.startswith('"'):
                value = _unquote(line)
                name, index = target
                if name == "msgstr":
                    entry.msgstr[index] += value
                else:
                    setattr(entry, name, (getattr(entry, name) or "") + value)
                continue
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if (
                keyword in {"msgctxt", "msgid"}
                and started
                and (keyword == "msgctxt" or entry.msgstr)
            ):
                obsolete = entry.obsolete
                finish()
                entry.obsolete = obsolete
            started = True
            if keyword in {"msgctxt", "msgid", "msgid_plural"}:
                setattr(entry, keyword, _unquote(rest))
                target = (keyword, 0)
            elif keyword == "msgstr" or match:
                index = int(match.group(1)) if match else 0
                entry.msgstr[index] = _unquote(rest)
                target = ("msgstr", index)
            else:
                raise ValueError(f"unknown keyword {keyword!r}")
        except ValueError as exc:
            raise AssertionError(f"{path} line {number}: {exc}") from exc
    finish()
    return entries


def committed_catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def live_entries(path: Path) -> list[Entry]:
    """The messages of a catalogue, without its header and obsolete entries."""
    return [e for e in parse_po(path) if e.msgid and not e.obsolete]


def _label(path: Path) -> str:
    return str(path.relative_to(PACKAGE_DIR))


def test_the_po_reader_understands_plurals_contexts_flags_and_escapes(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "verb"\nmsgid "Say \\"%(a)s\\""\n'
        'msgstr ""\n"Dire "\n"\\"%(a)s\\""\n\n'
        'msgid "one commons"\nmsgid_plural "%(n)s commons"\n'
        'msgstr[0] "un commun"\nmsgstr[1] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "parti"\n',
        encoding="utf-8",
    )
    header, say, plural, gone = parse_po(po)
    assert header.msgstr == {0: "Language: fr\n"}
    assert (say.msgctxt, say.msgid, say.msgstr[0]) == (
        "verb",
        'Say "%(a)s"',
        'Dire "%(a)s"',
    )
    assert say.flags == {"fuzzy", "python-format"}
    assert say.key == 'verb\x04Say "%(a)s"'
    assert plural.msgid_plural == "%(n)s commons"
    assert not plural.translated
    assert gone.obsolete
    assert gone.msgstr == {0: "parti"}


def test_french_and_english_catalogues_are_committed():
    for language in LANGUAGES:
        path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        assert path.is_file(), f"missing catalogue {_label(path)}"
        assert live_entries(path), f"{_label(path)} holds no message"


def test_every_entry_is_translated_and_none_is_fuzzy():
    problems = []
    for path in committed_catalogues():
        header, *_ = parse_po(path)
        if "fuzzy" in header.flags:
            problems.append(f"{_label(path)}: the header is marked fuzzy")
        for entry in live_entries(path):
            if "fuzzy" in entry.flags:
                problems.append(f"{_label(path)}: fuzzy: {entry.msgid!r}")
            elif not entry.translated:
                problems.append(f"{_label(path)}: untranslated: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders_of_their_source():
    problems = []
    for path in committed_catalogues():
        for entry in live_entries(path):
            sources = [entry.msgid, entry.msgid_plural or entry.msgid]
            for index, text in entry.msgstr.items():
                source = sources[min(index, 1)]
                if sorted(PLACEHOLDER.findall(text)) != sorted(
                    PLACEHOLDER.findall(source)
                ) and not (index == 0 and entry.msgid_plural):
                    problems.append(f"{_label(path)}: {source!r} -> {text!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_compiled_catalogues_match_their_sources():
    problems = []
    for path in committed_catalogues():
        mo = path.with_suffix(".mo")
        if not mo.is_file():
            problems.append(f"{_label(mo)} is missing: run compilemessages")
            continue
        expected: dict[object, str] = {}
        for entry in parse_po(path):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated:
                continue
            if not entry.msgid:  # msgfmt leaves the creation date out of the header
                expected[""] = re.sub(
                    r"(?m)^POT-Creation-Date:.*\n", "", entry.msgstr[0]
                )
            elif entry.msgid_plural is None:
                expected[entry.key] = entry.msgstr[0]
            else:
                for index, text in entry.msgstr.items():
                    expected[(entry.key, index)] = text
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        if compiled != expected:
            stale = sorted(
                repr(k) for k in expected.keys() ^ compiled.keys()
            ) or sorted(repr(k) for k in expected if expected[k] != compiled.get(k))
            problems.append(
                f"{_label(mo)} differs from its .po (run compilemessages): "
                + ", ".join(stale[:10])
            )
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_pages_are_in_french_until_the_visitor_chooses(client):
    page = client.get("/").content.decode()
    assert '<html lang="fr"' in page
    assert "Aller au contenu" in page


@pytest.mark.django_db
def test_the_language_switch_turns_english_on_and_remembers_it(client, settings):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/communs/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/communs/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600
    for _ in range(2):
        page = client.get("/").content.decode()
        assert '<html lang="en"' in page
        assert "Skip to content" in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Aller au contenu" in client.get("/").content.decode()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """A copy of the package whose catalogues were regenerated from the sources."""
    missing = [t for t in ("xgettext", "msgmerge", "msguniq") if not shutil.which(t)]
    if missing:
        pytest.skip(
            f"GNU gettext tools not installed ({', '.join(missing)}): "
            "cannot regenerate the catalogues to compare them"
        )
    root = tmp_path_factory.mktemp("regenerated") / "fabrique"
    shutil.copytree(
        PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    with (
        override_settings(LOCALE_PATHS=[root / "locale"]),
        contextlib.chdir(root),
    ):
        for domain in DOMAINS:
            call_command(
                "makemessages",
                locale=list(LANGUAGES),
                domain=domain,
                add_location="file",
                no_obsolete=True,
                verbosity=0,
            )
    return root / "locale"


def test_every_message_of_the_sources_is_in_the_committed_catalogues(regenerated):
    problems = []
    for language in LANGUAGES:
        for domain in DOMAINS:
            fresh = regenerated / language / "LC_MESSAGES" / f"{domain}.po"
            if not fresh.is_file():
                continue
            wanted = {e.key for e in live_entries(fresh)}
            committed = LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"
            have = (
                {e.key for e in live_entries(committed)}
                if committed.is_file()
                else set()
            )
            problems += [
                f"{language}/{domain}.po lacks {key!r}" for key in sorted(wanted - have)
            ]
    assert not problems, (
        "run makemessages and translate (see this module's docstring):\n"
        + "\n".join(problems)
    )
