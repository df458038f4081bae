"""Decoding a text file's bytes, and refusing what decodes only as garbage (issue 14 point 6).

A file that is not UTF-8 is read as Windows-1252, the encoding Excel uses for "CSV" on Western
systems. Text in a multi-byte encoding (Shift-JIS, GBK, Big5, EUC-KR) also "decodes" that way,
but only as mojibake (``ƒAƒNƒ}`` for ``アクメ``): such a file is refused with the line where the
garbage starts, never stored. Every refusal says where (line and byte) and what to do.
"""

from __future__ import annotations

import re

from accountplan.ingest.errors import ImportFailed

UTF8_BOM = b"\xef\xbb\xbf"
#: Multi-byte encodings a non-UTF-8 file may really be in, and their names for a person.
MULTIBYTE = [
    ("cp932", "Japanese (Shift-JIS)"),
    ("gbk", "Chinese (GBK)"),
    ("big5", "Chinese (Big5)"),
    ("euc_kr", "Korean (EUC-KR)"),
]
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SAVE_AS = "Save it as “CSV UTF-8” (Excel: File › Save As) and import it again."


def where(data: bytes, offset: int) -> str:
    """``line 3, byte 41`` for a byte offset in ``data`` (line 1 is the header)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return f"line {line}, byte {offset - start + 1} (0x{data[offset]:02X})"


def decode(data: bytes) -> tuple[str, str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Returns ``(text, encoding, note)``; raises :class:`ImportFailed` with where and what to do.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", "UTF-16 with byte order mark"
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                "The file starts with a UTF-16 byte order mark but is not valid UTF-16 "
                f"(at byte {exc.start + 1} of the file): it is damaged or was saved wrongly. "
                + SAVE_AS
            ) from exc
    if b"\x00" in data[:65536]:
        raise ImportFailed(
            "The file is not a text (CSV) file: it contains binary data. "
            "Upload a CSV (UTF-8 or Windows-1252) or an XLSX workbook."
        )
    if data.startswith(UTF8_BOM):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig", "UTF-8 with byte order mark"
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                "The file starts with a UTF-8 byte order mark but is not valid UTF-8 at "
                f"{where(data, exc.start + 3)}: part of it was saved in another encoding. "
                f"Nothing was read. {SAVE_AS}"
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    refuse_multibyte(data, first_bad)
    text = data.decode("latin-1")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > max(3, len(text) // 100):
        raise ImportFailed(
            "The file could not be decoded as text (not UTF-8, and as Windows-1252 it is full of "
            "control characters). Save it as CSV UTF-8 and upload it again."
        )
    undefined = data.decode("cp1252", errors="replace").find("\ufffd")  # 1 byte = 1 char
    if undefined >= 0:
        offset = undefined
        raise ImportFailed(
            f"The file is not UTF-8 and not Windows-1252: {where(data, offset)} is a byte no "
            f"Western encoding uses, so its text would be stored as garbage. {SAVE_AS}"
        )
    text = data.decode("cp1252")
    return text, "cp1252", "not valid UTF-8: decoded as Windows-1252"


def refuse_multibyte(data: bytes, first_bad: int) -> None:
    """Refuse a file that reads as text in a multi-byte encoding (it would be mojibake).

    The file must decode strictly in that encoding, give at least two CJK characters, and
    nearly all its bytes above 127 must be spent on them: Western text seldom does that (an
    accented letter followed by a space or a comma is not a valid double-byte character).
    """
    high = sum(1 for b in data if b > 127)
    for codec, name in MULTIBYTE:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        cjk = len(CJK.findall(text))
        if cjk >= 2 and cjk * 2 >= high * 0.9:
            raise ImportFailed(
                f"The file is not UTF-8: from {where(data, first_bad)} it reads as {name} text, "
                "which would be stored as garbage (mojibake) if read as Windows-1252. "
                f"Nothing was read. {SAVE_AS}"
            )
