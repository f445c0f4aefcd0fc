"""The whole export written as pages, by one process or several."""

from __future__ import annotations

import io

import pytest

from fabrique.standards import StandardsError, dcat
from fabrique.standards.pages import write_pages
from tests.standards.dcat_samples import catalog, data_commons, transport_dataset


def catalogue_page(number: int) -> bytes:
    datasets = [
        transport_dataset(f"jeu-{number}-{i}")
        if i % 3 == 0
        else data_commons(f"commun-{number}-{i}", title=f"Commun {number}.{i}")
        for i in range(7)
    ]
    return dcat.serialise(dcat.catalog_graph(catalog(datasets)))


@pytest.mark.parametrize("workers", [2, 3, 8])
def test_workers_write_the_same_bytes_as_one_process(workers):
    alone, together = io.BytesIO(), io.BytesIO()
    write_pages(11, catalogue_page, alone)
    done = write_pages(11, catalogue_page, together, workers=workers)
    assert together.getvalue() == alone.getvalue()
    assert done.pages == 11
    assert done.bytes == len(alone.getvalue())
    assert len(done.workers_peak_kib) == min(workers, 11)


def test_pages_bigger_than_a_pipe_come_whole_and_in_order():
    def page(number: int) -> bytes:
        return bytes([65 + number]) * (300_000 + number)

    out = io.BytesIO()
    write_pages(5, page, out, workers=2)
    assert out.getvalue() == b"".join(page(n) for n in range(5))


def test_a_page_failing_in_a_worker_is_an_error_naming_it():
    def page(number: int) -> bytes:
        if number == 3:
            raise ValueError("no such commons")
        return b"x"

    out = io.BytesIO()
    with pytest.raises(StandardsError, match=r"(?s)page 3 .*no such commons"):
        write_pages(6, page, out, workers=2)
    assert out.getvalue() == b"xxx"  # the pages before it
