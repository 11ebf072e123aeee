"""Facts read from real headers: table-converted, hard-wrapped, central and provincial issuers."""

import datetime as dt

import pytest

from corpus.facts import official_case, read_so_hieu, sentence_case
from corpus.loader import header_facts

# The header of a Lai Châu decision as a legal website publishes it: a two-column table
# flattened to '|' lines, bold marks, and "Số:" and the number on different lines.
LAI_CHAU = """|
**ỦY BAN NHÂN
DÂN **
TỈNH LAI CHÂU
--------
|
**CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số:
87/2025/QĐ-UBND
|
*Lai Châu, ngày
19 tháng 11 năm 2025*
|


**QUYẾT ĐỊNH**

QUY ĐỊNH THỰC HIỆN NẾP SỐNG VĂN MINH TRONG VIỆC CƯỚI,
VIỆC TANG TRÊN ĐỊA BÀN TỈNH LAI CHÂU

*Căn cứ Luật Tổ chức chính
quyền địa phương số 72/2025/QH15;*

**Điều 1. **Ban
hành kèm theo Quyết định này Quy định thực hiện nếp sống văn minh.
"""

# A ministry's decision: dated in Hà Nội, which must not make it a Hà Nội document.
MINISTRY = """|
**BỘ KHOA HỌC VÀ **
CÔNG NGHỆ
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 4001/QĐ-BKHCN
|
*Hà Nội, ngày 02
tháng 12 năm 2025 *
|

**QUYẾT ĐỊNH**

VỀ VIỆC CÔNG BỐ THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH VÀ BỊ BÃI BỎ
LĨNH VỰC HOẠT ĐỘNG KHOA HỌC VÀ CÔNG NGHỆ

**BỘ TRƯỞNG BỘ KHOA HỌC VÀ CÔNG NGHỆ**

*Căn cứ Nghị định số 55/2025/NĐ-CP ngày 02/3/2025 của Chính phủ;*
"""

# Thành phố Hồ Chí Minh, with the issuer split over two lines.
HCM = """|
**ỦY BAN NHÂN DÂN
**
THÀNH PHỐ HỒ CHÍ MINH
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
|
Số: 172/KH-UBND
|
*Thành phố Hồ Chí
Minh, ngày 18 tháng 11 năm 2025*
|

**KẾ HOẠCH**

TRIỂN
KHAI THI HÀNH LUẬT VIỆC LÀM TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH

Thực hiện Quyết định số 1850/QĐ-TTg ngày 27 tháng 8 năm 2025 của Thủ tướng Chính phủ.
"""

# Plain lines, as a converter without tables gives them.
BAC_NINH = """ỦY BAN NHÂN DÂN TỈNH BẮC NINH
Số: 78 /2025/QĐ-UBND
Bắc Ninh, ngày 21 tháng 11 năm 2025
QUYẾT ĐỊNH
BAN HÀNH QUY CHẾ TIẾP NHẬN PHẢN ÁNH KIẾN NGHỊ TỈNH BẮC NINH
Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp nhận phản ánh, kiến nghị.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Mai Sơn
"""


def test_number_and_date_in_separate_cells():
    facts = header_facts(LAI_CHAU)
    assert facts["so_hieu"] == "87/2025/QĐ-UBND"
    assert facts["ngay_ban_hanh"] == dt.date(2025, 11, 19)
    assert facts["tinh"] == "Lai Châu" and facts["cap_ban_hanh"] == "tỉnh"
    assert facts["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Lai Châu"
    assert facts["loai"] == "Quyết định"
    assert (
        facts["trich_yeu"]
        == "Quy định thực hiện nếp sống văn minh trong việc cưới, việc tang trên địa bàn tỉnh Lai Châu"
    )


def test_central_body_has_no_province_whatever_the_date_line_says():
    facts = header_facts(MINISTRY)
    assert facts["so_hieu"] == "4001/QĐ-BKHCN"
    assert facts["cap_ban_hanh"] == "trung ương"
    assert "tinh" not in facts
    assert facts["co_quan_ban_hanh"] == "Bộ trưởng Bộ Khoa học và Công nghệ"
    assert facts["ngay_ban_hanh"] == dt.date(2025, 12, 2)


def test_ho_chi_minh_city_on_two_lines():
    facts = header_facts(HCM)
    assert facts["tinh"] == "Hồ Chí Minh"
    assert facts["co_quan_ban_hanh"].endswith("Ủy ban nhân dân Thành phố Hồ Chí Minh")
    assert facts["so_hieu"] == "172/KH-UBND" and facts["loai"] == "Kế hoạch"


def test_plain_header_and_collective_signature():
    facts = header_facts(BAC_NINH)
    assert facts["so_hieu"] == "78/2025/QĐ-UBND"
    assert facts["tinh"] == "Bắc Ninh"
    assert facts["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert facts["trich_yeu"] == "Ban hành quy chế tiếp nhận phản ánh kiến nghị tỉnh Bắc Ninh"


@pytest.mark.parametrize(
    ("printed", "number"),
    [
        ("925 /QĐ-UBND", "925/QĐ-UBND"),
        ("5348/CT-CSV/vhướngdẫn thực hiện", "5348/CT-CSV"),
        ("2629/QĐ-TTg", "2629/QĐ-TTg"),
        ("81/VBHN-BNNMT |", "81/VBHN-BNNMT"),
        ("1675/NQ-UBTVQH15", "1675/NQ-UBTVQH15"),
        ("07/2022/QĐ- UBND", "07/2022/QĐ-UBND"),
    ],
)
def test_document_numbers(printed, number):
    assert read_so_hieu(printed) == number


def test_casing_of_issuers_and_titles():
    assert official_case("BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH") == "Bộ Văn hóa, Thể thao và Du lịch"
    assert official_case("BỘ CÔNG THƯƠNG") == "Bộ Công Thương"
    assert official_case("ỦY BAN THƯỜNG VỤ QUỐC HỘI") == "Ủy ban Thường vụ Quốc hội"
    assert sentence_case("NGHỊ QUYẾT SỐ 214/NQ-CP") == "Nghị quyết số 214/NQ-CP"
