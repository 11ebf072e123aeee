"""Documents added from Telegram: check the file, read it as the corpus would, and file it on confirmation.

Nothing touches the corpus until an admin confirms: the upload is parsed from a private folder
under the data dir, and a file that cannot be read is reported with the loader's own reason.
Facts in the caption ('Số: 12/QĐ-UBND', 'Ngày: 05/3/2024', 'Tỉnh: Bắc Ninh') are written to the
``<name>.yaml`` sidecar the loader already reads, so they win over what is guessed from the text.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from corpus.loader import load_document
from corpus.models import DocumentFacts, NodeKind

ALLOWED_SUFFIXES = (".docx", ".pdf", ".html", ".md", ".txt")
_CAPTION_KEYS = [
    (re.compile(r"(?i)^(?:số|số hiệu|so|so hieu)$"), "so_hieu"),
    (re.compile(r"(?i)^(?:ngày|ngày ban hành|ngay|ngay ban hanh)$"), "ngay_ban_hanh"),
    (re.compile(r"(?i)^(?:loại|loại văn bản|loai)$"), "loai"),
    (re.compile(r"(?i)^(?:tỉnh|tỉnh/thành phố|tinh)$"), "tinh"),
    (re.compile(r"(?i)^(?:cơ quan|cơ quan ban hành|co quan)$"), "co_quan_ban_hanh"),
    (re.compile(r"(?i)^(?:trích yếu|tên|trich yeu)$"), "trich_yeu"),
    (re.compile(r"(?i)^(?:mã|ma|id)$"), "id"),
]
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")


class UploadPreview(BaseModel):
    """What was read from an uploaded file, shown to the admin before anything is filed."""

    folder: Path
    path: Path
    file_name: str
    facts: DocumentFacts
    given: dict[str, str] = Field(default_factory=dict)
    articles: int = 0
    tasks: int = 0
    responsibilities: int = 0
    chunks: int = 0
    relations: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    uploader_id: int = 0


def check_upload(file_name: str | None, size: int | None, max_bytes: int) -> str | None:
    """Why a file cannot be taken (type or size), in Vietnamese; None when it can."""
    suffix = Path(file_name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "(không có đuôi)"
        return f"Định dạng {shown} chưa được hỗ trợ. Hãy gửi tệp {', '.join(ALLOWED_SUFFIXES)}."
    if size is not None and size > max_bytes:
        return f"Tệp quá lớn ({size / 1_048_576:.1f} MB); giới hạn là {max_bytes / 1_048_576:.0f} MB."
    if size == 0:
        return "Tệp rỗng."
    return None


def safe_name(file_name: str) -> str:
    """A file name without folders or characters a file system might refuse."""
    name = Path(file_name).name
    stem = re.sub(r"[^\w.-]+", "-", Path(name).stem, flags=re.UNICODE).strip("-.") or "van-ban"
    return f"{stem[:80]}{Path(name).suffix.lower()}"


def caption_facts(caption: str | None) -> dict[str, str]:
    """'Số: 12/QĐ-UBND; Ngày: 05/3/2024' → {'so_hieu': '12/QĐ-UBND', 'ngay_ban_hanh': '2024-03-05'}."""
    out: dict[str, str] = {}
    for part in re.split(r"[\n;]+", caption or ""):
        if ":" not in part:
            continue
        key, value = (x.strip() for x in part.split(":", 1))
        field = next((name for pattern, name in _CAPTION_KEYS if pattern.match(key)), None)
        if not field or not value:
            continue
        if field == "ngay_ban_hanh":
            m = _DATE.search(value)
            if not m:
                continue
            try:
                value = dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
            except ValueError:
                continue
        out[field] = value
    return out


def preview_upload(path: Path, given: dict[str, str]) -> UploadPreview:
    """Parse the file exactly as the corpus loader will; raises ``CorpusError`` with the reason."""
    if given:
        path.with_suffix(".yaml").write_text(yaml.safe_dump(given, allow_unicode=True), encoding="utf-8")
    loaded = load_document(path)
    document = loaded.document
    return UploadPreview(
        folder=path.parent,
        path=path,
        file_name=path.name,
        facts=document.facts,
        given=given,
        articles=sum(1 for n in document.tree.walk() if n.kind == NodeKind.ARTICLE),
        tasks=len(loaded.tasks),
        responsibilities=sum(len(t.lead) + len(t.partners) for t in loaded.tasks),
        chunks=len(loaded.chunks),
        relations=[f"{_VERB[r.relation]} {r.target_kind or 'văn bản'} số {r.target_so_hieu}" for r in loaded.relations],
        warnings=document.warnings,
    )


_VERB = {"replaces": "thay thế", "repeals": "bãi bỏ", "amends": "sửa đổi, bổ sung", "expires": "làm hết hiệu lực"}


def file_into_corpus(preview: UploadPreview, corpus_dir: Path) -> list[Path]:
    """Copy the file (and its sidecar) into the corpus under a name not yet taken; returns what was written."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    stem, suffix = preview.path.stem, preview.path.suffix
    target = corpus_dir / preview.path.name
    n = 2
    while target.exists() or target.with_suffix(".yaml").exists():
        target = corpus_dir / f"{stem}-{n}{suffix}"
        n += 1
    written = []
    sidecar = preview.path.with_suffix(".yaml")
    if sidecar.exists():
        if target.stem != stem and "id" not in preview.given:
            data = {**preview.given, "id": preview.facts.id}
            sidecar.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        shutil.copyfile(sidecar, target.with_suffix(".yaml"))
        written.append(target.with_suffix(".yaml"))
    shutil.copyfile(preview.path, target)
    written.append(target)
    return written


def discard(preview: UploadPreview) -> None:
    """Remove the private copy of an upload."""
    shutil.rmtree(preview.folder, ignore_errors=True)
