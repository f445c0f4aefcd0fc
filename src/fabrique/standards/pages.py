"""A long export written as pages, in order, by several processes at once.

The whole catalogue is written page by page (each page its own document,
so memory stays bounded): :func:`write_pages` asks for pages ``0 … count-1``
and writes their bytes one after the other. With ``workers`` above one,
forked processes make the pages, worker ``w`` taking pages ``w``,
``w + workers``, ``w + 2 × workers``…, and the parent copies each page's
bytes from its worker in page order: the output is the same bytes as with
one process, the first page comes out as soon as it is made, and each
worker holds one page at a time (a full pipe makes it wait for the parent).

Example::

    >>> import io
    >>> out = io.BytesIO()
    >>> write_pages(3, lambda n: f"page {n}\\n".encode(), out, workers=2).pages
    3
    >>> out.getvalue()
    b'page 0\\npage 1\\npage 2\\n'
"""

from __future__ import annotations

import os
import struct
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from fabrique.standards import StandardsError

# Each page goes through its pipe as its length (8 bytes, unsigned) then its
# bytes; a worker that fails sends the error's text with the length's top
# bit set.
_LENGTH = struct.Struct("!Q")
_FAILED = 1 << 63
_READ = 1 << 16


@dataclass
class Written:
    """What :func:`write_pages` did: pages and bytes written, and what the
    worker processes used (CPU seconds, and the sum of their peak resident
    memory in KiB, an upper bound of what they held together)."""

    pages: int = 0
    bytes: int = 0
    workers_cpu_s: float = 0.0
    workers_peak_kib: list[int] = field(default_factory=list)


def write_pages(
    count: int,
    page: Callable[[int], bytes],
    out: BinaryIO,
    *,
    workers: int = 1,
) -> Written:
    """Write ``page(0)`` … ``page(count - 1)`` to ``out``, in that order.

    ``page`` runs in forked worker processes when ``workers`` > 1: it must
    not rely on anything a fork does not carry over (an open database
    connection, a thread)."""
    done = Written()
    workers = max(1, min(workers, count))
    if workers == 1:
        for number in range(count):
            data = page(number)
            out.write(data)
            done.pages += 1
            done.bytes += len(data)
        return done
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    try:
        for worker in range(workers):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child
                os.close(read_end)
                for _, other in children:
                    os.close(other)
                _work(range(worker, count, workers), page, write_end)
            os.close(write_end)
            children.append((pid, read_end))
        for number in range(count):
            done.bytes += _copy_page(children[number % workers][1], out, number)
            done.pages += 1
    finally:
        for pid, read_end in children:
            os.close(read_end)  # a worker still writing stops on a broken pipe
            _, _, usage = os.wait4(pid, 0)
            done.workers_cpu_s += usage.ru_utime + usage.ru_stime
            done.workers_peak_kib.append(usage.ru_maxrss)
    return done


def _work(numbers: range, page: Callable[[int], bytes], write_end: int) -> None:
    """A worker's life: its pages into its pipe, then exit (never return)."""
    status = 0
    try:
        with os.fdopen(write_end, "wb", buffering=_READ) as pipe:
            try:
                for number in numbers:
                    data = page(number)
                    pipe.write(_LENGTH.pack(len(data)))
                    pipe.write(data)
            except BrokenPipeError:
                status = 1
            except BaseException:
                text = traceback.format_exc().encode("utf-8", "replace")
                pipe.write(_LENGTH.pack(_FAILED | len(text)))
                pipe.write(text)
                status = 1
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _copy_page(read_end: int, out: BinaryIO, number: int) -> int:
    """Copy one page from a worker's pipe to ``out``; its length."""
    head = _read_exactly(read_end, _LENGTH.size, number)
    length = int(_LENGTH.unpack(head)[0])
    if length & _FAILED:
        text = _read_exactly(read_end, length & ~_FAILED, number)
        raise StandardsError(
            f"page {number} of the export failed in its worker process:\n"
            + text.decode("utf-8", "replace")
        )
    for data in _chunks(read_end, length, number):
        out.write(data)
    return length


def _read_exactly(read_end: int, size: int, number: int) -> bytes:
    return b"".join(_chunks(read_end, size, number))


def _chunks(read_end: int, size: int, number: int) -> Iterator[bytes]:
    """The next ``size`` bytes of the pipe, as they come."""
    while size:
        data = os.read(read_end, min(size, _READ))
        if not data:
            raise StandardsError(f"page {number}: its worker process ended early")
        size -= len(data)
        yield data


__all__ = ["Written", "write_pages"]
