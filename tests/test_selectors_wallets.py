"""Crypto wallets are taken only when their checksum holds: real addresses in, look-alikes out."""

import hashlib

import pytest

from identifiers.extraction import WALLET, Found, selectors_in_text
from identifiers.wallets import keccak256, wallet


def test_keccak256_gives_the_published_digests():
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"


def test_keccak256_is_not_sha3_256():
    # Ethereum and Monero use the pre-standard padding: SHA3-256 of the same input differs.
    assert keccak256(b"abc") != hashlib.sha3_256(b"abc").digest()


@pytest.mark.parametrize(
    ("address", "value"),
    [
        # Bitcoin: the genesis block's P2PKH address, a P2SH address, BIP-173 and BIP-350 examples.
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
         "btc:bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
         "btc:bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"),
        ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "btc:bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"),
        # Ethereum: the EIP-55 examples (mixed case checksummed), and the unchecksummed forms.
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "eth:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
        ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "eth:0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
        ("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "eth:0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"),
        ("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "eth:0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "eth:0x52908400098527886e0f7030069857d2e4169ee7"),
        ("0xde709f2102306220921060314715629080e2fb77", "eth:0xde709f2102306220921060314715629080e2fb77"),
        # Tron (base58check, 0x41) and Monero (the Monero project's donation address).
        ("TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7", "trx:TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"),
        ("4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge",
         "xmr:4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge"),
    ],
)
def test_a_checksum_valid_address_is_a_wallet(address, value):
    assert wallet(address) == value
    assert selectors_in_text(f"Payment only to {address}, no cash.") == {Found(WALLET, value)}


@pytest.mark.parametrize(
    "address",
    [
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # genesis address, last character changed
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf",  # too short
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # bech32 checksum broken
        "bc1qw508d6qejxtdg4y5r3zarvary0c5XW7KV8F3T4",  # mixed case
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with a bech32 (not bech32m) checksum
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",  # testnet: not a mainnet wallet
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  # EIP-55 example with one letter's case flipped
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",  # 39 hex digits
        "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8",  # Tron checksum broken
        "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rgf",
        "TheQuickBrownFoxJumpsOverTheLazyDog",  # base58-looking prose
    ],
)
def test_a_look_alike_with_a_wrong_checksum_is_not_a_wallet(address):
    assert wallet(address) is None
    assert {f for f in selectors_in_text(f"see {address}") if f.kind == WALLET} == set()


def test_a_transaction_hash_is_not_an_ethereum_address():
    tx = "0x" + "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed" * 2 + "00000000"
    assert {f for f in selectors_in_text(f"tx {tx}") if f.kind == WALLET} == set()


def test_an_address_inside_an_explorer_link_is_taken_as_a_wallet_too():
    found = selectors_in_text("https://blockchair.com/bitcoin/address/1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert Found(WALLET, "btc:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa") in found
