"""File formats in, plain text out: .txt, .md, .html, .docx and .pdf, each through a kept library."""

from __future__ import annotations

import codecs
import contextlib
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
    UnsupportedFileError,
)
from corpus.legacy_encodings import (
    convert_if_legacy,
    convert_legacy,
    decode_8bit,
    detect_legacy_encoding,
    legacy_warning,
    syllable_ratio,
)
from corpus.tables import markdown_table_rows, render_table

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}

_VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ") | {c for c in map(chr, range(0x1EA0, 0x1EFA))}
_MD_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_MAX_UTF8_DAMAGE = 50  # more broken spots than this and the file is not UTF-8 at all


def _vietnamese_ratio(text: str) -> float:
    letters = [c for c in unicodedata.normalize("NFC", text) if c.isalpha()]
    return sum(c in _VIETNAMESE for c in letters) / max(len(letters), 1)


def _decode_utf8(data: bytes) -> tuple[str, list[str]] | None:
    """UTF-8 text, also when a few characters are damaged (a cut-off copy); None when the bytes are not UTF-8."""
    start = 3 if data.startswith(codecs.BOM_UTF8) else 0
    body = data[start:]
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    view = memoryview(body)
    damage: list[int] = []
    cut_at_end = False
    valid_multibyte = pos = 0
    while pos < len(body):
        try:
            good = str(view[pos:], "utf-8")
            pos = len(body)
        except UnicodeDecodeError as exc:
            good = str(view[pos : pos + exc.start], "utf-8")
            if not (damage and exc.start == 0):  # bytes right after a damaged spot belong to it
                damage.append(pos + exc.start)
            cut_at_end = pos + exc.end == len(body) and exc.reason == "unexpected end of data"
            pos += exc.end
        valid_multibyte += len(good) - len(good.encode("ascii", "ignore"))
        if len(damage) > _MAX_UTF8_DAMAGE and valid_multibyte < 10 * len(damage):
            return None
    if valid_multibyte < 10 * len(damage) and not (len(damage) == 1 and cut_at_end and valid_multibyte):
        return None
    warnings = []
    if cut_at_end:
        body = body[: damage.pop()]
        warnings.append(f"tệp UTF-8 bị hỏng ở cuối (byte {start + len(body)}): phần hỏng đã bỏ qua")
    if damage:
        lines = [body.count(b"\n", 0, offset) + 1 for offset in damage]
        where = ", ".join(f"byte {start + o} (dòng {n})" for o, n in zip(damage[:5], lines, strict=False))
        more = ", …" if len(damage) > 5 else ""
        warnings.append(f"tệp UTF-8 bị hỏng ở {len(damage)} chỗ: {where}{more}; ký tự hỏng đã thay bằng dấu �")
    return body.decode("utf-8", errors="replace"), warnings


def _decode_8bit(data: bytes) -> tuple[str, list[str]]:
    """8-bit text: TCVN3/VNI font text is converted, otherwise Windows-1258 as before."""
    shown = decode_8bit(data)
    encoding = detect_legacy_encoding(shown)
    cp1258 = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    if encoding is not None:
        converted = convert_legacy(shown, encoding)
        if syllable_ratio(converted) > syllable_ratio(cp1258):
            return converted, [legacy_warning(encoding)]
    if "\ufffd" in cp1258 or _vietnamese_ratio(cp1258) < 0.02:
        raise BinaryFileError("không nhận ra bảng mã ký tự; hãy lưu tệp ở dạng UTF-8")
    return cp1258, ["tệp ở bảng mã Windows-1258, đã chuyển sang Unicode"]


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes; TCVN3/VNI and Windows-1258 text is converted and damaged UTF-8 repaired, with a warning."""
    if not data.strip():
        raise EmptyFileError("tệp rỗng, không có nội dung")
    sample = data[:65536]
    utf16 = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in sample and not utf16:
        raise BinaryFileError("tệp nhị phân, không phải văn bản")
    decoded = None
    if utf16:
        with contextlib.suppress(UnicodeDecodeError):
            decoded = data.decode("utf-16"), []
    else:
        decoded = _decode_utf8(data)
    if decoded is None:
        text, warnings = _decode_8bit(data)
    else:
        text, warnings = decoded
        text, legacy_warnings = convert_if_legacy(text)
        warnings += legacy_warnings
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
    return _read_html(data)[0]


def _read_html(data: bytes) -> tuple[str, list[str]]:
    import trafilatura
    from lxml import etree

    html, warnings = decode_bytes(data)
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
    return "\n".join(lines), warnings


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
        text, warnings = _read_html(data)
    elif suffix == ".docx":
        if not data.startswith(b"PK"):
            raise BrokenFileError("tệp .docx không đúng định dạng Word (có thể đặt sai đuôi)")
        text, warnings = read_docx(data), []
    else:
        if not data.startswith(b"%PDF"):
            raise BrokenFileError("tệp .pdf không đúng định dạng PDF (có thể đặt sai đuôi)")
        text, warnings = read_pdf(data), []
    # Paragraphs set in .VnTime or VNI-Times fonts arrive as the same 8-bit characters as a legacy .txt file.
    text, legacy_warnings = convert_if_legacy(text)
    return text, warnings + legacy_warnings
