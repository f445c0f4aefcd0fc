"""publiccode.yml validator: hostile input, field paths, remote checks."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.standards import StandardsError, publiccode
from fabrique.standards.validate import validate as validate_any

MINIMAL = """\
publiccodeYmlVersion: "0"
name: Medusa
url: "https://example.org/medusa.git"
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: A short description.
    longDescription: >
      {long}
    features: [Routing]
legal:
  license: EUPL-1.2
maintenance:
  type: none
localisation:
  localisationReady: true
  availableLanguages: [en, fr]
""".replace("{long}", "Long text. " * 20)


def errors(text: str, **kwargs: object) -> list[tuple[str, str]]:
    findings = publiccode.validate(text.encode(), **kwargs)  # type: ignore[arg-type]
    return [(f.path, f.message) for f in findings if f.severity == "error"]


def test_minimal_document_is_valid() -> None:
    assert publiccode.validate(MINIMAL.encode()) == []
    fmt, findings = validate_any(MINIMAL.encode(), name="publiccode.yml")
    assert fmt == "publiccode"
    assert findings == []


def test_findings_name_the_field_at_fault() -> None:
    text = MINIMAL.replace(
        "shortDescription: A short description.", "documentation: 12"
    )
    found = errors(text)
    assert ("description.en.shortDescription", "is a required field") in found
    assert (
        "description.en.documentation",
        "documentation must be an HTTP(S) URL",
    ) in found
    text = MINIMAL.replace(
        "type: none", "type: community\n  contacts:\n    - name: A\n      email: nope"
    )
    assert [p for p, _ in errors(text)] == ["maintenance.contacts[0].email"]


def test_yaml_11_booleans_and_python_tags_are_not_taken() -> None:
    text = MINIMAL.replace("localisationReady: true", "localisationReady: yes")
    assert [p for p, _ in errors(text)] == ["localisation.localisationReady"]
    hostile = MINIMAL + "extra: !!python/object/apply:os.system ['true']\n"
    found = errors(hostile)
    assert found
    assert found[0][0] in ("", "extra")


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(StandardsError, match="expands to more than"):
        publiccode.validate("\n".join(lines).encode())


def test_recursive_alias_and_deep_nesting_are_refused() -> None:
    with pytest.raises(StandardsError, match="recursive"):
        publiccode.validate(b"a: &x [*x]\n")
    with pytest.raises(StandardsError, match="deeper"):
        publiccode.validate(b"a: " + b"[" * 200 + b"]" * 200)


def test_huge_file_is_refused_before_parsing() -> None:
    with pytest.raises(StandardsError, match="too large"):
        publiccode.validate(MINIMAL.encode() + b"#" * (2 * 1024**2))


def test_not_utf8_and_not_yaml_are_errors() -> None:
    assert errors("name: caf\xe9".encode("latin-1").decode("latin-1")) != []
    findings = publiccode.validate(b"name: \xe9\n")
    assert findings[0].severity == "error"
    assert "UTF-8" in findings[0].message
    findings = publiccode.validate(b"a: [\n")
    assert findings[0].severity == "error"
    assert "YAML" in findings[0].message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_findings_or_a_clear_refusal(data: bytes) -> None:
    try:
        findings = publiccode.validate(data)
    except StandardsError as exc:
        refusal = str(exc)
        findings = []
        assert refusal
    assert all(f.severity in ("error", "warning") for f in findings)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["name", "url", "platforms", "legal", "releaseDate", "logo"]),
        st.none()
        | st.integers()
        | st.text(max_size=20)
        | st.lists(st.text(max_size=5)),
    )
)
def test_replaced_fields_never_crash(overrides: dict[str, object]) -> None:
    import yaml

    document = yaml.safe_load(MINIMAL)
    document.update(overrides)
    findings = publiccode.validate(yaml.safe_dump(document).encode())
    for f in findings:
        assert f.severity in ("error", "warning")
        assert f.message


@pytest.fixture
def local_site() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            ok = self.path == "/ok" or self.path.startswith("/repo.git")
            status = 200 if ok else 404
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"")

        def log_message(self, *args: object) -> None:
            pass

    # Port 0: the system picks a free one (another run may hold any fixed one).
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_remote_checks_only_when_online(local_site: str) -> None:
    text = MINIMAL + f"landingURL: {local_site}/missing\nroadmap: {local_site}/ok\n"
    assert errors(text) == []  # offline: syntax only
    remote = publiccode.Remote(timeout=5, allow_private=True)
    found = errors(text, offline=False, remote=remote)
    # example.org answers no git protocol: not a repository (or unreachable)
    assert [p for p, _ in found if p != "url"] == ["landingURL"]
    repo = text.replace("https://example.org/medusa.git", f"{local_site}/repo.git")
    assert errors(repo, offline=False, remote=remote) == [
        ("landingURL", f"'{local_site}/missing' is not reachable: HTTP 404")
    ]
    not_repo = text.replace("https://example.org/medusa.git", f"{local_site}/ok")
    assert ("url", f"'{local_site}/ok' is not a code repository") in errors(
        not_repo, offline=False, remote=remote
    )
    # private addresses are refused unless allowed
    found = errors(text, offline=False)
    assert {p for p, _ in found} >= {"landingURL", "roadmap"}
    assert any("private or local" in m for _, m in found)


def test_local_files_are_looked_for_under_base_dir(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"not a png")
    text = MINIMAL + "logo: logo.png\n"
    assert [p for p, _ in errors(text, base_dir=tmp_path)] == ["logo"]
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    assert errors(text, base_dir=tmp_path) == []
    escape = MINIMAL + "logo: ../outside.png\n"
    (tmp_path.parent / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert [p for p, _ in errors(escape, base_dir=tmp_path)] == ["logo"]


def test_known_forges_are_recognised_without_fetching() -> None:
    remote = publiccode.Remote(timeout=0.01)
    assert publiccode.is_code_repository("https://github.com/italia/x.git", remote)
    assert publiccode.is_code_repository("https://gitlab.com/a/b/c", remote)
    assert not publiccode.is_code_repository("https://github.com/italia", remote)
    assert not publiccode.is_code_repository(
        "https://github.com/a/b/blob/main/x.yml", remote
    )
