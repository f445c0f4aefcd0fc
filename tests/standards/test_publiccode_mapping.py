"""publiccode.yml <-> commons fields: exports validate, round trips keep fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.standards import StandardsError, publiccode

MODELLED = (
    "title",
    "summary",
    "description",
    "licence",
    "maturity",
    "repository_url",
    "documentation_url",
    "demo_url",
)

words = (
    st.text(
        st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
urls = st.builds(
    lambda host, path: f"https://{host}.example.org/{path}",
    st.from_regex(r"[a-z][a-z0-9]{0,10}", fullmatch=True),
    st.from_regex(r"[a-z0-9_-]{0,12}", fullmatch=True),
)
commons_dicts = st.fixed_dictionaries(
    {
        "title": words,
        "summary": words,
        "description": st.text(max_size=400).map(str.strip),
        "licence": st.sampled_from(
            ["EUPL-1.2", "AGPL-3.0-or-later", "MIT", "Apache-2.0 OR MIT", "CC0-1.0"]
        ),
        "maturity": st.sampled_from(list(publiccode.MATURITY_TO_STATUS)),
        "repository_url": urls,
        "documentation_url": st.just("") | urls,
        "demo_url": st.just("") | urls,
        "tags": st.lists(
            st.sampled_from(sorted(publiccode.CATEGORIES)[:20])
            | st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
            unique=True,
            max_size=6,
        ),
        "contacts": st.lists(
            st.fixed_dictionaries(
                {
                    "name": words,
                    "email": st.just("")
                    | st.emails(domains=urls.map(lambda u: "example.org")),
                }
            ),
            max_size=2,
        ),
    }
)


@settings(max_examples=60, deadline=None)
@given(commons_dicts)
def test_round_trip_keeps_modelled_fields(commons: dict) -> None:
    text = publiccode.from_commons(commons)
    findings = publiccode.validate(text.encode())
    assert publiccode.is_valid(findings), findings
    back, _warnings = publiccode.to_commons(text.encode())
    for key in MODELLED:
        assert back[key] == commons[key].strip(), key
    assert sorted(back["tags"]) == sorted(commons["tags"])
    assert [c["name"] for c in back["contacts"]] == [
        c["name"] for c in commons["contacts"]
    ]


def test_export_names_missing_required_fields() -> None:
    with pytest.raises(StandardsError, match="licence, repository_url"):
        publiccode.from_commons({"title": "T", "summary": "S"})


def test_invalid_file_is_not_imported() -> None:
    with pytest.raises(StandardsError, match=r"legal\.license"):
        publiccode.to_commons(b'publiccodeYmlVersion: "0"\nname: x\n')


def test_reference_examples_import_their_modelled_fields(shared_data: Path) -> None:
    folder = shared_data / "standards" / "publiccode" / "parser-testdata" / "v0"
    commons, warnings = publiccode.to_commons(
        (folder / "valid" / "valid.yml").read_bytes()
    )
    assert commons["title"] == "Medusa"
    assert commons["summary"] == "A really interesting software."
    assert commons["description"].startswith("Very long description")
    assert commons["licence"] == "AGPL-3.0-or-later"
    assert commons["maturity"] == "prototype"  # developmentStatus: development
    assert (
        commons["repository_url"]
        == "https://github.com/italia/developers.italia.it.git"
    )
    assert commons["documentation_url"] == "https://docs.italia.it"
    assert commons["demo_url"] == "https://developers.italia.it"
    assert "accounting" in commons["tags"]
    assert "Has zero bugs" in commons["tags"]
    assert [c["name"] for c in commons["contacts"]][:1] == ["Francesco Rossi"]
    assert any("'dependsOn'" in w for w in warnings)
    # and what we export from it is valid again
    again = publiccode.from_commons(commons)
    assert publiccode.is_valid(publiccode.validate(again.encode()))
