"""``dcat.validate``: safe reading of any RDF syntax, then the shapes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import URIRef

from fabrique.standards import StandardsError, dcat, rdfio, shacl
from fabrique.standards.mobility import MOBILITYDCATAP
from tests.standards.dcat_samples import catalog, data_commons, transport_dataset


@pytest.fixture(scope="module")
def standards(shared_data: Path) -> str:
    folder = shared_data / "standards"
    try:
        return str(shacl.standards_dir(folder))
    except shacl.ShapesMissing as exc:
        pytest.skip(f"standards shapes not found: {exc}")


@pytest.mark.parametrize("syntax", sorted(dcat.SYNTAXES))
def test_an_export_in_any_syntax_has_no_error(standards, syntax):
    graph = dcat.catalog_graph(catalog([transport_dataset()]))
    data = dcat.serialise(graph, syntax)
    suffix = dcat.SYNTAXES[syntax][2]
    findings = dcat.validate(data, name=f"catalogue.{suffix}", standards_dir=standards)
    assert [f for f in findings if f.severity == "error"] == []


def test_findings_name_focus_path_and_message(standards):
    graph = dcat.catalog_graph(catalog([data_commons()]))
    from rdflib.namespace import DCTERMS

    velo = URIRef(data_commons()["uri"])
    graph.remove((velo, DCTERMS.description, None))
    findings = dcat.validate(
        dcat.serialise(graph), name="x.ttl", standards_dir=standards
    )
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1
    assert errors[0].focus == f"<{velo}>"
    assert errors[0].path == "dct:description"
    assert errors[0].message


def test_mobility_profile_is_chosen_by_the_terms_used(standards):
    # A data commons checked as mobilityDCAT-AP lacks its mandatory properties.
    data = dcat.serialise(dcat.catalog_graph(catalog([data_commons()])))
    assert not [
        f
        for f in dcat.validate(data, name="x.ttl", standards_dir=standards)
        if f.severity == "error"
    ]
    forced = dcat.validate(
        data, name="x.ttl", standards_dir=standards, profile="mobility"
    )
    assert any("mobilityTheme" in f.path for f in forced)


def test_a_concept_outside_its_vocabulary_is_a_warning(standards):
    graph = dcat.catalog_graph(catalog([transport_dataset()]))
    bus = URIRef(transport_dataset()["uri"])
    graph.add(
        (
            bus,
            MOBILITYDCATAP.transportMode,
            URIRef("https://w3id.org/mobilitydcat-ap/transport-mode/hovercraft"),
        )
    )
    findings = dcat.validate(dcat.serialise(graph), standards_dir=standards)
    warnings = [
        f
        for f in findings
        if "hovercraft" in f.message and "not a concept of" in f.message
    ]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert warnings[0].focus == f"<{bus}>"
    assert warnings[0].path == "mobilitydcatap:transportMode"
    # The range shape also refuses it, since no vocabulary types it a concept.
    assert any(
        f.severity == "error" and f.path == "mobilitydcatap:transportMode"
        for f in findings
    )


def test_missing_shapes_say_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.delenv(shacl.ENV, raising=False)
    data = dcat.serialise(dcat.catalog_graph(catalog([data_commons()])))
    with pytest.raises(shacl.ShapesMissing) as caught:
        dcat.validate(data, name="x.ttl")
    message = str(caught.value)
    assert "FABRIQUE_STANDARDS_DIR" in message
    assert "SEMICeu/DCAT-AP" in message
    assert "mobilityDCAT-AP/validation" in message
    with pytest.raises(shacl.ShapesMissing, match=r"dcat-ap-SHACL\.ttl"):
        dcat.validate(data, name="x.ttl", standards_dir=str(tmp_path))


def test_the_environment_variable_names_the_folder(monkeypatch, standards):
    monkeypatch.setenv(shacl.ENV, standards)
    data = dcat.serialise(dcat.catalog_graph(catalog([data_commons()])))
    assert not [f for f in dcat.validate(data) if f.severity == "error"]


def test_an_empty_document_is_an_error(standards):
    findings = dcat.validate(b"", name="x.ttl", standards_dir=standards)
    assert findings[0].message == "the document holds no RDF statement"


# Bad input: refused with a clear error before the shapes run.


def test_invalid_turtle_names_the_line():
    data = b"@prefix a: <http://a/> .\na:x a:p a:y .\na:x a:p .\n"
    with pytest.raises(StandardsError, match=r"not valid Turtle at line 3"):
        dcat.validate(data, name="bad.ttl")


def test_invalid_rdf_xml_names_the_line():
    data = (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf='
        b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<a></b></rdf:RDF>'
    )
    with pytest.raises(StandardsError, match=r"line 3"):
        dcat.validate(data, name="bad.rdf")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
 <rdf:Description rdf:about="http://a/x"><dct:title>&lol9;</dct:title></rdf:Description>
</rdf:RDF>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
 <rdf:Description rdf:about="http://a/x"><dct:title>&secret;</dct:title></rdf:Description>
</rdf:RDF>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_entities_are_refused(data):
    with pytest.raises(StandardsError, match="DTD or entities"):
        dcat.validate(data, name="bomb.rdf")


def test_an_oversized_file_is_refused_before_parsing():
    data = b"<http://a/x> <http://a/p> <http://a/y> .\n" * 10
    with pytest.raises(StandardsError, match="over the limit of 100 bytes"):
        rdfio.parse(data, name="big.nt", max_bytes=100)
    huge = b"#" * (rdfio.MAX_BYTES + 1)
    with pytest.raises(StandardsError, match="over the limit"):
        dcat.validate(huge, name="huge.ttl")


def test_remote_jsonld_contexts_are_not_fetched():
    data = b'{"@context": "https://example.org/ctx.jsonld", "@id": "http://a/x"}'
    with pytest.raises(StandardsError, match="remote @context"):
        dcat.validate(data, name="x.jsonld")


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300),
    st.sampled_from(["x.ttl", "x.nt", "x.rdf", "x.jsonld", "x"]),
)
def test_any_bytes_give_a_graph_or_a_clear_error(data, name):
    message = ""
    try:
        rdfio.parse(data, name=name)
    except StandardsError as exc:
        message = str(exc)
        assert message


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_turtle_text_gives_a_graph_or_a_clear_error(text):
    message = "Turtle"
    try:
        rdfio.parse(("@prefix a: <http://a/> .\n" + text).encode(), name="x.ttl")
    except StandardsError as exc:
        message = str(exc)
    assert "Turtle" in message


def test_the_command_reports_violations_with_focus_and_path(
    standards, tmp_path, monkeypatch
):
    import json

    from click.testing import CliRunner
    from rdflib.namespace import DCTERMS

    from fabrique.standards.cli import standards as command

    monkeypatch.setenv(shacl.ENV, standards)
    graph = dcat.catalog_graph(catalog([data_commons()]))
    good = tmp_path / "catalogue.ttl"
    good.write_bytes(dcat.serialise(graph))
    result = CliRunner().invoke(command, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert "catalogue.ttl (dcat): 0 error(s)" in result.output

    graph.remove((URIRef(data_commons()["uri"]), DCTERMS.description, None))
    bad = tmp_path / "catalogue.rdf"
    bad.write_bytes(dcat.serialise(graph, "xml"))
    result = CliRunner().invoke(command, ["validate", "--json", str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert report["findings"][0]["path"] == "dct:description"
    assert report["findings"][0]["focus"] == f"<{data_commons()['uri']}>"
