"""Attachments are encrypted as they arrive, before any byte touches disk (issue 11).

Django's default upload handlers keep small files in memory and write large ones, in clear, to a temporary file.
The case views replace them, before the request body is read, with `SealingUploadHandler`: each chunk of each
file goes through libsodium's secretstream under a fresh random file key, and only the ciphertext is written, to
MEDIA_ROOT/cases/<random name>. The original file name, its type and the file key stay in memory on the
`SealedUpload` until the service seals them with the case key. A file nobody attaches (the form was refused) is
ciphertext under a key that was never stored; `attachments_sweep` removes such files.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from rankandfile.cases.domain import crypto

ALLOWED_TYPES = ("application/pdf", "image/", "audio/")


def storage_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "cases"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def storage_path(storage_name: str) -> Path:
    return storage_dir() / storage_name


class SealedUpload(UploadedFile):
    """A file already encrypted on disk; `name`, `content_type` and `file_key` live only in memory."""

    def __init__(self, *, name: str, content_type: str, size: int, storage_name: str, file_key: bytes) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.storage_name = storage_name
        self.file_key = file_key

    def discard(self) -> None:
        storage_path(self.storage_name).unlink(missing_ok=True)


class _SealedWriter:
    def __init__(self, name: str, content_type: str) -> None:
        self.name, self.content_type = name, content_type
        self.file_key = crypto.new_key()
        self.storage_name = secrets.token_hex(16)
        self.path = storage_path(self.storage_name)
        self.out: BinaryIO = self.path.open("xb")
        self.sealer = crypto.StreamSealer(self.file_key)
        self.out.write(self.sealer.header)
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.out.write(self.sealer.update(data))

    def finish(self) -> SealedUpload:
        self.out.write(self.sealer.finish())
        self.out.close()
        return SealedUpload(
            name=self.name,
            content_type=self.content_type,
            size=self.size,
            storage_name=self.storage_name,
            file_key=self.file_key,
        )

    def abandon(self) -> None:
        self.out.close()
        self.path.unlink(missing_ok=True)


def seal_stream(source: BinaryIO, *, name: str, content_type: str) -> SealedUpload:
    """Encrypt a readable file into storage (the command line's attachments)."""
    writer = _SealedWriter(name, content_type)
    try:
        while chunk := source.read(crypto.CHUNK_SIZE):
            if writer.size + len(chunk) > settings.CASE_ATTACHMENT_MAX_BYTES:
                raise ValueError(f"{name}: larger than {settings.CASE_ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB")
            writer.write(chunk)
    except BaseException:
        writer.abandon()
        raise
    return writer.finish()


def is_allowed_type(content_type: str) -> bool:
    return any(content_type == t or (t.endswith("/") and content_type.startswith(t)) for t in ALLOWED_TYPES)


class SealingUploadHandler(FileUploadHandler):
    """The only upload handler of the case views: never a plaintext byte on disk, at most one chunk in memory.

    Files over CASE_ATTACHMENT_MAX_BYTES or of a type other than PDF, image or audio are skipped and listed in
    `request.case_uploads_refused` (their names, for the form's message)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.writer: _SealedWriter | None = None
        if request is not None:
            request.case_uploads_refused = []  # type: ignore[attr-defined]

    def _refuse(self, name: str) -> None:
        if self.request is not None:
            self.request.case_uploads_refused.append(name)  # type: ignore[attr-defined]

    def new_file(self, field_name: str, file_name: str, content_type: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        self.writer = None
        if not file_name:
            return
        if not is_allowed_type(content_type or ""):
            self._refuse(file_name)
            raise SkipFile
        self.writer = _SealedWriter(file_name, content_type)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.writer is None:
            return None
        if self.writer.size + len(raw_data) > settings.CASE_ATTACHMENT_MAX_BYTES:
            self._refuse(self.writer.name)
            self.writer.abandon()
            self.writer = None
            raise SkipFile
        self.writer.write(raw_data)
        return None  # no other handler sees the plaintext

    def file_complete(self, file_size: int) -> SealedUpload | None:
        if self.writer is None:
            return None
        upload = self.writer.finish()
        self.writer = None
        return upload

    def upload_interrupted(self) -> None:
        if self.writer is not None:
            self.writer.abandon()
            self.writer = None


def use_sealing_uploads(request: HttpRequest) -> None:
    """Call before anything reads request.POST or request.FILES (the view is csrf_exempt, then csrf_protect)."""
    request.upload_handlers = [SealingUploadHandler(request)]


def sealed_uploads(request: HttpRequest, field: str = "attachments") -> list[SealedUpload]:
    return [f for f in request.FILES.getlist(field) if isinstance(f, SealedUpload)]
