"""Mask personal data (ID, phone, bank-card numbers, e-mail) before anything is stored."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 10–19 digits, possibly split by spaces or dashes, an optional +86, an optional final X (ID cards)
_NUMBER = re.compile(r"(?<![\d])(?:\+?86[\s-]?)?\d(?:[\s-]?\d){9,18}(?:[\s-]?[xX])?(?![\d])")
_LONG_DIGITS = re.compile(r"\d{5,}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-character 身份证号 has a valid check character (GB 11643)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """Whether a card number passes the Luhn check."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _label(raw: str) -> str:
    compact = re.sub(r"[\s-]", "", raw).upper()
    if compact.startswith("+86"):
        compact = compact[3:]
    elif len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    if len(compact) == 11 and re.fullmatch(r"1[3-9]\d{9}", compact):
        return "[手机号]"
    if len(compact) == 18 and id_checksum_ok(compact):
        return "[身份证号]"
    if compact.isdigit() and 16 <= len(compact) <= 19 and luhn_ok(compact):
        return "[银行卡号]"
    if len(compact) in (15, 18):
        return "[证件号]"
    return "[号码]"


def mask(text: str) -> str:
    """The text with every long number and e-mail address replaced by a label."""
    text = _EMAIL.sub("[邮箱]", text)
    return _NUMBER.sub(lambda m: _label(m.group(0)), text)


def without_numbers(text: str) -> str:
    """The text with e-mail addresses and numbers of five or more digits blanked (for matching:
    a phone number or 12345 says nothing about the topic)."""
    return _LONG_DIGITS.sub(" ", _NUMBER.sub(" ", _EMAIL.sub(" ", text)))


def contains_personal_data(text: str) -> bool:
    """Whether masking would change the text."""
    return mask(text) != text
