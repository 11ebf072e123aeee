"""File formats in, plain text out: .txt, .md, .html, .docx and .pdf, each through a kept library."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from corpus.errors import (
    BinaryFileError,
    BrokenFileError,
    CorpusError,
    EmptyFileError,
    LegacyEncodingError,
    UnsupportedFileError,
)
from corpus.tables import markdown_table_rows, render_table

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}

_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ") | {c for c in map(chr, range(0x1EA0, 0x1EFA))}
# Characters TCVN3 (ABC) and VNI font text produce that never occur in Unicode Vietnamese.
_LEGACY_FONT_CHARS = set("¸µ¶·¹¨®¬¦§«¡¢£¤¥©ª»¼½¾ÆÇËÎÏÑÖ×ØÛÜÞßäåæçëîïñöøûüþÿ")
_MD_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")


def _looks_legacy_font(text: str) -> bool:
    words = re.findall(r"\S+", text)
    if not words:
        return False
    odd = sum(1 for w in words if any(c in _LEGACY_FONT_CHARS for c in w))
    return odd >= 3 and odd / len(words) > 0.05


def _vietnamese_ratio(text: str) -> float:
    letters = [c for c in unicodedata.normalize("NFC", text) if c.isalpha()]
    return sum(c in _VIETNAMESE for c in letters) / max(len(letters), 1)


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes; Windows-1258 is converted with a warning, TCVN3/VNI is refused."""
    if not data.strip():
        raise EmptyFileError("tệp rỗng, không có nội dung")
    sample = data[:65536]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BinaryFileError("tệp nhị phân, không phải văn bản")
    warnings: list[str] = []
    try:
        text = data.decode("utf-16") if sample.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")
        if _looks_legacy_font(text):
            raise LegacyEncodingError(
                "văn bản dùng bảng mã phông cũ (TCVN3/VNI); hãy chuyển sang Unicode (UTF-8) rồi nạp lại"
            ) from None
        if "\ufffd" in text or _vietnamese_ratio(text) < 0.02:
            raise BinaryFileError("không nhận ra bảng mã ký tự; hãy lưu tệp ở dạng UTF-8") from None
        text = unicodedata.normalize("NFC", text)
        warnings.append("tệp ở bảng mã Windows-1258, đã chuyển sang Unicode")
    if _looks_legacy_font(text):
        raise LegacyEncodingError(
            "văn bản dùng bảng mã phông cũ (TCVN3/VNI); hãy chuyển sang Unicode (UTF-8) rồi nạp lại"
        )
    controls = sum(1 for c in text[:65536] if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536):
        raise BinaryFileError("tệp chứa dữ liệu nhị phân, không phải văn bản")
    if not text.strip():
        raise EmptyFileError("tệp không có chữ")
    return text, warnings


def render_markdown_tables(text: str) -> str:
    """Replace Markdown pipe tables (those with a |---| row) by the lines ``render_table`` gives."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _MD_TABLE_LINE.match(lines[j]):
            j += 1
        block = lines[i:j]
        if len(block) >= 2 and any(re.fullmatch(r"\s*\|?[\s:|-]*-{3,}[\s:|-]*\|?\s*", ln) for ln in block):
            out.extend(render_table(markdown_table_rows(block)))
            i = j
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def read_html(data: bytes) -> str:
    """Main text of a web page (navigation, menus and footers removed) with its tables."""
    import trafilatura
    from lxml import etree

    html, _ = decode_bytes(data)
    xml = trafilatura.extract(html, output_format="xml", include_tables=True, include_comments=False, favor_recall=True)
    if not xml:
        raise BrokenFileError("không tìm thấy nội dung chính trong trang web")
    root = etree.fromstring(xml.encode("utf-8"))
    lines: list[str] = []
    for el in root.iter("head", "p", "item", "table"):
        ancestors = {a.tag for a in el.iterancestors()}
        if "table" in ancestors or (el.tag == "p" and "item" in ancestors):
            continue
        if el.tag == "table":
            rows = [["".join(cell.itertext()) for cell in row.iter("cell")] for row in el.iter("row")]
            lines.extend([*render_table(rows), ""])
        elif text := "".join(el.itertext()).strip():
            lines.extend([text, ""])
    return "\n".join(lines)


def read_docx(data: bytes) -> str:
    """Paragraphs and tables of a Word file, in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BrokenFileError(f"tệp .docx hỏng hoặc không phải Word ({exc.__class__.__name__})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.extend([block.text, ""])
        elif isinstance(block, Table):
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            lines.extend([*render_table(rows), ""])
    return "\n".join(lines)


def read_pdf(data: bytes) -> str:
    """The text layer of a PDF, page by page; a scanned PDF without one is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise BrokenFileError("PDF được mã hóa, không đọc được")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise BrokenFileError(f"tệp PDF hỏng ({exc.__class__.__name__})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise EmptyFileError("PDF không có lớp chữ (có thể là bản quét); cần OCR trước khi nạp")
    return text


def read_document_text(path: Path) -> tuple[str, list[str]]:
    """Text of a supported file and any warnings; raises ``CorpusError`` with the reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(f"định dạng {suffix or '(không có đuôi)'} không được hỗ trợ")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"không đọc được tệp: {exc.strerror}") from None
    if not data.strip():
        raise EmptyFileError("tệp rỗng, không có nội dung")
    if suffix in TEXT_SUFFIXES:
        text, warnings = decode_bytes(data)
        return render_markdown_tables(text), warnings
    if suffix in HTML_SUFFIXES:
        return read_html(data), []
    if suffix == ".docx":
        if not data.startswith(b"PK"):
            raise BrokenFileError("tệp .docx không đúng định dạng Word (có thể đặt sai đuôi)")
        return read_docx(data), []
    if not data.startswith(b"%PDF"):
        raise BrokenFileError("tệp .pdf không đúng định dạng PDF (có thể đặt sai đuôi)")
    return read_pdf(data), []
