"""NeTEx: frames and counts, malformed XML, entity attacks and hostile zips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.netex import Limits, check

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PublicationDelivery xmlns="http://www.netex.org.uk/netex">&lol4;</PublicationDelivery>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PublicationDelivery xmlns="http://www.netex.org.uk/netex">&xxe;</PublicationDelivery>
"""


@pytest.fixture
def netex_data(test_data: Path) -> Path:
    return test_data / "netex"


def make_zip(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def test_one_xml_file_lists_its_frames_and_counts(netex_data):
    result = check(netex_data / "offer.xml")
    summary = result.summary()
    assert summary["files"] == summary["wellFormedFiles"] == 1
    assert summary["versions"] == ["1.10:FR-NETEX-2.2"]
    assert summary["frames"] == {
        "CompositeFrame": 1,
        "ResourceFrame": 1,
        "ServiceCalendarFrame": 1,
        "ServiceFrame": 1,
        "TimetableFrame": 1,
    }
    assert summary["lines"] == 2
    assert summary["scheduledStopPoints"] == 3
    assert summary["serviceJourneys"] == 2
    assert summary["counts"]["Operator"] == 1
    (file,) = summary["fileList"]
    assert file["participant"] == "EXEMPLE"
    assert file["publicationTimestamp"] == "2026-03-01T08:00:00+01:00"
    service = next(f for f in file["frames"] if f["kind"] == "ServiceFrame")
    assert service["parent"] == "EX:CompositeFrame:offre"
    assert service["counts"] == {
        "Line": 2,
        "Route": 1,
        "ScheduledStopPoint": 3,
        "ServiceJourneyPattern": 1,
    }
    # Only the profile note: nothing wrong.
    assert result.notices.codes() == {"profile_not_validated"}
    assert summary["profileValidation"] is False


def test_a_zip_of_files(netex_data, tmp_path):
    target = make_zip(
        tmp_path / "netex.zip",
        {
            "offre/offer.xml": (netex_data / "offer.xml").read_bytes(),
            "offre/stops.xml": (netex_data / "stops.xml").read_bytes(),
            "offre/LISEZMOI.txt": b"hello",
            "__MACOSX/._offer.xml": b"junk",
        },
    )
    result = check(target)
    summary = result.summary()
    assert summary["files"] == 2
    assert summary["stopPlaces"] == 1
    assert summary["quays"] == 2
    general = summary["fileList"][1]["frames"][0]
    assert general["typeOfFrame"] == "FR:TypeOfFrame:NETEX_ARRET"
    assert result.notices.count("unknown_file") == 1
    assert "__MACOSX/._offer.xml" in summary["ignoredMembers"]
    json.dumps(result.report())


def test_malformed_xml_names_file_and_line(netex_data, tmp_path):
    text = (netex_data / "offer.xml").read_text().replace("</Route>", "</Rout>", 1)
    target = make_zip(tmp_path / "bad.zip", {"offer.xml": text.encode()})
    result = check(target)
    (sample,) = result.notices.groups["xml_not_well_formed"].samples
    assert sample["filename"] == "offer.xml"
    assert sample["line"] == 15
    assert "mismatched tag" in sample["message"]
    assert result.summary()["wellFormedFiles"] == 0


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["laughs", "xxe"])
def test_entities_are_refused(tmp_path, payload):
    path = tmp_path / "attack.xml"
    path.write_bytes(payload)
    result = check(path)
    group = result.notices.groups["xml_entities_refused"]
    assert "refused" in group.samples[0]["message"]
    assert result.summary()["wellFormedFiles"] == 0


def test_not_netex(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><kml><Document/></kml>')
    result = check(path)
    assert result.notices.groups["not_a_publication_delivery"].samples[0]["root"] == (
        "kml"
    )


def test_not_xml_at_all(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(b"\x00\x01binary garbage")
    result = check(path)
    assert result.notices.count("xml_not_well_formed") == 1
    assert "no_xml_file" not in result.notices.codes()


def test_a_zip_bomb_is_stopped_while_reading(tmp_path):
    big = (
        b"<PublicationDelivery>" + b" " * (30 * 1024 * 1024) + b"</PublicationDelivery>"
    )
    target = make_zip(tmp_path / "bomb.zip", {"bomb.xml": big})
    result = check(target)
    message = result.notices.groups["archive_too_large"].samples[0]["message"]
    assert "compression ratio" in message
    small = Limits(max_total_bytes=1024 * 1024, ratio_floor_bytes=10**12)
    result = check(target, limits=small)
    assert (
        "zip bomb" in result.notices.groups["archive_too_large"].samples[0]["message"]
    )


def test_too_many_members_and_traversal(tmp_path):
    target = make_zip(tmp_path / "many.zip", {f"f{i}.xml": b"<a/>" for i in range(12)})
    result = check(target, limits=Limits(max_members=10))
    assert result.notices.count("archive_too_large") == 1
    target = make_zip(
        tmp_path / "evil.zip", {"../../etc/evil.xml": b"<PublicationDelivery/>"}
    )
    result = check(target)
    assert result.notices.count("unsafe_member_name") == 1


def test_truncated_and_fake_zips(netex_data, tmp_path):
    target = make_zip(
        tmp_path / "cut.zip", {"offer.xml": (netex_data / "offer.xml").read_bytes()}
    )
    target.write_bytes(target.read_bytes()[:400])
    result = check(target)
    assert result.notices.codes() & {"xml_not_well_formed", "no_xml_file"}
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = check(fake)
    assert result.notices.codes() - {"profile_not_validated"}


def test_a_missing_file(tmp_path):
    assert check(tmp_path / "nope.zip").notices.count("file_unreadable") == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_report(data):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.xml"
        path.write_bytes(b"<" + data)
        result = check(path)
        json.dumps(result.report())
        assert "profile_not_validated" in result.notices.codes()


def test_real_french_profile_sample(shared_data):
    result = check(shared_data / "netex" / "netex_french_profile_sample.zip")
    summary = result.summary()
    assert summary["files"] == summary["wellFormedFiles"] == 26
    assert summary["lines"] == 23
    assert summary["stopPlaces"] == 7
    assert summary["serviceJourneys"] > 0
    assert summary["frames"]["GeneralFrame"] >= 26
    assert not result.notices.codes() - {"profile_not_validated"}


def test_cli(netex_data, tmp_path):
    from click.testing import CliRunner

    from fabrique.cli import main

    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        main, ["netex", "check", str(netex_data / "offer.xml"), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "lines 2" in result.output
    assert json.loads(out.read_text())["summary"]["serviceJourneys"] == 2
    bad = tmp_path / "bad.xml"
    bad.write_text("<PublicationDelivery><a></PublicationDelivery>")
    result = CliRunner().invoke(main, ["netex", "check", str(bad)])
    assert result.exit_code == 1
    assert "xml_not_well_formed" in result.output


def test_the_file_list_is_capped(tmp_path, monkeypatch):
    import importlib

    module = importlib.import_module("fabrique.netex.check")
    monkeypatch.setattr(module, "FILE_LIST_LIMIT", 3)
    target = make_zip(
        tmp_path / "many.zip",
        {
            f"f{i}.xml": b'<PublicationDelivery xmlns="http://www.netex.org.uk/netex"/>'
            for i in range(5)
        },
    )
    summary = check(target).summary()
    assert summary["files"] == 5
    assert len(summary["fileList"]) == 3
    assert summary["fileListTruncated"] is True
