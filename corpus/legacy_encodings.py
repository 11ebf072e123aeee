"""Vietnamese text typed in the legacy font encodings TCVN3 (ABC) and VNI, converted to Unicode NFC.

Before Unicode, Vietnamese documents were typed in 8-bit "font encodings": the letters live in the
upper half of the byte table and a matching font draws them. Read as Windows-1252 (or saved again as
UTF-8 after such a reading) the text shows as ``QuyÕt ®Þnh`` (TCVN3) or ``Quyeát ñònh`` (VNI).

Sources of the tables (``_TABLE`` below, one row per letter pair):

* TCVN3 / ABC: the code table of TCVN 5712:1993 (VSCII, also registered as ISO-IR-180), in its full
  form VN1 as glibc/libiconv ship it under the name ``TCVN5712-1`` (a test checks the table against
  it). Every ``.VnTime`` font uses its subset VN3: the 67 lower-case letters (A8–AE, B5–FE) and
  Ă Â Ê Ô Ơ Ư Đ (A1–A7). The standard puts the toned capitals at AF, BA, BF–C5, CD, D9–DB, E0, F0,
  FF, 80–9F and a few C0 cells, and combining tone marks at B0–B4. In 80–9F Windows-1252 has the
  punctuation documents use (… ‘ ’ “ ” • – —); those stay punctuation unless the text shows the
  full table in use and the word needs the capital. ``.VnTimeH`` fonts draw the lower-case codes as
  capitals; :func:`convert_legacy` restores the case of lines typed that way.
* VNI: the VNI Windows font table (VNI-Times and the other VNI-Win fonts of VNI Software): a base
  letter a e o u y followed by one modifier byte (ù ø û õ ï tone marks; â circumflex; ê breve;
  á à å ã ä circumflex with a tone; é è ú ü ë breve with a tone), the single bytes ô ö ñ for ơ ư đ
  (which take the tone modifiers too), and single bytes for the toned i and for ỵ. Upper-case
  letters use the upper-case base and modifier (``AÙ`` = Á).

Columns of ``_TABLE``: Unicode letter, TCVN3 byte (hex), VNI sequence, then the same for the
upper-case letter. The inverse mappings (Unicode to legacy) are derived from the same rows.

Detection is by scoring, never by the mere presence of a character: each word that contains a
non-ASCII character is checked against Vietnamese syllable structure (onset + rhyme + one tone that
fits the rhyme) before and after conversion; a table is chosen only when it turns mostly invalid
words into mostly valid ones. A Unicode text with "·", "ß", "©" or "«»" is therefore left alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import combinations

_TABLE = """
à B5 aø  À 80 AØ
ả B6 aû  Ả 81 AÛ
ã B7 aõ  Ã 82 AÕ
á B8 aù  Á 83 AÙ
ạ B9 aï  Ạ 84 AÏ
ă A8 aê  Ă A1 AÊ
ằ BB aè  Ằ AF AÈ
ẳ BC aú  Ẳ BA AÚ
ẵ BD aü  Ẵ BF AÜ
ắ BE aé  Ắ C0 AÉ
ặ C6 aë  Ặ 85 AË
â A9 aâ  Â A2 AÂ
ầ C7 aà  Ầ C1 AÀ
ẩ C8 aå  Ẩ C2 AÅ
ẫ C9 aã  Ẫ C3 AÃ
ấ CA aá  Ấ C4 AÁ
ậ CB aä  Ậ 86 AÄ
è CC eø  È 87 EØ
ẻ CE eû  Ẻ 88 EÛ
ẽ CF eõ  Ẽ 89 EÕ
é D0 eù  É 8A EÙ
ẹ D1 eï  Ẹ 8B EÏ
ê AA eâ  Ê A3 EÂ
ề D2 eà  Ề C5 EÀ
ể D3 eå  Ể CD EÅ
ễ D4 eã  Ễ D9 EÃ
ế D5 eá  Ế DA EÁ
ệ D6 eä  Ệ 8C EÄ
ì D7 ì   Ì 8D Ì
ỉ D8 æ   Ỉ 8E Æ
ĩ DC ó   Ĩ 8F Ó
í DD í   Í 90 Í
ị DE ò   Ị 91 Ò
ò DF oø  Ò 92 OØ
ỏ E1 oû  Ỏ 93 OÛ
õ E2 oõ  Õ 94 OÕ
ó E3 où  Ó 95 OÙ
ọ E4 oï  Ọ 96 OÏ
ô AB oâ  Ô A4 OÂ
ồ E5 oà  Ồ DB OÀ
ổ E6 oå  Ổ E0 OÅ
ỗ E7 oã  Ỗ F0 OÃ
ố E8 oá  Ố FF OÁ
ộ E9 oä  Ộ 97 OÄ
ơ AC ô   Ơ A5 Ô
ờ EA ôø  Ờ 98 ÔØ
ở EB ôû  Ở 99 ÔÛ
ỡ EC ôõ  Ỡ 9A ÔÕ
ớ ED ôù  Ớ 9B ÔÙ
ợ EE ôï  Ợ 9C ÔÏ
ù EF uø  Ù 9D UØ
ủ F1 uû  Ủ 9E UÛ
ũ F2 uõ  Ũ 9F UÕ
ú F3 uù  Ú 01 UÙ
ụ F4 uï  Ụ 02 UÏ
ư AD ö   Ư A6 Ö
ừ F5 öø  Ừ 04 ÖØ
ử F6 öû  Ử 05 ÖÛ
ữ F7 öõ  Ữ 06 ÖÕ
ứ F8 öù  Ứ 11 ÖÙ
ự F9 öï  Ự 12 ÖÏ
ỳ FA yø  Ỳ 13 YØ
ỷ FB yû  Ỷ 14 YÛ
ỹ FC yõ  Ỹ 15 YÕ
ý FD yù  Ý 16 YÙ
ỵ FE î   Ỵ 17 Î
đ AE ñ   Đ A7 Ñ
"""

# TCVN 5712:1993 B0–B4: combining tone marks written after the vowel they belong to.
_TCVN3_TONE_MARKS = {0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301", 0xB4: "\u0323"}

ENCODINGS = ("TCVN3", "VNI")
ENCODING_NAMES = {"TCVN3": "TCVN3 (ABC)", "VNI": "VNI (VNI-Windows)"}
_ALIASES = {"TCVN3": "TCVN3", "TCVN": "TCVN3", "ABC": "TCVN3", "VN3": "TCVN3", "VNI": "VNI", "VNI-WIN": "VNI"}


def _rows() -> list[tuple[str, int, str]]:
    rows = []
    for line in _TABLE.strip().splitlines():
        lower, lower_code, lower_vni, upper, upper_code, upper_vni = line.split()
        rows += [(lower, int(lower_code, 16), lower_vni), (upper, int(upper_code, 16), upper_vni)]
    return rows


ROWS = _rows()
#: Every precomposed Vietnamese letter (134: 67 lower-case, 67 upper-case).
VIETNAMESE_LETTERS = frozenset(letter for letter, _, _ in ROWS)
TCVN3_TO_UNICODE: dict[int, str] = {code: letter for letter, code, _ in ROWS}
UNICODE_TO_TCVN3: dict[str, int] = {letter: code for letter, code, _ in ROWS}
UNICODE_TO_VNI: dict[str, str] = {letter: vni for letter, _, vni in ROWS}


def _vni_sequences() -> dict[str, str]:
    """VNI sequences to letters; a base and modifier typed in different cases take the case of the base."""
    table: dict[str, str] = {}
    for letter, _, vni in ROWS:
        table[vni] = letter
        if len(vni) == 2:
            base, modifier = vni
            table[base + modifier.swapcase()] = letter
    return table


VNI_TO_UNICODE: dict[str, str] = _vni_sequences()
_VNI_PATTERN = re.compile("|".join(map(re.escape, sorted(VNI_TO_UNICODE, key=len, reverse=True))))

# Windows-1252 shows the bytes 80–9F as punctuation and a few letters; 81 8D 8F 90 9D are undefined
# there and come through as the C1 control characters U+0081 etc.
_CP1252_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))
_CP1252_HIGH = {bytes([b]).decode("cp1252"): b for b in range(0x80, 0xA0) if b not in _CP1252_UNDEFINED}
_BYTE_OF_CHAR = {**{chr(b): b for b in range(256)}, **_CP1252_HIGH}
# Of those, the punctuation Vietnamese documents do use (… ‘ ’ “ ” • – —) is read as a VN1 capital only
# where the word needs it; the rest (€ ƒ ™ Œ ž …) is too rare in documents and is always the capital.
_TCVN3_PUNCTUATION = frozenset("…‘’“”•–—")
# Characters that in TCVN3 text can only be a toned capital (VN1/VN2), the sign that the text was typed with
# the full table and that … ‘ ’ “ ” • – — may be capitals as well.
_VN1_CAPITALS = frozenset(
    ch
    for ch, code in _BYTE_OF_CHAR.items()
    if code in TCVN3_TO_UNICODE
    and TCVN3_TO_UNICODE[code].isupper()
    and not 0xA1 <= code <= 0xA7
    and ch not in _TCVN3_PUNCTUATION
)


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_CHECKED_TONES = {"\u0301", "\u0323"}  # the only tones a syllable ending in p, t, c, ch can carry
_VOWELS = frozenset("aeiouyAEIOUY")
# Letters only Unicode Vietnamese has (never produced by reading legacy bytes): ă đ ĩ ũ ơ ư and U+1EA0–U+1EF9.
_UNICODE_ONLY = frozenset("ĂăĐđĨĩŨũƠơƯư") | frozenset(map(chr, range(0x1EA0, 0x1EFA)))
# Latin-1 letters a Unicode Vietnamese text uses as they are.
_LATIN1_VIETNAMESE = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")

# Vietnamese syllable structure (toneless spelling): an optional onset, then a rhyme.
_ONSET_TABLE = "ngh ng gh gi kh ph th tr ch nh qu b c d đ g h k l m n p r s t v x"
_RHYME_TABLE = """
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oo ooc oong
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u uc ui um un ung up ut ua uân uâng uât uây uê uêch uênh uơ uôc uôi uôm uôn uông uôt
uy uya uych uyên uyêt uynh uyt uyu
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
"""
_ONSETS = _ONSET_TABLE.split()
_RHYMES = _RHYME_TABLE.split()
_RHYMES += [r[1:] for r in _RHYMES if r.startswith("iê")]  # after "gi" the i of iê is not written: giếng, giết
_SYLLABLE = re.compile(
    "(?:{})?({})".format(*("|".join(sorted(set(t), key=len, reverse=True)) for t in (_ONSETS, _RHYMES)))
)
# A word for scoring: a run of anything but white space, ASCII digits/punctuation and general punctuation.
_TOKEN = re.compile(r"[^\s\x00-\x40\x5b-\x60\x7b-\x7f\u2000-\u206f\u00a0]+")
_WORD = re.compile(r"[^\W\d_]+")
_LETTER_RUN = re.compile(r"(?:[^\W\d_]|[…‘’“”•–—])+")
_SAMPLE_CHARS = 30_000  # legacy text is encoded throughout; its first pages decide


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """True if ``word`` is a well-formed Vietnamese syllable, the yardstick that tells converted text from mojibake."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    match = _SYLLABLE.fullmatch(bare)
    if not match:
        return False
    return not (tones and match[1].endswith(("p", "t", "c", "ch")) and tones[0] not in _CHECKED_TONES)


def _canonical(encoding: str) -> str:
    try:
        return _ALIASES[encoding.upper()]
    except KeyError:
        raise ValueError(f"unknown legacy encoding {encoding!r}; expected one of {ENCODINGS}") from None


def _tcvn3_letter(ch: str) -> str:
    return TCVN3_TO_UNICODE[_BYTE_OF_CHAR[ch]]


def _resolve_punctuation(run: str) -> str:
    """Read the … ‘ ’ “ ” • – — of one word as VN1 capitals only where the word needs them.

    "C—NG" is CỘNG and "GI“I" is GIỎI, but "“Anh", "Nam’s" and a lone "–" keep their punctuation: among
    the readings whose pieces are all syllables, the one with fewest pieces, then fewest capitals, wins;
    when there is none, all stay punctuation.
    """
    spots = [i for i, ch in enumerate(run) if ch in _TCVN3_PUNCTUATION]
    if not spots or len(spots) > 6:
        return run
    best: tuple[int, int, str] | None = None
    for letters in range(len(spots) + 1):
        for chosen in combinations(spots, letters):
            reading = "".join(_tcvn3_letter(ch) if i in chosen else ch for i, ch in enumerate(run))
            pieces = "".join(" " if ch in _TCVN3_PUNCTUATION else ch for ch in reading).split()
            if all(is_vietnamese_syllable(piece) for piece in pieces) and (best is None or len(pieces) < best[0]):
                best = (len(pieces), letters, reading)
    return best[2] if best else run


def _convert_tcvn3(line: str, vn1: bool) -> str:
    out: list[str] = []
    for ch in line:
        code = _BYTE_OF_CHAR.get(ch)
        if code is None or ch in _TCVN3_PUNCTUATION:
            out.append(ch)
        elif code in TCVN3_TO_UNICODE:
            out.append(TCVN3_TO_UNICODE[code])
        elif code in _TCVN3_TONE_MARKS and out and unicodedata.normalize("NFD", out[-1])[0] in _VOWELS:
            out.append(_TCVN3_TONE_MARKS[code])
        else:
            out.append(ch)
    converted = "".join(out)
    if vn1 and any(ch in _TCVN3_PUNCTUATION for ch in converted):
        converted = _LETTER_RUN.sub(lambda m: _resolve_punctuation(m[0]), converted)
    return unicodedata.normalize("NFC", converted)


def _has_vn1_capitals(text: str) -> bool:
    """Whether the text uses the toned capitals of the full TCVN 5712 table, which .VnTime (VN3) text never has."""
    return any(ch in _VN1_CAPITALS for ch in text)


def _convert_vni(line: str) -> str:
    return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m[0]], line))


def _restore_capitals(line: str) -> str:
    """Capitalise a line typed in a .VnTimeH font, whose capitals were typed as the small-letter codes.

    Such a line has capital ASCII letters only and converts to words like "QUYếT" or "địNH". It is
    capitalised when two words, or one word not merely at its end ("KTTHTú" is initials), are like that.
    """
    if any(c.islower() and c.isascii() for c in line):
        return line
    odd = [
        w
        for w in _WORD.findall(line)
        if any(c.isupper() and c.isascii() for c in w)
        and any(c.islower() and not c.isascii() for c in w)
        and not (w[0].isupper() and w[1:].islower())
    ]
    if len(odd) >= 2 or any(c.islower() and not c.isascii() for w in odd for c in w[:-1]):
        return "".join(c.upper() if c in VIETNAMESE_LETTERS else c for c in line)
    return line


def _convert_line(line: str, encoding: str, vn1: bool = True) -> str:
    converted = _convert_tcvn3(line, vn1) if encoding == "TCVN3" else _convert_vni(line)
    return _restore_capitals(converted) if converted != line else line


@lru_cache(maxsize=65536)
def _convert_word(word: str, encoding: str) -> str:
    return _convert_line(word, encoding)


def _valid_count(words: list[str]) -> int:
    return sum(1 for w in words if is_vietnamese_syllable(w))


def _line_kind(line: str, encoding: str, vn1: bool) -> str:
    """In a text that mixes Unicode and legacy lines: "unicode", "legacy", "same" (nothing to convert) or "unsure"."""
    if any(c in _UNICODE_ONLY for c in line):
        return "unicode"
    converted = _convert_line(line, encoding, vn1)
    if converted == line:
        return "same"
    before = _valid_count(_scored_words(line))
    after = _valid_count(_scored_words(converted))
    if after != before:
        return "legacy" if after > before else "unicode"
    # Same score: a word holding a character Unicode Vietnamese never uses (® § ¸ µ …) settles it.
    if any(not c.isascii() and c not in _LATIN1_VIETNAMESE for w in _candidate_words(line) for c in w):
        return "legacy"
    return "unsure"


def convert_legacy(text: str, encoding: str) -> str:
    """Convert TCVN3 or VNI text to Unicode NFC, so legacy documents index as words and not as mojibake.

    ``text`` is the legacy bytes as Windows-1252 (or Latin-1) shows them, whether read from an 8-bit file
    or from a file saved again as UTF-8. When the text also holds Unicode Vietnamese lines (a document
    edited over the years in two fonts), only the legacy lines are converted; a line that could be
    either ("Sè: 12") follows the nearest line before it, or else after it, that could not.
    """
    encoding = _canonical(encoding)
    text = unicodedata.normalize("NFC", text)
    lines = text.splitlines(keepends=True)
    vn1 = encoding == "TCVN3" and _has_vn1_capitals(text)
    if not any(c in _UNICODE_ONLY for c in text):
        return unicodedata.normalize("NFC", "".join(_convert_line(line, encoding, vn1) for line in lines))
    kinds = [_line_kind(line, encoding, vn1) for line in lines]
    previous = next((k for k in kinds if k in ("legacy", "unicode")), "legacy")
    out = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind in ("legacy", "unicode"):
            previous = kind
        convert = kind == "legacy" or (kind == "unsure" and previous == "legacy")
        out.append(_convert_line(line, encoding, vn1) if convert else line)
    return unicodedata.normalize("NFC", "".join(out))


def _scored_words(text: str) -> list[str]:
    """Words with a non-ASCII character, lone symbols ("·", "©") left out: the words a table can change."""
    return [w for w in _TOKEN.findall(text) if not w.isascii() and (len(w) > 1 or w.isalpha())]


def _candidate_words(text: str) -> list[str]:
    """Scored words without a Unicode-only letter: those that may be legacy text."""
    return [w for w in _scored_words(text) if not any(c in _UNICODE_ONLY for c in w)]


def legacy_scores(text: str) -> dict[str, tuple[int, int, int]]:
    """Per table: (candidate words, valid syllables before, valid after), the evidence the detector weighs."""
    words = _candidate_words(text[:_SAMPLE_CHARS])
    before = _valid_count(words)
    scores = {}
    for encoding in ENCODINGS:
        after = sum(1 for w in words if is_vietnamese_syllable(_convert_word(w, encoding)))
        scores[encoding] = (len(words), before, after)
    return scores


def detect_legacy_encoding(text: str) -> str | None:
    """Return "TCVN3" or "VNI" when converting with that table turns mojibake into Vietnamese, else None."""
    best, best_after = None, 0
    for encoding, (total, before, after) in legacy_scores(text).items():
        gain = after - before
        if gain >= max(3, 0.3 * total) and after >= 0.6 * total and after > best_after:
            best, best_after = encoding, after
    return best


def syllable_ratio(text: str) -> float:
    """Share of non-ASCII words that are Vietnamese syllables, to compare two readings of the same bytes."""
    words = [w for w in _TOKEN.findall(text[:_SAMPLE_CHARS]) if not w.isascii()]
    return _valid_count(words) / len(words) if words else 0.0


_LATIN1_TO_CP1252 = {b: ch for ch, b in _CP1252_HIGH.items()}


def decode_8bit(data: bytes) -> str:
    """Bytes as Windows-1252 shows them (undefined bytes as C1 controls), the form legacy text reaches us in."""
    return data.decode("latin-1").translate(_LATIN1_TO_CP1252)


def encode_legacy(text: str, encoding: str) -> bytes:
    """Unicode text as the 8-bit bytes a TCVN3 or VNI font file holds, for fixtures and round-trip checks."""
    encoding = _canonical(encoding)
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if encoding == "TCVN3" and ch in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[ch])
        elif encoding == "VNI" and ch in UNICODE_TO_VNI:
            out += UNICODE_TO_VNI[ch].encode("cp1252")
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def legacy_warning(encoding: str) -> str:
    """The maintainer's warning for a converted file, naming the table so a wrong guess can be spotted."""
    return f"tệp dùng bảng mã {ENCODING_NAMES[_canonical(encoding)]}, đã chuyển sang Unicode"


def convert_if_legacy(text: str) -> tuple[str, list[str]]:
    """Detect and convert legacy font text, with a warning naming the table; the one entry point readers use."""
    encoding = detect_legacy_encoding(text)
    if encoding is None:
        return text, []
    return convert_legacy(text, encoding), [legacy_warning(encoding)]
