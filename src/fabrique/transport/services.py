"""Transport services shared by the pages and the JSON API.

Every write goes through here: it checks the permission, saves, and records
the activity. Errors are raised with a message for the user:

- :class:`django.core.exceptions.PermissionDenied` when the user may not do it;
- :class:`TransportError` for a file or address that cannot be taken
  (too large, not a zip, unsafe archive, unreachable address…);
- :class:`DuplicateVersion` when a file is the same as a version already kept
  (nothing is written).

Files are streamed to disk (never held in memory) with a size limit
(``TRANSPORT_MAX_UPLOAD``), hashed on the way, and placed in the version's
folder (see :mod:`fabrique.transport.storage`) once the version row exists;
the background task :func:`fabrique.transport.tasks.process_version` then
validates and stores them.

Fetching an address follows http(s) only, with a connect and a total timeout,
a cap on redirects and on size, and refuses private, loopback and link-local
hosts unless ``TRANSPORT_FETCH_ALLOW_PRIVATE`` is on.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import shutil
import socket
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.catalog import services as catalog
from fabrique.catalog.models import Actor, Kind, Theme
from fabrique.core import activity, queue
from fabrique.core.permissions import can_edit, is_active_user
from fabrique.core.revisions import Change
from fabrique.transport import storage
from fabrique.transport.models import (
    WAITING_FOR_QUEUE,
    Dataset,
    Resource,
    ResourceFormat,
    Version,
    VersionSource,
    VersionStatus,
)

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
USER_AGENT = "Fabrique transport fetcher"
#: Commons fields a dataset edits through the catalogue.
COMMONS_FIELDS = ("title", "summary", "description", "licence", "tags")
#: Zip archives: caps checked on the central directory before a version is kept.
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_TOTAL = 8 * 1024**3
ZIP_MAX_RATIO = 200.0
ZIP_RATIO_FLOOR = 10 * 1024**2
UNCHANGED = object()


class TransportError(Exception):
    """A transport request that cannot be done; the message says why."""


class DuplicateVersion(TransportError):
    """The file is the same as a version already kept: no version created."""

    def __init__(self, version: Version) -> None:
        self.version = version
        super().__init__(
            _(
                "This file is identical to version %(number)s: no new version "
                "was created."
            )
            % {"number": version.number}
        )


class FetchError(TransportError):
    """The address could not be fetched; the message says why."""


# Permissions ---------------------------------------------------------------


def can_manage(user: Any, dataset: Dataset) -> bool:
    """May ``user`` add resources and versions to ``dataset``?

    Holders of the dataset's commons, members of its publisher, moderators.
    """
    return can_edit(user, dataset)


def require_manage(user: Any, dataset: Dataset) -> None:
    if not is_active_user(user):
        raise PermissionDenied(_("You need to be signed in to do this."))
    if not can_manage(user, dataset):
        raise PermissionDenied(
            _("Only the holders of this dataset and its publisher may do this.")
        )


def visible_datasets(user: Any) -> models.QuerySet[Dataset]:
    """Datasets whose commons is not hidden (moderators see all)."""
    rows = Dataset.objects.select_related("commons", "publisher")
    if getattr(user, "is_moderator", False) and is_active_user(user):
        return rows
    return rows.filter(commons__hidden=False)


# Datasets and resources -----------------------------------------------------


def _commons_data(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(COMMONS_FIELDS)
    if unknown:
        raise TransportError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    return dict(data)


def create_dataset(
    *,
    user: Any,
    data: dict[str, Any],
    publisher: Actor | None = None,
    coverage: str = "",
    themes: list[Theme] | None = None,
) -> Dataset:
    """Create a dataset and its commons (kind *data*); the user holds both.

    ``data`` holds the commons fields: title, summary, description, licence,
    tags. Revision 1, the ``created`` activity and the search entry come from
    the catalogue.
    """
    catalog.require_signed_in(user)
    content = _commons_data(data)
    content["kind"] = Kind.DATA
    with transaction.atomic():
        commons = catalog.create_commons(user=user, data=content, themes=themes)
        dataset = Dataset(commons=commons, publisher=publisher, coverage=coverage)
        dataset.full_clean(exclude=["commons"])
        dataset.save()
    return dataset


def update_dataset(
    dataset: Dataset,
    *,
    user: Any,
    base_revision: int,
    data: dict[str, Any] | None = None,
    publisher: Actor | object | None = UNCHANGED,
    coverage: str | None = None,
    comment: str = "",
) -> Change | None:
    """Edit the dataset: commons fields through the catalogue (a revision),
    publisher and coverage on the dataset."""
    require_manage(user, dataset)
    change = None
    with transaction.atomic():
        if data:
            change = catalog.update_commons(
                dataset.commons,
                user=user,
                data=_commons_data(data),
                base_revision=base_revision,
                comment=comment,
            )
        fields = []
        if publisher is not UNCHANGED:
            dataset.publisher = publisher  # type: ignore[assignment]
            fields.append("publisher")
        if coverage is not None:
            dataset.coverage = catalog.normalise_text(coverage)
            fields.append("coverage")
        if fields:
            dataset.full_clean(exclude=["commons"])
            dataset.save(update_fields=[*fields, "updated"])
    return change


def validate_url(url: str) -> str:
    """An http(s) address, or ValidationError naming what is wrong."""
    url = (url or "").strip()
    if not url:
        return ""
    URLValidator(schemes=["http", "https"])(url)
    return url


def add_resource(
    dataset: Dataset,
    *,
    user: Any,
    title: str,
    format: str = ResourceFormat.GTFS,
    url: str = "",
    fetch_every_hours: int | None = None,
) -> Resource:
    """Add a resource: versions come from uploads, or from ``url`` on a schedule."""
    require_manage(user, dataset)
    resource = Resource(
        dataset=dataset,
        title=catalog.normalise_text(title),
        format=format,
        url=validate_url(url),
        fetch_every_hours=fetch_every_hours if url else None,
    )
    if resource.url:
        resource.next_fetch_at = timezone.now()
    resource.full_clean()
    with transaction.atomic():
        resource.save()
        _refresh_formats(dataset)
        activity.record(
            dataset.commons,
            user=user,
            verb="transport_resource_added",
            summary=resource.title,
            data={"resource": resource.pk, "format": resource.format},
        )
    return resource


def update_resource(
    resource: Resource,
    *,
    user: Any,
    title: str | None = None,
    url: str | None = None,
    fetch_every_hours: int | object | None = UNCHANGED,
) -> Resource:
    require_manage(user, resource.dataset)
    if title is not None:
        resource.title = catalog.normalise_text(title)
    if url is not None:
        resource.url = validate_url(url)
        resource.next_fetch_at = timezone.now() if resource.url else None
    if fetch_every_hours is not UNCHANGED:
        resource.fetch_every_hours = fetch_every_hours  # type: ignore[assignment]
    resource.full_clean()
    resource.save()
    return resource


def _refresh_formats(dataset: Dataset) -> None:
    formats = sorted(set(dataset.resources.values_list("format", flat=True)))
    Dataset.objects.filter(pk=dataset.pk).update(formats=formats)
    dataset.formats = formats


# Receiving files ------------------------------------------------------------


@dataclass
class Received:
    """A file streamed to the store's incoming folder, hashed on the way."""

    path: Path
    filename: str
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _size_text(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB" if size >= 1024**2 else f"{size:,} bytes"


def too_large_message(limit: int) -> str:
    return _("The file is larger than the limit of %(limit)s.") % {
        "limit": _size_text(limit)
    }


def _stream_to_incoming(
    chunks: Iterable[bytes], filename: str, *, max_bytes: int
) -> Received:
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept after close)
        dir=storage.incoming_dir(), prefix="in-", delete=False
    )
    path = Path(handle.name)
    try:
        with handle:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TransportError(too_large_message(max_bytes))
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise TransportError(_("The file is empty."))
    return Received(path, filename, digest.hexdigest(), size)


def receive_upload(file: Any, *, max_bytes: int | None = None) -> Received:
    """Stream an uploaded file (Django ``UploadedFile`` or binary file object)."""
    limit = max_bytes or settings.TRANSPORT_MAX_UPLOAD
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise TransportError(too_large_message(limit))
    name = storage.original_name(getattr(file, "name", "") or "feed")

    def chunks() -> Iterator[bytes]:
        if hasattr(file, "chunks"):
            yield from file.chunks(CHUNK)
        else:
            while chunk := file.read(CHUNK):
                yield chunk

    return _stream_to_incoming(chunks(), name, max_bytes=limit)


def check_file(received: Received, fmt: str) -> None:
    """Refuse what can be told wrong at once, before a version is kept.

    GTFS: not a zip, a truncated zip, members outside the archive's folder,
    too many members, and archives whose declared sizes make a zip bomb.
    """
    if fmt != ResourceFormat.GTFS:
        return
    try:
        with zipfile.ZipFile(received.path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise TransportError(
            _(
                "This file is not a readable zip archive (%(reason)s). A GTFS "
                "feed is a zip of .txt files; was the download complete?"
            )
            % {"reason": exc}
        ) from exc
    if len(members) > ZIP_MAX_MEMBERS:
        raise TransportError(
            _("The archive holds %(count)s files; at most %(limit)s are accepted.")
            % {"count": len(members), "limit": ZIP_MAX_MEMBERS}
        )
    total = 0
    for member in members:
        name = member.filename.replace("\\", "/")
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or ":" in name.split("/")[0]:
            raise TransportError(
                _(
                    "The archive holds a file named “%(name)s” that points outside "
                    "the archive; refused."
                )
                % {"name": member.filename[:200]}
            )
        total += member.file_size
        if (
            member.file_size > ZIP_RATIO_FLOOR
            and member.file_size / max(member.compress_size, 1) > ZIP_MAX_RATIO
        ):
            raise TransportError(
                _(
                    "“%(name)s” expands more than %(ratio)s times its compressed "
                    "size; refused as a possible zip bomb."
                )
                % {"name": member.filename[:200], "ratio": int(ZIP_MAX_RATIO)}
            )
    if total > ZIP_MAX_TOTAL:
        raise TransportError(
            _(
                "The archive expands to %(size)s, more than the limit of "
                "%(limit)s; refused as a possible zip bomb."
            )
            % {"size": _size_text(total), "limit": _size_text(ZIP_MAX_TOTAL)}
        )


# Versions -------------------------------------------------------------------


def add_version_from_upload(
    resource: Resource,
    file: Any,
    user: Any,
    *,
    max_bytes: int | None = None,
    enqueue: bool = True,
) -> Version:
    """Keep ``file`` as a new version of ``resource`` and queue its check.

    With ``enqueue=False`` the caller runs the check itself. Raises
    :class:`DuplicateVersion` when a version has the same content,
    :class:`TransportError` when the file is refused. The same content as a
    version that failed (or whose check is stuck) is not a duplicate: that
    version takes the file again and is checked again.
    """
    require_manage(user, resource.dataset)
    received = receive_upload(file, max_bytes=max_bytes)
    try:
        check_file(received, resource.format)
        return _create_version(
            resource,
            received,
            source=VersionSource.UPLOAD,
            user=user,
            enqueue=enqueue,
            check_again=True,
        )
    finally:
        received.discard()


def _create_version(
    resource: Resource,
    received: Received,
    *,
    source: str,
    user: Any,
    enqueue: bool = True,
    check_again: bool = False,
) -> Version:
    directory: Path | None = None
    try:
        with transaction.atomic():
            # Lock the resource so two uploads get two numbers.
            Resource.objects.select_for_update().filter(pk=resource.pk).first()
            same = resource.versions.filter(sha256=received.sha256).first()
            if same is not None:
                if check_again and (
                    same.status == VersionStatus.FAILED or same.is_stale
                ):
                    same.directory.mkdir(parents=True, exist_ok=True)
                    shutil.move(received.path, same.original_path)
                    return _queue_again(same, enqueue=enqueue)
                raise DuplicateVersion(same)
            last = resource.versions.aggregate(n=models.Max("number"))["n"] or 0
            version = Version.objects.create(
                resource=resource,
                number=last + 1,
                sha256=received.sha256,
                size=received.size,
                filename=received.filename,
                source=source,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                progress_message="Waiting for a worker",
            )
            directory = version.directory
            if directory.exists():  # left by an attempt that was rolled back
                shutil.rmtree(directory)
            directory.mkdir(parents=True)
            shutil.move(received.path, version.original_path)
            Dataset.objects.filter(pk=resource.dataset_id).update(
                updated=timezone.now()
            )
            if enqueue:
                transaction.on_commit(lambda: enqueue_processing(version))
    except IntegrityError as exc:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        same = resource.versions.filter(sha256=received.sha256).first()
        if same is not None:
            raise DuplicateVersion(same) from exc
        raise TransportError(
            _("Another version was added at the same moment; please try again.")
        ) from exc
    except BaseException:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return version


def enqueue_processing(version: Version) -> None:
    """Queue the check of ``version``; never raise.

    A queue that is down leaves the version queued, its page saying so: the
    check is queued once the queue answers (fabrique.core.queue), or by the
    recovery sweep, which fails it with a reason after its last attempt.
    """
    from fabrique.transport.tasks import process_version

    if not queue.enqueue(process_version, version.pk):
        Version.objects.filter(pk=version.pk, status=VersionStatus.QUEUED).update(
            progress_message=WAITING_FOR_QUEUE
        )


def can_retry(version: Version) -> bool:
    """A failed version, or one whose check gave no sign of life for a lease."""
    return version.status == VersionStatus.FAILED or version.is_stale


def retry_version(version: Version, *, user: Any) -> Version:
    """Queue the check of a failed or stuck version again."""
    require_manage(user, version.resource.dataset)
    if not can_retry(version):
        raise TransportError(
            _(
                "Only a failed version, or one whose check has given no sign of "
                "life for a while, can be checked again."
            )
        )
    return _queue_again(version)


def _queue_again(version: Version, *, enqueue: bool = True) -> Version:
    """Reset ``version`` to queued (a fresh count of attempts) and queue it."""
    Version.objects.filter(pk=version.pk).update(
        status=VersionStatus.QUEUED,
        progress=0,
        error="",
        progress_message="Waiting for a worker",
        heartbeat=timezone.now(),
        attempts=0,
    )
    version.refresh_from_db()
    if enqueue:
        transaction.on_commit(lambda: enqueue_processing(version))
    return version


# Fetching addresses ---------------------------------------------------------


def resolve(host: str, port: int, **kwargs: Any) -> list[Any]:
    """Resolve ``host`` (``socket.getaddrinfo``), the one time it is."""
    return socket.getaddrinfo(host, port, **kwargs)


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """May the fetcher connect to ``address``? Only public unicast ones."""
    if settings.TRANSPORT_FETCH_ALLOW_PRIVATE:
        return True
    return address.is_global and not address.is_multicast


def checked_addresses(host: str, port: int) -> list[str]:
    """Resolve ``host`` once and return its addresses, all of them allowed.

    The fetcher then connects to one of these very addresses: a DNS answer
    that changes between the check and the connection (DNS rebinding) cannot
    lead it to a private host.
    """
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            _("The host %(host)s cannot be found.") % {"host": host}
        ) from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address_allowed(address):
            raise FetchError(
                _("The address points to a private or local host (%(host)s); refused.")
                % {"host": host}
            )
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        raise FetchError(_("The host %(host)s cannot be found.") % {"host": host})
    return addresses


def _pinned_transport() -> Any:
    """An httpx transport whose every connection goes to a checked address.

    The name in the URL still gives the ``Host`` header and the TLS server
    name (SNI and certificate check); only the TCP connection is made to the
    address :func:`checked_addresses` returned.
    """
    import httpcore
    import httpx

    class CheckedBackend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            error: Exception | None = None
            for address in checked_addresses(host, port):
                try:
                    return super().connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                except httpcore.ConnectError as exc:
                    error = exc
            assert error is not None
            raise error

    transport = httpx.HTTPTransport(trust_env=False)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        network_backend=CheckedBackend(),
    )
    return transport


def _filename_from(url: str, disposition: str | None) -> str:
    if disposition and "filename=" in disposition:
        value = disposition.split("filename=", 1)[1].split(";")[0].strip().strip('"')
        if value:
            return storage.original_name(value)
    return storage.original_name(unquote(PurePosixPath(urlsplit(url).path).name))


def download(url: str, *, max_bytes: int | None = None) -> Received:
    """Fetch ``url`` into the incoming folder; raise FetchError saying why not."""
    import httpx

    limit = max_bytes or settings.TRANSPORT_MAX_UPLOAD
    connect = float(settings.TRANSPORT_FETCH_CONNECT_TIMEOUT)
    total = float(settings.TRANSPORT_FETCH_TIMEOUT)
    deadline = time.monotonic() + total
    max_redirects = int(settings.TRANSPORT_FETCH_MAX_REDIRECTS)

    def left() -> float:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(
                _("The server did not send the whole file within %(seconds)s s.")
                % {"seconds": int(total)}
            )
        return remaining

    current = url
    try:
        with httpx.Client(
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            trust_env=False,
            transport=_pinned_transport(),
        ) as client:
            for _hop in range(max_redirects + 1):
                try:
                    validate_url(current)
                except ValidationError as exc:
                    raise FetchError(
                        _("Only http and https addresses can be fetched: %(url)s")
                        % {"url": current[:300]}
                    ) from exc
                timeout = httpx.Timeout(min(60.0, left()), connect=min(connect, left()))
                with client.stream("GET", current, timeout=timeout) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchError(_("The server redirected to nowhere."))
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise FetchError(
                            _("The server answered %(status)s %(reason)s.")
                            % {
                                "status": response.status_code,
                                "reason": response.reason_phrase,
                            }
                        )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise FetchError(too_large_message(limit))

                    def chunks(body: Any = response) -> Iterator[bytes]:
                        for chunk in body.iter_raw(CHUNK):
                            left()
                            yield chunk

                    name = _filename_from(
                        str(response.url), response.headers.get("content-disposition")
                    )
                    try:
                        return _stream_to_incoming(chunks(), name, max_bytes=limit)
                    except FetchError:
                        raise
                    except TransportError as exc:
                        raise FetchError(str(exc)) from exc
            raise FetchError(
                _("Too many redirects (more than %(count)s).")
                % {"count": max_redirects}
            )
    except httpx.TimeoutException as exc:
        raise FetchError(
            _("The server did not answer in time (%(kind)s).")
            % {"kind": type(exc).__name__}
        ) from exc
    except httpx.HTTPError as exc:
        raise FetchError(
            _("The address could not be fetched: %(reason)s")
            % {"reason": str(exc)[:300] or type(exc).__name__}
        ) from exc


def fetch_resource(resource: Resource, *, user: Any = None) -> Version | None:
    """Fetch the resource's address: a new version, or None when unchanged.

    The outcome is stored on the resource (``last_fetch_at``,
    ``last_fetch_error``, ``next_fetch_at``); failures raise FetchError after.
    With a ``user``, checks that they may manage the dataset.
    """
    if user is not None:
        require_manage(user, resource.dataset)
    if not resource.url:
        raise FetchError(_("This resource has no address to fetch."))
    now = timezone.now()
    every = resource.fetch_every_hours
    Resource.objects.filter(pk=resource.pk).update(
        last_fetch_at=now,
        next_fetch_at=now + timedelta(hours=every) if every else None,
    )
    try:
        received = download(resource.url)
        try:
            check_file(received, resource.format)
            version = _create_version(
                resource, received, source=VersionSource.URL, user=user
            )
        finally:
            received.discard()
    except DuplicateVersion:
        Resource.objects.filter(pk=resource.pk).update(last_fetch_error="")
        return None
    except TransportError as exc:
        Resource.objects.filter(pk=resource.pk).update(last_fetch_error=str(exc))
        resource.refresh_from_db()
        raise FetchError(str(exc)) from exc
    Resource.objects.filter(pk=resource.pk).update(last_fetch_error="")
    resource.refresh_from_db()
    return version


def due_resources(now: datetime | None = None) -> models.QuerySet[Resource]:
    """Resources with an address whose next fetch is due."""
    now = now or timezone.now()
    return (
        Resource.objects.exclude(url="")
        .filter(next_fetch_at__isnull=False, next_fetch_at__lte=now)
        .filter(dataset__commons__hidden=False)
        .select_related("dataset")
        .order_by("next_fetch_at", "pk")
    )


@dataclass
class FetchOutcome:
    resource: Resource
    version: Version | None = None
    error: str = ""


def fetch_due(now: datetime | None = None, *, limit: int = 100) -> list[FetchOutcome]:
    """Fetch every due resource (at most ``limit``); never raises for one."""
    outcomes = []
    for resource in due_resources(now)[:limit]:
        try:
            version = fetch_resource(resource)
        except TransportError as exc:
            outcomes.append(FetchOutcome(resource, error=str(exc)))
        else:
            outcomes.append(FetchOutcome(resource, version))
    return outcomes


# Reading a version's files ----------------------------------------------------


def read_json(version: Version, name: str) -> Any:
    """A JSON product of ``version`` (see storage), or None when absent."""
    import json

    path = version.directory / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def delete_files(version_id: int) -> None:
    """Remove a version's folder (after its row is deleted)."""
    directory = storage.version_dir(version_id)
    if directory.exists():
        shutil.rmtree(directory, ignore_errors=True)


__all__ = [
    "DuplicateVersion",
    "FetchError",
    "TransportError",
    "add_resource",
    "add_version_from_upload",
    "create_dataset",
    "due_resources",
    "fetch_due",
    "fetch_resource",
    "update_dataset",
]
