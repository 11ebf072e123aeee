"""Vietnam's provinces and centrally-run cities, to read them from headers and questions."""

from __future__ import annotations

import functools
import re

from corpus.normalize import fold_accents

PROVINCES = (
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cần Thơ",
    "Cao Bằng",
    "Đà Nẵng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Nội",
    "Hà Tĩnh",
    "Hải Dương",
    "Hải Phòng",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
    "Hồ Chí Minh",
)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold_accents(name).lower()).strip()


@functools.cache
def _pattern() -> re.Pattern[str]:
    names = sorted({_key(p) for p in PROVINCES}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")


_BY_KEY = {_key(p): p for p in PROVINCES}


def canonical_province(name: str) -> str | None:
    """The province's usual spelling for any casing or accent-less form of its name."""
    return _BY_KEY.get(_key(name))


def find_provinces(text: str) -> list[str]:
    """Provinces named in a text, in order, with or without diacritics."""
    found: list[str] = []
    for m in _pattern().finditer(_key(text)):
        name = _BY_KEY[m.group(1)]
        if name not in found:
            found.append(name)
    return found
