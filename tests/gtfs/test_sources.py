"""Opening feeds: zips, folders, sub-folders, junk and hostile archives."""

from __future__ import annotations

import zipfile

import pytest

from fabrique.gtfs.errors import GTFSError
from fabrique.gtfs.sources import Limits, open_source


def write_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_files_at_the_root_of_a_zip_are_read_and_macos_junk_is_ignored(tmp_path):
    feed = write_zip(
        tmp_path / "f.zip",
        {"agency.txt": "a\n", "__MACOSX/._agency.txt": "junk", ".DS_Store": "x"},
    )
    source = open_source(feed, tmp_path / "work0")
    assert sorted(source.files) == ["agency.txt"]
    assert source.subfolder is None
    assert "__MACOSX/._agency.txt" in source.ignored


def test_files_in_a_single_sub_folder_are_read(tmp_path):
    feed = write_zip(
        tmp_path / "f.zip", {"gtfs/agency.txt": "a\n", "gtfs/stops.txt": "s\n"}
    )
    (tmp_path / "work").mkdir()
    source = open_source(feed, tmp_path / "work")
    assert sorted(source.files) == ["agency.txt", "stops.txt"]
    assert source.subfolder == "gtfs"


def test_a_member_name_climbing_out_of_the_archive_is_never_used(tmp_path):
    feed = write_zip(tmp_path / "f.zip", {"agency.txt": "a\n", "../../evil.txt": "x"})
    work = tmp_path / "work"
    work.mkdir()
    source = open_source(feed, work)
    assert source.unsafe == ["../../evil.txt"]
    assert not (tmp_path / "evil.txt").exists()
    assert sorted(p.name for p in work.iterdir()) == ["agency.txt"]


def test_a_bom_is_removed_and_recorded(tmp_path):
    feed = write_zip(tmp_path / "f.zip", {"agency.txt": b"\xef\xbb\xbfagency_id\n"})
    (tmp_path / "w").mkdir()
    source = open_source(feed, tmp_path / "w")
    assert source.files["agency.txt"].had_bom
    assert source.files["agency.txt"].path.read_bytes() == b"agency_id\n"


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    feed = write_zip(tmp_path / "f.zip", {"stop_times.txt": b"0" * 2_000_000})
    with pytest.raises(GTFSError, match="zip bomb"):
        open_source(feed, tmp_path, limits=Limits(max_total_bytes=1_000_000))


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    feed = write_zip(tmp_path / "f.zip", {"stop_times.txt": b"0" * 3_000_000})
    (tmp_path / "w").mkdir()
    limits = Limits(max_ratio=50, ratio_floor_bytes=1_000_000)
    with pytest.raises(GTFSError, match="compression ratio"):
        open_source(feed, tmp_path / "w", limits=limits)


def test_a_zip_whose_headers_lie_about_sizes_is_stopped_while_copying(tmp_path):
    feed = write_zip(tmp_path / "f.zip", {"stop_times.txt": b"1,2\n" * 500_000})
    data = bytearray(feed.read_bytes())
    # Forge the central directory: declare a tiny uncompressed size.
    with zipfile.ZipFile(feed) as archive:
        info = archive.infolist()[0]
    index = data.rfind(b"PK\x01\x02")
    data[index + 24 : index + 28] = (10).to_bytes(4, "little")
    feed.write_bytes(bytes(data))
    (tmp_path / "w").mkdir()
    with pytest.raises(GTFSError):
        open_source(feed, tmp_path / "w", limits=Limits(max_total_bytes=1_000_000))
    assert info.file_size == 2_000_000


def test_a_file_that_is_not_a_zip_is_refused_clearly(tmp_path):
    bogus = tmp_path / "feed.zip"
    bogus.write_bytes(b"\x89PNG\r\n\x1a\n not a zip")
    with pytest.raises(GTFSError, match="not a readable zip archive"):
        open_source(bogus, tmp_path)


def test_a_truncated_zip_is_refused_clearly(tmp_path):
    feed = write_zip(
        tmp_path / "f.zip", {"stop_times.txt": "".join(map(str, range(200_000)))}
    )
    truncated = tmp_path / "t.zip"
    truncated.write_bytes(feed.read_bytes()[:2_000])
    with pytest.raises(GTFSError):
        open_source(truncated, tmp_path)


def test_a_missing_path_is_refused(tmp_path):
    with pytest.raises(GTFSError, match="no such file"):
        open_source(tmp_path / "nothing.zip", tmp_path)


def test_a_folder_feed_with_a_sub_folder_is_read(tmp_path):
    folder = tmp_path / "feed" / "inner"
    folder.mkdir(parents=True)
    (folder / "agency.txt").write_text("agency_id\n")
    (tmp_path / "w").mkdir()
    source = open_source(tmp_path / "feed", tmp_path / "w")
    assert sorted(source.files) == ["agency.txt"]
    assert source.subfolder == "inner"
