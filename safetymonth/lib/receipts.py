"""Receipt codes (回执码) of public tip-offs, their slow hashes, and hashcash proof-of-work.

A receipt code is 16 digits: 15 random digits from ``secrets`` and a Luhn check digit, so a typo
is refused before any slow hash is computed. It is stored only as a salted scrypt hash; a short
keyed bucket (``lookup_bucket``) narrows the rows to try without revealing anything to someone who
holds the database but not the secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_LENGTH = 16
# scrypt cost: about 50 ms and 16 MiB on one core; a stolen table costs that per guess per row.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def new_code() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH - 1))
    return body + luhn_digit(body)


def normalise(text: str) -> str:
    """Digits only: people copy the code with spaces or dashes."""
    return "".join(ch for ch in text if ch.isdigit())


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


def grouped(code: str) -> str:
    """``1234 5678 9012 3456``, easier to read and copy."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_code(code: str, salt: str, n: int = SCRYPT_N) -> str:
    digest = hashlib.scrypt(code.encode(), salt=bytes.fromhex(salt), n=n, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return digest.hex()


def check_code(code: str, salt: str, expected: str, n: int = SCRYPT_N) -> bool:
    return hmac.compare_digest(hash_code(code, salt, n), expected)


def lookup_bucket(code: str, key: str) -> str:
    """Four hex characters of an HMAC of the code: one of 65,536 buckets."""
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()[:4]


def address_key(address: str, key: str, purpose: str) -> str:
    """An opaque cache key for a client address: a keyed hash, never the address itself."""
    return hmac.new(key.encode(), f"{purpose}:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        bits += 8 - byte.bit_length()
        break
    return bits


def pow_ok(challenge: str, nonce: str, bits: int) -> bool:
    """Hashcash: SHA-256 of ``challenge:nonce`` starts with ``bits`` zero bits."""
    if not nonce or len(nonce) > 32 or not nonce.isdigit():
        return False
    return leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= bits


def solve_pow(challenge: str, bits: int) -> str:
    """What the browser does (static/js/tipoffs.js); used by tests and scripts."""
    nonce = 0
    while not pow_ok(challenge, str(nonce), bits):
        nonce += 1
    return str(nonce)
