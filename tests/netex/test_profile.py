"""Each French-profile and reference rule is triggered by a small broken copy.

Every case starts from ``fr_valid.xml`` (a file that passes every rule) and
changes one thing; the rule's code must appear, with the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fabrique.netex.rules import PROFILE_FR, RULES
from fabrique.netex.validate import validate

# code → (text to replace, replacement), applied once to fr_valid.xml.
CASES: dict[str, tuple[str, str]] = {
    "fr_fare_product_without_type": ("<ProductType>singleTrip</ProductType>", ""),
    "fr_fare_product_type_unknown": (
        "<ProductType>singleTrip</ProductType>",
        "<ProductType>ticketUnique</ProductType>",
    ),
    "fr_fare_price_invalid": ("<Amount>1.50</Amount>", "<Amount>-1.50</Amount>"),
    "fr_fare_price_without_currency": ("<Currency>EUR</Currency>", ""),
    "unresolved_reference": (
        '<LineRef ref="EX:Line:1:LOC" version="1"/>',
        '<LineRef ref="EX:Line:404:LOC" version="1"/>',
    ),
    "reference_version_mismatch": (
        '<LineRef ref="EX:Line:1:LOC" version="1"/>',
        '<LineRef ref="EX:Line:1:LOC" versionRef="7"/>',
    ),
    "duplicate_id": (
        '<DayType id="EX:DayType:semaine:LOC" version="1"><Name>Semaine</Name>',
        '<DayType id="EX:DayType:semaine:LOC" version="1"><Name>Bis</Name></DayType>'
        '<DayType id="EX:DayType:semaine:LOC" version="1"><Name>Semaine</Name>',
    ),
    "fr_id_syntax": (
        'id="EX:Operator:regie:LOC"',
        'id="regie"',
    ),
    "fr_frame_without_type": (
        '<TypeOfFrameRef ref="FR:TypeOfFrame:NETEX_HORAIRE:"/>',
        "",
    ),
    "fr_unknown_type_of_frame": (
        '<TypeOfFrameRef ref="FR:TypeOfFrame:NETEX_HORAIRE:"/>',
        '<TypeOfFrameRef ref="FR:TypeOfFrame:NETEX_ARRET:"/>'.replace(
            "NETEX_ARRET", "HORAIRES"
        ),
    ),
    "fr_missing_version": (
        '<DayType id="EX:DayType:semaine:LOC" version="1">',
        '<DayType id="EX:DayType:semaine:LOC">',
    ),
    "fr_coordinates_out_of_range": (
        "<Latitude>48.8566</Latitude>",
        "<Latitude>148.8566</Latitude>",
    ),
    "fr_coordinates_zero": (
        "<Longitude>2.3522</Longitude><Latitude>48.8566</Latitude>",
        "<Longitude>0</Longitude><Latitude>0</Latitude>",
    ),
    "fr_transport_mode_unknown": (
        "<TransportMode>bus</TransportMode>\n              <PublicCode>",
        "<TransportMode>autobus</TransportMode>\n              <PublicCode>",
    ),
    "fr_day_type_assignment_incomplete": (
        '<OperatingPeriodRef ref="EX:OperatingPeriod:printemps:LOC" version="1"/>',
        "",
    ),
    "fr_operating_period_inverted": (
        "<ToDate>2026-06-30T00:00:00</ToDate>\n            </OperatingPeriod>",
        "<ToDate>2026-01-30T00:00:00</ToDate>\n            </OperatingPeriod>",
    ),
    "fr_stop_without_name": (
        "<Name>Gare quai 1</Name>",
        "",
    ),
    "fr_stop_without_location": (
        "<Centroid><Location><Longitude>2.3524</Longitude><Latitude>48.8567</Latitude>"
        "</Location></Centroid>",
        "",
    ),
    "fr_stop_place_type_unknown": (
        "<StopPlaceType>onstreetBus</StopPlaceType>",
        "<StopPlaceType>feryPort</StopPlaceType>",
    ),
    "fr_stop_place_without_quay": (
        '<quays>\n                <Quay id="FR:75056:ZE:parc-1:LOC"',
        '<xquays>\n                <Quay id="FR:75056:ZE:parc-1:LOC"',
    ),
    "fr_line_without_name": ("<Name>Gare - Parc</Name>", ""),
    "fr_line_without_mode": (
        "<TransportMode>bus</TransportMode>\n              <PublicCode>",
        "<PublicCode>",
    ),
    "fr_line_without_public_code": ("<PublicCode>1</PublicCode>", ""),
    "fr_network_without_name": (
        "<members>\n            <Line",
        '<members>\n            <Network id="EX:Network:r:LOC" version="1"/><Line',
    ),
    "fr_operator_without_name": ("<Name>Régie Exemple</Name>", ""),
    "fr_route_without_line": (
        '<Name>Ligne 1 aller</Name>\n              <LineRef ref="EX:Line:1:LOC" '
        'version="1"/>',
        "<Name>Ligne 1 aller</Name>",
    ),
    "fr_stop_assignment_incomplete": (
        '<StopPlaceRef ref="FR:75056:LMO:gare:LOC" version="1"/>\n'
        '              <QuayRef ref="FR:75056:ZE:gare-1:LOC" version="1"/>',
        "",
    ),
    "fr_scheduled_stop_point_unassigned": (
        '<ScheduledStopPointRef ref="EX:ScheduledStopPoint:gare:LOC" version="1"/>\n'
        "              <StopPlaceRef",
        "<StopPlaceRef",
    ),
    "fr_journey_pattern_too_short": (
        '<StopPointInJourneyPattern id="EX:StopPointInJourneyPattern:1-A-2:LOC"',
        '<StopPointInJourneyPatternX id="EX:StopPointInJourneyPattern:1-A-2:LOC"',
    ),
    "fr_journey_without_pattern": (
        '<ServiceJourneyPatternRef ref="EX:ServiceJourneyPattern:1-A:LOC" '
        'version="1"/>',
        "",
    ),
    "fr_journey_without_day_type": (
        '<dayTypes><DayTypeRef ref="EX:DayType:semaine:LOC" version="1"/></dayTypes>',
        "",
    ),
    "fr_journey_too_few_passing_times": (
        '<TimetabledPassingTime version="1">\n                  '
        '<StopPointInJourneyPatternRef ref="EX:StopPointInJourneyPattern:1-A-2:LOC"',
        '<TimetabledPassingTimeX version="1">\n                  '
        '<StopPointInJourneyPatternRef ref="EX:StopPointInJourneyPattern:1-A-2:LOC"',
    ),
    "fr_passing_time_without_time": ("<ArrivalTime>08:12:00</ArrivalTime>", ""),
    "fr_passing_times_decrease": (
        "<ArrivalTime>08:12:00</ArrivalTime>",
        "<ArrivalTime>07:12:00</ArrivalTime>",
    ),
}


@pytest.fixture
def valid_text(netex_data: Path) -> str:
    return (netex_data / "fr_valid.xml").read_text(encoding="utf-8")


def _fix_closing(text: str, code: str) -> str:
    """Keep the XML well-formed after renaming an opening tag."""
    renames = {
        "fr_stop_place_without_quay": ("quays", "xquays"),
        "fr_journey_pattern_too_short": (
            "StopPointInJourneyPattern",
            "StopPointInJourneyPatternX",
        ),
        "fr_journey_too_few_passing_times": (
            "TimetabledPassingTime",
            "TimetabledPassingTimeX",
        ),
    }
    if code not in renames:
        return text
    old, new = renames[code]
    opened = text.index(f"<{new}")
    closing = text.index(f"</{old}>", opened)
    return text[:closing] + f"</{new}>" + text[closing + len(old) + 3 :]


def test_the_valid_fixture_passes_every_rule(netex_data, tmp_path):
    result = validate(netex_data / "fr_valid.xml", xsd_dir=tmp_path)
    assert result.notices.codes() == {"xsd_not_available"}
    assert result.summary()["frenchProfileFiles"] == 1


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_broken_copy_triggers_the_rule(code, valid_text, tmp_path):
    old, new = CASES[code]
    assert old in valid_text, code
    text = _fix_closing(valid_text.replace(old, new, 1), code)
    path = tmp_path / "broken.xml"
    path.write_text(text, encoding="utf-8")
    result = validate(path, xsd_dir=tmp_path / "no-xsd")
    assert code in result.notices.codes(), sorted(result.notices.codes())
    sample = result.notices.groups[code].samples[0]
    assert sample["filename"] == "broken.xml"
    assert sample.get("line", 1) > 0
    rule = RULES[code]
    if rule.severity.value == "ERROR":
        assert result.verdict == "invalid"
    assert result.summary()["errors"] == result.errors


def test_every_reference_and_profile_rule_has_a_case():
    streamed = {
        code
        for code, rule in RULES.items()
        if rule.origin == PROFILE_FR or rule.topic.startswith("French profile")
    } | {"unresolved_reference", "reference_version_mismatch", "duplicate_id"}
    assert streamed <= set(CASES)


def test_french_rules_do_not_run_on_other_profiles(valid_text, tmp_path):
    path = tmp_path / "epip.xml"
    path.write_text(
        valid_text.replace('version="1.10:FR-NETEX-2.2"', 'version="1.1"', 1).replace(
            "<Name>Gare - Parc</Name>", ""
        )
    )
    result = validate(path, xsd_dir=tmp_path)
    assert "fr_line_without_name" not in result.notices.codes()
    forced = validate(path, xsd_dir=tmp_path, profile="fr")
    assert "fr_line_without_name" in forced.notices.codes()


def test_references_resolve_across_the_files_of_a_zip(valid_text, tmp_path):
    import zipfile

    stops_start = valid_text.index('<GeneralFrame id="EX:GeneralFrame:arrets:LOC"')
    stops_end = valid_text.index('<GeneralFrame id="EX:GeneralFrame:ligne:LOC"')
    stops = valid_text[stops_start:stops_end]
    lines_only = valid_text[:stops_start] + valid_text[stops_end:]
    head = valid_text[: valid_text.index("<dataObjects>") + len("<dataObjects>")]
    stops_file = head + stops + "</dataObjects></PublicationDelivery>"
    target = tmp_path / "offer.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("lignes.xml", lines_only)
        archive.writestr("arrets.xml", stops_file)
    result = validate(target, xsd_dir=tmp_path / "none")
    assert "unresolved_reference" not in result.notices.codes()
    with zipfile.ZipFile(tmp_path / "alone.zip", "w") as archive:
        archive.writestr("lignes.xml", lines_only)
    alone = validate(tmp_path / "alone.zip", xsd_dir=tmp_path / "none")
    refs = {s["ref"] for s in alone.notices.groups["unresolved_reference"].samples}
    assert "FR:75056:ZE:gare-1:LOC" in refs
    external = validate(
        tmp_path / "alone.zip", xsd_dir=tmp_path / "none", external=("FR:75056:",)
    )
    assert "unresolved_reference" not in external.notices.codes()
