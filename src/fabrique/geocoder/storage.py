"""Columns on disk: fixed-width arrays and string columns, read through ``mmap``.

A segment is a folder of flat files. Numbers are raw ``array`` bytes in the
machine's byte order; strings are one UTF-8 blob (each value followed by a
newline) plus an array of 64-bit offsets. Opening a segment maps the files
and casts them to ``memoryview`` s: nothing is parsed, the operating system
pages in what queries touch and shares the pages between worker processes.
"""

from __future__ import annotations

import contextlib
import mmap
import sys
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import GeocoderError

BYTEORDER = sys.byteorder


class StringColumnWriter:
    """Accumulate strings in a compact blob, then write it with its offsets."""

    def __init__(self) -> None:
        self.blob = bytearray()
        self.offsets = array("Q", [0])

    def append(self, value: str) -> None:
        self.blob += value.replace("\n", " ").encode("utf-8") + b"\n"
        self.offsets.append(len(self.blob))

    def extend(self, values: Iterable[str]) -> None:
        for value in values:
            self.append(value)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def get(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1] - 1].decode("utf-8")

    def permuted(self, order: Sequence[int]) -> StringColumnWriter:
        """Return a copy whose i-th value is this column's ``order[i]``-th."""
        out = StringColumnWriter()
        blob, offsets = self.blob, self.offsets
        for i in order:
            out.blob += blob[offsets[i] : offsets[i + 1]]
            out.offsets.append(len(out.blob))
        return out

    def save(self, folder: Path, name: str) -> None:
        (folder / f"{name}.txt").write_bytes(self.blob)
        write_array(folder, f"{name}.off", self.offsets)


def write_array(folder: Path, name: str, values: array[Any]) -> None:
    with open(folder / name, "wb") as handle:
        values.tofile(handle)


class MappedFile:
    """A read-only memory map of one file (empty files give an empty view)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise GeocoderError(f"index file {path.name} is missing in {path.parent}")
        self.path = path
        self._map: mmap.mmap | None = None
        with open(path, "rb") as handle:
            size = path.stat().st_size
            if size:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.view = memoryview(self._map) if self._map is not None else memoryview(b"")

    def cast(self, code: str) -> memoryview:
        itemsize = array(code).itemsize
        if len(self.view) % itemsize:
            raise GeocoderError(f"index file {self.path} is truncated")
        view: memoryview = self.view.cast(code)  # type: ignore[call-overload]
        return view

    def close(self) -> None:
        # Views handed out to callers keep the map alive until collected.
        with contextlib.suppress(BufferError):
            self.view.release()
            if self._map is not None:
                self._map.close()


class StringColumn:
    """Random access to a string column written by :class:`StringColumnWriter`."""

    def __init__(self, folder: Path, name: str) -> None:
        self._blob_file = MappedFile(folder / f"{name}.txt")
        self._offsets_file = MappedFile(folder / f"{name}.off")
        self.blob = self._blob_file.view
        self.offsets = self._offsets_file.cast("Q")

    def __len__(self) -> int:
        return max(len(self.offsets) - 1, 0)

    def __getitem__(self, i: int) -> str:
        offsets = self.offsets
        return str(self.blob[offsets[i] : offsets[i + 1] - 1], "utf-8")

    def slice(self, start: int, end: int) -> list[str]:
        """Return the values ``start`` to ``end`` (excluded) in one decode."""
        if start >= end:
            return []
        text = str(self.blob[self.offsets[start] : self.offsets[end] - 1], "utf-8")
        return text.split("\n")

    def close(self) -> None:
        with contextlib.suppress(BufferError):
            self.offsets.release()
        self._offsets_file.close()
        self._blob_file.close()


class ArrayColumn:
    """Random access to a numeric column written by :func:`write_array`."""

    def __init__(self, folder: Path, name: str, code: str) -> None:
        self._file = MappedFile(folder / name)
        self.values = self._file.cast(code)

    def close(self) -> None:
        with contextlib.suppress(BufferError):
            self.values.release()
        self._file.close()
