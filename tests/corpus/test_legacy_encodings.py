"""Legacy Vietnamese font encodings (TCVN3/ABC, VNI) are converted, and Unicode text is never taken for one."""

import random
import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import BinaryFileError
from corpus.legacy_encodings import (
    TCVN3_TO_UNICODE,
    UNICODE_TO_TCVN3,
    UNICODE_TO_VNI,
    VIETNAMESE_LETTERS,
    convert_legacy,
    decode_8bit,
    detect_legacy_encoding,
    encode_legacy,
    is_vietnamese_syllable,
)
from corpus.loader import BUNDLED_CORPUS, load_corpus, load_document
from corpus.readers import decode_bytes, read_document_text
from tests.conftest import FIXTURES

DOCS = FIXTURES / "docs"
ORIGINAL = (DOCS / "legacy-unicode.txt").read_text(encoding="utf-8")
LOWER = sorted(c for c in VIETNAMESE_LETTERS if c.islower())
UPPER = sorted(c for c in VIETNAMESE_LETTERS if c.isupper())


@pytest.mark.parametrize(
    ("name", "table"),
    [("legacy-tcvn3.txt", "TCVN3 (ABC)"), ("legacy-vni.txt", "VNI"), ("legacy-tcvn3-utf8.txt", "TCVN3 (ABC)")],
)
def test_legacy_fixture_converts_to_the_unicode_original(name, table):
    text, warnings = decode_bytes((DOCS / name).read_bytes())
    assert text == unicodedata.normalize("NFC", ORIGINAL)
    assert warnings == [f"tệp dùng bảng mã {table}{' (VNI-Windows)' if table == 'VNI' else ''}, đã chuyển sang Unicode"]


def test_fixtures_hold_capital_headings_and_every_tone():
    assert {"ỦY BAN NHÂN DÂN", "QUYẾT ĐỊNH", "CỦA CÁC SỞ, BAN, NGÀNH, ĐỊA PHƯƠNG"} <= set(ORIGINAL.splitlines())
    marks = {m for c in unicodedata.normalize("NFD", ORIGINAL) for m in [c] if unicodedata.combining(m)}
    assert {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"} <= marks
    assert "“" in ORIGINAL  # the quotes Windows-1252 shares with VN1 capitals stay quotes


def test_legacy_fixture_loads_as_a_document_with_its_facts():
    loaded = load_document(DOCS / "legacy-vni.txt")
    assert loaded.document.facts.so_hieu == "2548/QĐ-UBND"
    assert "Căn cứ Luật Tổ chức chính quyền địa phương" in loaded.document.text
    assert any("VNI" in w for w in loaded.document.warnings)


def test_old_refused_tcvn3_fixture_now_loads():
    loaded = load_document(DOCS / "tcvn3.txt")
    assert "Quyết định số 12/QĐ-UBND về việc ban hành quy chế phối hợp." in loaded.document.text
    assert any("TCVN3 (ABC)" in w for w in loaded.document.warnings)


def test_unicode_with_middot_eszett_copyright_is_not_legacy():
    data = (DOCS / "unicode-with-middot.txt").read_bytes()
    original = data.decode("utf-8")
    assert all(c in original for c in "·ß©«»½")
    assert detect_legacy_encoding(original) is None
    assert decode_bytes(data) == (original, [])


def test_unicode_original_is_not_legacy():
    assert detect_legacy_encoding(ORIGINAL) is None


@pytest.mark.parametrize("path", sorted(BUNDLED_CORPUS.iterdir()), ids=lambda p: p.name)
def test_bundled_documents_are_not_legacy(path):
    assert detect_legacy_encoding(path.read_text(encoding="utf-8")) is None


def test_real_documents_are_not_legacy(shared):
    documents = sorted((shared / "realdocs" / "documents").iterdir())
    assert len(documents) > 300
    flagged = [p.name for p in documents if detect_legacy_encoding(p.read_text(encoding="utf-8")) is not None]
    assert flagged == []


def test_truncated_utf8_loads_with_the_damage_named():
    data = (DOCS / "utf8-truncated.txt").read_bytes()
    loaded = load_document(DOCS / "utf8-truncated.txt")
    assert loaded.document.warnings[0] == f"tệp UTF-8 bị hỏng ở cuối (byte {len(data) - 2}): phần hỏng đã bỏ qua"
    text, _ = decode_bytes(data)
    assert text == data[:-2].decode("utf-8") and ORIGINAL.startswith(text)


def test_utf8_damaged_in_the_middle_is_replaced_only_there():
    good = "Điều 1. Quyết định này có hiệu lực thi hành kể từ ngày ký.\n" * 20
    data = good.encode("utf-8")
    spot = data.index("hiệu".encode(), 300) + 2
    damaged = data[:spot] + data[spot + 1 :]  # the lead byte of "ệ" is lost, its two continuation bytes remain
    text, warnings = decode_bytes(damaged)
    assert text.count("\ufffd") == 2
    assert text.replace("\ufffd\ufffd", "ệ") == good
    line = data[:spot].count(b"\n") + 1
    assert warnings == [f"tệp UTF-8 bị hỏng ở 1 chỗ: byte {spot} (dòng {line}); ký tự hỏng đã thay bằng dấu �"]


def test_binary_is_still_refused():
    rng = random.Random(11)
    no_nul = bytes(rng.randrange(1, 256) for _ in range(8192))
    for data in ((FIXTURES / "bad" / "rac.txt").read_bytes(), no_nul):
        with pytest.raises(BinaryFileError):
            decode_bytes(data)


def test_windows_1258_still_converts():
    text, warnings = decode_bytes((DOCS / "windows-1258.txt").read_bytes())
    assert "Quyết định về việc ban hành quy chế phối hợp" in text
    assert warnings == ["tệp ở bảng mã Windows-1258, đã chuyển sang Unicode"]


def test_tables_cover_every_letter_once():
    assert len(VIETNAMESE_LETTERS) == 134 and len(LOWER) == len(UPPER) == 67
    assert set(UNICODE_TO_TCVN3) == set(UNICODE_TO_VNI) == VIETNAMESE_LETTERS
    assert len(set(UNICODE_TO_TCVN3.values())) == 134
    assert len(set(UNICODE_TO_VNI.values())) == 134


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
@pytest.mark.parametrize("letter", sorted(VIETNAMESE_LETTERS))
def test_every_letter_round_trips(encoding, letter):
    # The bytes as Latin-1 shows them (C1 controls for 80-9F): unambiguous, every letter comes back.
    assert convert_legacy(encode_legacy(letter, encoding).decode("latin-1"), encoding) == letter


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_every_letter_round_trips_inside_words_as_windows_1252_shows_them(encoding):
    def carrier(letter):
        base = unicodedata.normalize("NFD", letter)[0].lower()
        word = {"y": "k" + letter, "đ": letter + "a"}.get(base, "t" + letter + "m")
        return word.upper() if letter.isupper() else word

    words = [carrier(letter) for letter in sorted(VIETNAMESE_LETTERS)]
    assert all(is_vietnamese_syllable(w) for w in words)
    for line in (" ".join(w for w in words if w.islower()), " ".join(w for w in words if w.isupper())):
        assert convert_legacy(decode_8bit(encode_legacy(line, encoding)), encoding) == line


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["TCVN3", "VNI"]),
    st.sampled_from([LOWER + list("abcdghklmnpqrstvxy .,"), UPPER + list("ABCDGHKLMNPQRSTVXY .,")]),
    st.data(),
)
def test_text_round_trips_through_each_table(encoding, alphabet, data):
    text = data.draw(st.text(alphabet=alphabet, max_size=40))
    assert convert_legacy(encode_legacy(text, encoding).decode("latin-1"), encoding) == text


def test_tcvn3_table_matches_glibc_tcvn5712_1():
    if shutil.which("iconv") is None:
        pytest.skip("iconv is not installed")
    codes = bytes(sorted(TCVN3_TO_UNICODE))
    result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes, capture_output=True)
    if result.returncode != 0:
        pytest.skip("this iconv has no TCVN5712-1")
    assert result.stdout.decode("utf-8") == "".join(TCVN3_TO_UNICODE[c] for c in codes)


def test_capitals_typed_with_a_vntimeh_font_and_punctuation():
    text = "QUYÕT ®ÞNH VÒ VIÖC BAN HµNH QUY CHÕ\nSè: 12/Q§-UBND\nHµ Néi – 2018, c¬ chÕ “mét cöa” vµ “mét cöa liªn th«ng”…\n"
    assert detect_legacy_encoding(text) == "TCVN3"
    assert convert_legacy(text, "TCVN3") == (
        "QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH QUY CHẾ\nSố: 12/QĐ-UBND\nHà Nội – 2018, cơ chế “một cửa” và “một cửa liên thông”…\n"
    )


def test_mixed_unicode_and_legacy_lines_convert_only_the_legacy_ones():
    text = (
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Công ty Tân Phú\n"
        "QuyÕt ®Þnh sè 12/Q§-UBND vÒ viÖc ban hµnh quy chÕ phèi hîp c«ng t¸c.\n"
        "Sè: 12\n"
    )
    assert detect_legacy_encoding(text) == "TCVN3"
    assert convert_legacy(text, "TCVN3") == (
        "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Công ty Tân Phú\n"
        "Quyết định số 12/QĐ-UBND về việc ban hành quy chế phối hợp công tác.\n"
        "Số: 12\n"
    )


def test_docx_and_html_in_legacy_fonts_are_converted(tmp_path):
    import docx

    lines = ORIGINAL.splitlines()[:12]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(decode_8bit(encode_legacy(line, "TCVN3")))
    document.save(tmp_path / "ke-hoach.docx")
    text, warnings = read_document_text(tmp_path / "ke-hoach.docx")
    assert [ln for ln in text.splitlines() if ln] == [ln for ln in lines if ln]
    assert warnings == ["tệp dùng bảng mã TCVN3 (ABC), đã chuyển sang Unicode"]

    body = "".join(f"<p>{line}</p>\n" for line in ORIGINAL.splitlines()[18:40])
    page = f"<html><head><meta charset='windows-1252'></head><body><article>{body}</article></body></html>"
    (tmp_path / "tin.html").write_bytes(encode_legacy(page, "VNI"))
    text, warnings = read_document_text(tmp_path / "tin.html")
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày" in text
    assert warnings == ["tệp dùng bảng mã VNI (VNI-Windows), đã chuyển sang Unicode"]


def test_legacy_files_load_beside_good_ones(tmp_path):
    for name in ("legacy-tcvn3.txt", "legacy-vni.txt", "unicode-with-middot.txt", "utf8-truncated.txt"):
        shutil.copy(DOCS / name, tmp_path / name)
    corpus = load_corpus(tmp_path)
    assert corpus.problems == []
    assert len(corpus.documents) == 4
