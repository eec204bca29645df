"""Well-formed identifiers with their check characters, and masking of personal numbers.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters, the ninth to
  seventeenth being the organisation code of GB 11714-1997 with its own check character, the
  eighteenth a check character over the first seventeen (modulus 31).
- Container number, ISO 6346: owner code, category ``U``, six-digit serial, check digit.
- Resident identity number (居民身份证号码), GB 11643-1999: 17 digits and a check character
  (ISO 7064 MOD 11-2).
"""

from __future__ import annotations

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015 (no I, O, S, V, Z), valued 0 to 30 in this order."""
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def _alnum_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check(body: str) -> str:
    """Check character of an 8-character organisation code body (GB 11714-1997)."""
    total = sum(_alnum_value(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(body: str) -> str:
    """Check character of the first 17 characters of a unified social credit code."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc(division: str, org_body: str) -> str:
    """A unified social credit code of an enterprise (authority 9, type 1) in ``division``.

    ``division`` is the six-digit administrative division code (GB/T 2260), ``org_body`` the
    eight digits of the organisation code before its check character.
    """
    body = "91" + division + org_body + org_code_check(org_body)
    return body + uscc_check(body)


def uscc_valid(code: str) -> bool:
    """Whether ``code`` has 18 valid characters and both check characters right."""
    if len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return org_code_check(code[8:16]) == code[16] and uscc_check(code[:17]) == code[17]


ISO6346_VALUES = dict(
    zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [v for v in range(10, 39) if v % 11 != 0], strict=True)
)
"""Letter values of ISO 6346: 10 upwards, skipping the multiples of 11."""


def iso6346_check(body: str) -> int:
    """Check digit of the first ten characters of a container number (ISO 6346 Annex A)."""
    total = sum((ISO6346_VALUES[c] if c.isalpha() else int(c)) * 2**i for i, c in enumerate(body))
    return int(total % 11 % 10)


def container_number(owner: str, serial: int) -> str:
    """Container number of an owner code (three letters) and a serial (0 to 999,999)."""
    body = f"{owner}U{serial:06d}"
    return f"{body}{iso6346_check(body)}"


def id_number(division: str, birth: str, sequence: int) -> str:
    """Resident identity number: division code, birth date ``YYYYMMDD``, sequence, check."""
    body = f"{division}{birth}{sequence:03d}"
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def id_number_valid(number: str) -> bool:
    """Whether an 18-character identity number has the right check character."""
    body = number[:17]
    if len(number) != 18 or not body.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def mask_id_number(number: str) -> str:
    """Keep the division code and the last four characters: ``420100********123X``."""
    return number[:6] + "*" * 8 + number[14:]


def mask_phone(number: str) -> str:
    """Keep the first three and last four digits of a mobile number: ``138****1234``."""
    return number[:3] + "****" + number[-4:]
