"""Crypto wallet addresses, accepted only when their checksum holds.

The codecs and hashes are maintained libraries with their own test vectors: ``base58``
(base58check of Bitcoin and Tron), ``bech32m``, the packaged reference code of BIP-173/BIP-350
(native segwit: bech32 for v0, bech32m for v1+), and ``eth-hash`` on pycryptodome for the
pre-standard Keccak-256 that Ethereum (EIP-55) and Monero use. Only Monero's block-wise base58
has no library worth its weight: its short block split sits here, on ``base58``'s integer decoding.
"""

import re

import base58
import bech32m
from eth_hash.auto import keccak


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as used by Ethereum and Monero (not SHA3-256: the padding differs)."""
    return keccak(data)


def _b58check(text: str) -> bytes | None:
    """The payload of a base58check string, or None when its 4-byte double-SHA-256 digest fails."""
    try:
        return base58.b58decode_check(text)
    except ValueError:
        return None


def segwit_address(text: str) -> str | None:
    """A Bitcoin native segwit address (BIP-173 bech32 for v0, BIP-350 bech32m for v1+), lower case."""
    try:
        bech32m.decode("bc", text)
    except bech32m.DecodeError:  # a wrong checksum, length, version or case mix; another network
        return None
    return text.lower()


def bitcoin_legacy_address(text: str) -> str | None:
    """A P2PKH (1…) or P2SH (3…) mainnet address whose base58check digest holds."""
    payload = _b58check(text)
    if payload is None or len(payload) != 21 or payload[0] not in (0x00, 0x05):
        return None
    return text


def ethereum_address(text: str) -> str | None:
    """``0x`` + 40 hex digits, in lower case. All-lower and all-upper forms carry no checksum and are
    accepted; a mixed-case address must match its EIP-55 checksum."""
    if not re.fullmatch(r"0[xX][0-9a-fA-F]{40}", text):
        return None
    digits = text[2:]
    lower = digits.lower()
    if digits not in (lower, digits.upper()):
        digest = keccak256(lower.encode("ascii")).hex()
        expected = "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))
        if digits != expected:
            return None
    return "0x" + lower


def tron_address(text: str) -> str | None:
    """A Tron address: base58check of 0x41 + 20 bytes (it starts with T)."""
    payload = _b58check(text)
    if payload is None or len(payload) != 21 or payload[0] != 0x41:
        return None
    return text


# Monero base58 works on 8-byte blocks, each written as 11 characters (the last block shorter).
_XMR_BLOCK_CHARS = [0, 2, 3, 5, 6, 7, 9, 10, 11]
# Mainnet network bytes: standard address, integrated address, subaddress.
_XMR_PREFIXES = {18: 69, 19: 77, 42: 69}


def _monero_b58decode(text: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(text), 11):
        block = text[start : start + 11]
        if len(block) not in _XMR_BLOCK_CHARS:
            return None
        size = _XMR_BLOCK_CHARS.index(len(block))
        try:
            number = base58.b58decode_int(block)
        except ValueError:
            return None
        if number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def monero_address(text: str) -> str | None:
    """A Monero mainnet address (standard, subaddress or integrated) whose Keccak checksum holds."""
    raw = _monero_b58decode(text)
    if raw is None or not raw or _XMR_PREFIXES.get(raw[0]) != len(raw):
        return None
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return text


def wallet(text: str) -> str | None:
    """The selector value (``chain:address``) of a wallet address, or None if it is not a valid one."""
    text = text.strip()
    if text[:2] in ("0x", "0X"):
        value = ethereum_address(text)
        return f"eth:{value}" if value else None
    if text[:3].lower() == "bc1":
        value = segwit_address(text)
        return f"btc:{value}" if value else None
    if text[:1] in ("1", "3"):
        value = bitcoin_legacy_address(text)
        return f"btc:{value}" if value else None
    if text[:1] == "T":
        value = tron_address(text)
        return f"trx:{value}" if value else None
    if text[:1] in ("4", "8"):
        value = monero_address(text)
        return f"xmr:{value}" if value else None
    return None
