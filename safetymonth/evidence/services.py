"""Getting evidence files in: the resumable upload workflow, and the integrity sweeps.

The protocol (docs/evidence.md): ``start_upload`` checks the place and the declared size and
opens an ``UploadSession`` with an empty partial file under ``settings.UPLOAD_PARTIAL_DIR``;
``append_chunk`` appends bytes at the session's offset (another offset is an
:class:`OffsetMismatch` carrying the right one), streaming them to disk; ``finish_upload`` checks
the bytes (safetymonth/lib/filetypes.py), hashes them, recognises a file already at the same place,
stores the original and its derivatives under generated names and only then creates the
``Material`` — on any failure whatever was written to storage is deleted, so no row ever points
at a partial or missing file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from safetymonth.audit.models import AuditEntry
from safetymonth.audit.services import log_event
from safetymonth.campaigns.models import CampaignStatus
from safetymonth.evidence import derivatives, storage
from safetymonth.evidence.models import Material, UploadSession, UploadStatus, place_key
from safetymonth.evidence.permissions import may_upload_at
from safetymonth.lib import filetypes
from safetymonth.lib.filetypes import Refused

if TYPE_CHECKING:
    from safetymonth.accounts.models import User
    from safetymonth.campaigns.models import Campaign, Indicator, Item
    from safetymonth.events.models import Event
    from safetymonth.hazards.models import Hazard
    from safetymonth.orgs.models import Org

BLOCK = 1024 * 1024


class UploadRefused(Exception):
    """An upload is refused; ``message`` says why in plain words, ``status`` is the HTTP answer."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class OffsetMismatch(Exception):
    """A chunk was sent for another offset than the one the server holds."""

    def __init__(self, offset: int, busy: bool = False) -> None:
        super().__init__(offset)
        self.offset = offset
        self.busy = busy


def limit_for(kind: str) -> int:
    return {
        filetypes.IMAGE: settings.EVIDENCE_MAX_IMAGE_BYTES,
        filetypes.VIDEO: settings.EVIDENCE_MAX_VIDEO_BYTES,
        filetypes.DOCUMENT: settings.EVIDENCE_MAX_DOCUMENT_BYTES,
    }[kind]


def human_size(n: int) -> str:
    if n >= 1024**3:
        return f"{number_format(round(n / 1024**3, 1))} GB"
    if n >= 1024**2:
        return f"{number_format(round(n / 1024**2, 1))} MB"
    if n >= 1024:
        return f"{number_format(round(n / 1024, 1))} KB"
    return _("%(n)s 字节") % {"n": n}


def too_large(kind: str) -> UploadRefused:
    messages = {
        filetypes.IMAGE: _("文件太大：图片不能超过 %(limit)s。"),
        filetypes.VIDEO: _("文件太大：视频不能超过 %(limit)s。"),
        filetypes.DOCUMENT: _("文件太大：文档不能超过 %(limit)s。"),
    }
    return UploadRefused("too_large", messages[kind] % {"limit": human_size(limit_for(kind))}, status=413)


def refusal_message(code: str) -> str:
    """Plain words for a refusal code of safetymonth.lib.filetypes."""
    messages = {
        "empty": _("文件是空的（0 字节），请重新选择。"),
        "unsupported": _(
            "不支持这种文件格式。可以上传 JPEG、PNG、WebP、HEIC 图片，MP4、MOV 视频，"
            "PDF、Word（.docx）、Excel（.xlsx）和 TXT 文档。"
        ),
        "executable": _("这是程序文件，不能上传。"),
        "script": _("这是脚本文件，不能上传。"),
        "markup": _("文件含有网页、SVG 图形或脚本代码，不能上传。"),
        "polyglot": _("文件里夹带了其他内容（压缩包、网页或脚本代码），不能上传。请重新拍摄或导出后再上传。"),
        "bad_image": _("图片已损坏或无法识别，请重新导出后再上传。"),
        "too_many_pixels": _(
            "图片像素太多，无法处理：JPEG 照片不能超过 %(jpeg)s 万像素，PNG、WebP、HEIC 图片不能超过 %(other)s 万像素"
            "（带透明背景的不能超过 %(alpha)s 万像素）。请缩小图片后再上传。"
        )
        % {
            "jpeg": derivatives.MAX_PIXELS_JPEG // 10_000,
            "other": derivatives.MAX_PIXELS // 10_000,
            "alpha": derivatives.MAX_PIXELS_ALPHA // 10_000,
        },
        "bad_video": _("视频文件不完整或已损坏，请确认视频已完整保存后再上传。"),
        "pdf_script": _("PDF 文件含有脚本或自动执行的动作，不能上传。"),
        "bad_pdf": _("PDF 文件已损坏或无法解析，请用正常的软件重新导出 PDF 后再上传。"),
        "zip_bomb": _("文档解压后过大或包含的文件过多，可能是恶意压缩包，不能上传。"),
        "zip_other": _("压缩包只接受 Word（.docx）和 Excel（.xlsx）文档，其他压缩文件不能上传。"),
        "encrypted": _("文档设置了密码，请去掉密码后再上传。"),
        "macro": _("含宏的文档不能上传，请另存为普通的 .docx 或 .xlsx 文件。"),
    }
    return messages.get(code, messages["unsupported"])


def partial_path(session: UploadSession) -> Path:
    return Path(settings.UPLOAD_PARTIAL_DIR) / f"{session.public_id}.part"


def zip_limits() -> filetypes.ZipLimits:
    return filetypes.ZipLimits(
        max_entries=settings.EVIDENCE_ZIP_MAX_ENTRIES,
        max_total=settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        max_ratio=settings.EVIDENCE_ZIP_MAX_RATIO,
    )


# ---------------------------------------------------------------------------------------------
# Start, chunks, finish


@dataclass
class Place:
    campaign: Campaign
    org: Org
    item: Item | None = None
    indicator: Indicator | None = None
    event: Event | None = None
    hazard: Hazard | None = None
    hazard_phase: str = ""

    @property
    def key(self) -> str:
        return place_key(
            self.item.pk if self.item else None,
            self.indicator.pk if self.indicator else None,
            self.event.pk if self.event else None,
            self.hazard.pk if self.hazard else None,
            self.hazard_phase,
        )


def start_upload(
    actor: User, place: Place, *, title: str, description: str, original_name: str, size: int
) -> UploadSession:
    """Open a resumable upload. Refused up front when the campaign is not open, the user may not
    upload for the org, the file is empty, or the declared size is above the limit for the kind
    its name suggests (the kind found in the bytes is checked again at the end)."""
    if not may_upload_at(actor, place.org, place.hazard):
        raise PermissionDenied
    if place.campaign.status != CampaignStatus.PUBLISHED:
        raise UploadRefused("campaign_closed", _("这个活动不在进行中，不能上传材料。"), status=400)
    name = filetypes.sanitize_name(original_name)
    if size <= 0:
        raise UploadRefused("empty", refusal_message("empty"), status=400)
    hinted = filetypes.kind_from_name(name)
    if hinted is not None and size > limit_for(hinted):
        raise too_large(hinted)
    if size > max(limit_for(k) for k in (filetypes.IMAGE, filetypes.VIDEO, filetypes.DOCUMENT)):
        raise too_large(filetypes.VIDEO)
    _check_quota(actor, size)
    session = UploadSession.objects.create(
        user=actor,
        campaign=place.campaign,
        org=place.org,
        item=place.item,
        indicator=place.indicator,
        event=place.event,
        hazard=place.hazard,
        hazard_phase=place.hazard_phase if place.hazard else "",
        title=(title.strip() or name)[:200],
        description=description.strip(),
        original_name=name,
        size=size,
    )
    path = partial_path(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    return session


def _check_quota(actor: User, size: int) -> None:
    """A user may hold at most EVIDENCE_MAX_OPEN_UPLOADS unfinished uploads declaring at most
    EVIDENCE_MAX_OPEN_UPLOAD_BYTES together (each one reserves disk for its partial file)."""
    open_uploads = UploadSession.objects.filter(user=actor, status=UploadStatus.RECEIVING).aggregate(
        count=Count("pk"), declared=Sum("size")
    )
    if open_uploads["count"] >= settings.EVIDENCE_MAX_OPEN_UPLOADS:
        raise UploadRefused(
            "quota_uploads",
            _("您同时进行中的上传太多（最多 %(max)s 个）。请等已有的上传完成，或取消不需要的上传后再试。")
            % {"max": settings.EVIDENCE_MAX_OPEN_UPLOADS},
            status=429,
        )
    if (open_uploads["declared"] or 0) + size > settings.EVIDENCE_MAX_OPEN_UPLOAD_BYTES:
        raise UploadRefused(
            "quota_bytes",
            _("您进行中的上传合计太大（最多 %(limit)s）。请等已有的上传完成，或取消不需要的上传后再试。")
            % {"limit": human_size(settings.EVIDENCE_MAX_OPEN_UPLOAD_BYTES)},
            status=429,
        )


def _open_locked(path: Path) -> BinaryIO:
    """The partial file, opened for writing under an exclusive lock (one writer per upload);
    ``OffsetMismatch(busy=True)`` when another request holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fh = os.fdopen(fd, "r+b")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise OffsetMismatch(-1, busy=True) from None
    return fh


def append_chunk(session: UploadSession, offset: int, stream: BinaryIO, length: int) -> int:
    """Append ``length`` bytes read from ``stream`` at ``offset``; the new offset. Bytes are
    written in 1 MB blocks as they arrive; when the client goes away mid-chunk, what did arrive is
    kept and counted, so the next attempt carries on from there."""
    if session.status != UploadStatus.RECEIVING:
        raise UploadRefused("not_receiving", _("这次上传已经结束，请重新选择文件上传。"), status=409)
    if length < 0 or length > settings.EVIDENCE_MAX_CHUNK_BYTES:
        raise UploadRefused("chunk_too_large", _("单次发送的数据太大。"), status=413)
    try:
        fh = _open_locked(partial_path(session))
    except OffsetMismatch:
        raise OffsetMismatch(session.received, busy=True) from None
    with fh:
        received = UploadSession.objects.filter(pk=session.pk).values_list("received", flat=True).get()
        session.received = received
        if offset != received:
            raise OffsetMismatch(received)
        if offset + length > session.size:
            raise UploadRefused("beyond_size", _("发送的数据超过了文件的大小。"), status=413)
        fh.truncate(received)
        fh.seek(received)
        written = 0
        try:
            while written < length:
                block = stream.read(min(BLOCK, length - written))
                if not block:
                    break
                fh.write(block)
                written += len(block)
        except OSError:
            pass  # the connection dropped: keep what arrived
        fh.flush()
        os.fsync(fh.fileno())
        UploadSession.objects.filter(pk=session.pk, received=received).update(
            received=received + written, updated_at=timezone.now()
        )
        session.received = received + written
    return session.received


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _outside_period(campaign: Campaign, captured: dt.datetime | None) -> bool:
    """Whether the capture date lies outside the campaign's overall span (its periods)."""
    return captured is not None and campaign.is_outside_span(captured.astimezone(derivatives.SHANGHAI).date())


def _fail(session: UploadSession, message: str) -> None:
    partial_path(session).unlink(missing_ok=True)
    UploadSession.objects.filter(pk=session.pk).update(
        status=UploadStatus.FAILED, error=message[:1000], updated_at=timezone.now()
    )
    session.status = UploadStatus.FAILED
    session.error = message


def _complete(session: UploadSession, material: Material) -> None:
    """Mark the upload complete. The caller removes the partial file once this is committed (a
    transaction that rolls back leaves the bytes for a retry; sweep_uploads removes partial files
    of completed uploads that a crash left behind)."""
    UploadSession.objects.filter(pk=session.pk).update(
        status=UploadStatus.COMPLETE, material=material, error="", updated_at=timezone.now()
    )
    session.status = UploadStatus.COMPLETE
    session.material = material


def _link(path: Path, workdir: Path) -> Path:
    """A second name for ``path`` in ``workdir`` (a hard link; a copy where links are refused)."""
    target = workdir / "original"
    try:
        os.link(path, target)
    except OSError:
        shutil.copyfile(path, target)
    return target


def _existing(session: UploadSession, sha256: str) -> Material | None:
    key = place_key(session.item_id, session.indicator_id, session.event_id, session.hazard_id, session.hazard_phase)
    return Material.objects.filter(
        org_id=session.org_id, campaign_id=session.campaign_id, place=key, sha256=sha256
    ).first()


def finish_upload(actor: User, session: UploadSession) -> tuple[Material, bool]:
    """Check, store and record a completely received upload: (material, duplicate). A file
    already at the same place is recognised and that material returned (nothing stored twice)."""
    if not may_upload_at(actor, session.org, session.hazard) or session.user_id != actor.pk:
        raise PermissionDenied
    try:
        fh = _open_locked(partial_path(session))
    except OffsetMismatch:
        raise UploadRefused("busy", _("文件还在上传中，请稍后再试。"), status=409) from None
    with fh:
        session.refresh_from_db()
        if session.status == UploadStatus.COMPLETE and session.material_id:
            material = Material.objects.get(pk=session.material_id)
            return material, False
        if session.status != UploadStatus.RECEIVING:
            raise UploadRefused("not_receiving", session.error or _("这次上传已经结束，请重新选择文件上传。"), 409)
        if session.received != session.size:
            raise UploadRefused(
                "incomplete",
                _("文件还没有传完（已收到 %(received)s，共 %(size)s）。")
                % {"received": human_size(session.received), "size": human_size(session.size)},
                status=409,
            )
        return _store(actor, session, partial_path(session))


def _store(actor: User, session: UploadSession, path: Path) -> tuple[Material, bool]:
    written: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="evidence-", dir=Path(settings.UPLOAD_PARTIAL_DIR)))
    try:
        try:
            ftype = filetypes.sniff(path, zip_limits())
            if path.stat().st_size > limit_for(ftype.kind):
                raise too_large(ftype.kind)
            sha256 = _sha256(path)
            existing = _existing(session, sha256)
            if existing is not None:
                _complete(session, existing)
                path.unlink(missing_ok=True)
                return existing, True
            derived = derivatives.build(path, ftype, workdir)
        except Refused as exc:
            message = refusal_message(exc.code)
            _fail(session, message)
            raise UploadRefused(exc.code, message) from exc
        except UploadRefused as exc:
            _fail(session, exc.message)
            raise
        stem = storage.base_name(session.campaign.code, session.org.public_id)
        size = path.stat().st_size
        try:
            # Crash-safe: every object is written under a fresh name no row knows yet, and the
            # partial file stays until the row naming them is committed, in one transaction with
            # the session's completion. A crash (even a kill) before the commit leaves the upload
            # receiving with all its bytes — finishing again works — and objects no row points
            # to, which sweep_uploads removes after EVIDENCE_ORPHAN_GRACE_HOURS.
            served = ""
            if derived.served is not None:
                served = storage.save_path(f"{stem}-served.{derived.served_ext}", derived.served)
                written.append(served)
            thumb = ""
            if derived.thumbnail is not None:
                thumb = storage.save_path(f"{stem}-thumb.jpg", derived.thumbnail)
                written.append(thumb)
            # the original through a hard link to the partial file (same folder, so always
            # possible): local storage renames the link into place (a 2 GB video is not copied)
            # and the partial file itself is kept until the commit
            original = storage.save_path(f"{stem}.{ftype.ext}", _link(path, workdir), move=True)
            written.append(original)
            with transaction.atomic():
                material = Material.objects.create(
                    campaign=session.campaign,
                    org=session.org,
                    item=session.item,
                    indicator=session.indicator,
                    event=session.event,
                    hazard=session.hazard,
                    hazard_phase=session.hazard_phase,
                    title=session.title,
                    description=session.description,
                    kind=ftype.kind,
                    content_type=ftype.content_type,
                    original_name=session.original_name,
                    file=original,
                    served_file=served,
                    thumbnail=thumb,
                    size=size,
                    sha256=sha256,
                    captured_at=derived.captured_at,
                    captured_outside_period=_outside_period(session.campaign, derived.captured_at),
                    has_location=derived.has_location,
                    duration_seconds=derived.duration_seconds,
                    width=derived.width,
                    height=derived.height,
                    uploaded_by=actor,
                )
                log_event(
                    actor,
                    AuditEntry.Action.CREATE,
                    material,
                    org=session.org,
                    summary=_("上传佐证材料：%(title)s（%(name)s，%(size)s）")
                    % {"title": material.title, "name": material.original_name, "size": human_size(material.size)},
                    changes={"sha256": sha256, "content_type": ftype.content_type, "size": material.size},
                )
                _complete(session, material)
        except IntegrityError:
            # the same file reached the same place in a parallel request
            storage.delete_quietly(*written)
            existing = _existing(session, sha256)
            if existing is None:
                raise
            _complete(session, existing)
            path.unlink(missing_ok=True)
            return existing, True
        except BaseException:
            storage.delete_quietly(*written)  # best effort; what a kill leaves, the sweep removes
            raise
        path.unlink(missing_ok=True)
        return material, False
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def abort_upload(actor: User, session: UploadSession) -> None:
    """The user cancels: the partial file goes, the session is marked failed."""
    if session.user_id != actor.pk:
        raise PermissionDenied
    if session.status == UploadStatus.RECEIVING:
        _fail(session, _("已取消上传。"))


# ---------------------------------------------------------------------------------------------
# Integrity


@dataclass
class StorageReport:
    missing: list[tuple[str, str, str]]  # (material public id, field, stored name)
    orphans: list[str]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.orphans


def verify_storage() -> StorageReport:
    """Rows whose original, served copy or thumbnail is missing; files under the evidence prefix
    that no row points to."""
    st = storage.storage()
    known: set[str] = set()
    missing: list[tuple[str, str, str]] = []
    for public_id, *names in Material.objects.values_list("public_id", "file", "served_file", "thumbnail").iterator():
        for field, name in zip(("file", "served_file", "thumbnail"), names, strict=True):
            if not name:
                continue
            known.add(name)
            if not st.exists(name):
                missing.append((public_id, field, name))
    orphans = sorted(name for name in storage.walk() if name not in known)
    return StorageReport(missing=missing, orphans=orphans)


@dataclass
class SweepResult:
    sessions: int
    orphan_files: int
    orphan_objects: int = 0


def sweep_uploads(
    older_than_hours: int | None = None, *, orphan_hours: int | None = None, now: dt.datetime | None = None
) -> SweepResult:
    """Delete receiving or failed uploads untouched for the grace period, with their partial
    files, and partial files no session points to (older than the grace period too); then stored
    objects under the evidence prefix that no material points to and that are older than
    EVIDENCE_ORPHAN_GRACE_HOURS (what a crash during finish left; a finish still running has
    written its objects minutes ago, so they are not touched)."""
    hours = settings.EVIDENCE_UPLOAD_GRACE_HOURS if older_than_hours is None else older_than_hours
    now = now or timezone.now()
    cutoff = now - timedelta(hours=hours)
    stale = UploadSession.objects.filter(
        status__in=[UploadStatus.RECEIVING, UploadStatus.FAILED], updated_at__lt=cutoff
    )
    count = 0
    for session in stale.iterator():
        partial_path(session).unlink(missing_ok=True)
        count += 1
    stale.delete()
    orphan_files = 0
    folder = Path(settings.UPLOAD_PARTIAL_DIR)
    if folder.is_dir():
        live = {
            f"{pid}.part"
            for pid in UploadSession.objects.filter(status=UploadStatus.RECEIVING).values_list("public_id", flat=True)
        }
        for entry in folder.iterdir():
            mtime = dt.datetime.fromtimestamp(entry.stat().st_mtime, tz=dt.UTC)
            if mtime >= cutoff or entry.name in live:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            orphan_files += 1
    orphan_objects = _sweep_orphan_objects(
        now - timedelta(hours=settings.EVIDENCE_ORPHAN_GRACE_HOURS if orphan_hours is None else orphan_hours)
    )
    if count or orphan_files or orphan_objects:
        log_event(
            None,
            AuditEntry.Action.DELETE,
            None,
            actor_name="sweep_uploads",
            summary=_("清理未完成的上传：%(sessions)s 个上传，%(files)s 个残留文件，%(objects)s 个无主存储文件")
            % {"sessions": count, "files": orphan_files, "objects": orphan_objects},
        )
    return SweepResult(sessions=count, orphan_files=orphan_files, orphan_objects=orphan_objects)


def _sweep_orphan_objects(cutoff: dt.datetime) -> int:
    """Delete stored objects under the evidence prefix no material names, modified before
    ``cutoff``; the number deleted. The names are checked against the database again just before
    each delete, so an object a material took meanwhile is kept."""
    st = storage.storage()
    known: set[str] = set()
    for names in Material.objects.values_list("file", "served_file", "thumbnail").iterator():
        known.update(n for n in names if n)
    removed = 0
    for name in list(storage.walk()):
        if name in known:
            continue
        try:
            modified = st.get_modified_time(name)
        except (OSError, NotImplementedError):
            continue
        if timezone.is_naive(modified):
            modified = timezone.make_aware(modified, dt.UTC)
        if modified >= cutoff:
            continue
        if Material.objects.filter(Q(file=name) | Q(served_file=name) | Q(thumbnail=name)).exists():
            continue
        storage.delete_quietly(name)
        removed += 1
    return removed


# ---------------------------------------------------------------------------------------------
# Downloads of originals are audited


def log_original_download(actor: User, material: Material, part: str = "") -> None:
    """Audit bytes of an original leaving the server: the whole file, or the range ``part`` (a
    ``Content-Range`` value such as ``bytes 0-1023/52000``) of a resumed or partial download."""
    if part:
        summary = _("下载佐证材料原件（部分：%(part)s）：%(title)s") % {"part": part, "title": material.title}
    else:
        summary = _("下载佐证材料原件：%(title)s") % {"title": material.title}
    log_event(
        actor,
        AuditEntry.Action.EXPORT,
        material,
        org=material.org,
        summary=summary,
        changes={"range": part} if part else None,
    )
