"""How long a watch list of 10,000 phone numbers and wallets takes to import, and whether it raises the
hits it should.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python -m benchmarks.watch_list_import [--entries 10000]

Against the database DATABASE_URL names (migrated first; a throwaway one, as ``make bench`` starts): a
new operation in which team FR logged suspects whose notes hold ``--held`` of the list's identifiers
(and as many that are on no list). Team DE then imports the list — half German mobile numbers, half
checksum-valid wallets made with the same libraries that check them (Bitcoin P2PKH and P2SH, Tron:
base58check; Ethereum: EIP-55 with Keccak-256) — as a plain list, as a STIX 2.1 bundle and as a MISP
event, each into an operation of its own, as the import page or the API would (read, checked whole,
saved in one transaction). Then the same list again (nothing is added), and the matching that the sweep
job runs after the commit. Prints a table and one JSON line. The issue's bar: under 30 s for 10,000.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import base58  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from findings.models import Hit  # noqa: E402
from hits.matching import match_pending  # noqa: E402
from identifiers.wallets import keccak256  # noqa: E402
from intake.imports import import_findings  # noqa: E402
from operations.access import forget_access  # noqa: E402
from operations.models import Agency, Membership, Operation  # noqa: E402
from partners.watch_lists import watch_list_import  # noqa: E402


def _eip55(raw: bytes) -> str:
    lower = raw.hex()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower))


def identifiers(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(written form, selector value): half German mobile numbers, half wallets of four kinds."""
    phones = [(f"+49 151 {n // 10000:04d} {n % 10000:04d}", f"+49151{n:08d}")
              for n in rng.sample(range(10**8), count // 2)]
    wallets = []
    for index in range(count - len(phones)):
        body = rng.randbytes(20)
        kind = index % 4
        if kind == 3:
            address = _eip55(body)
            wallets.append((address, f"eth:{address.lower()}"))
        else:
            version, chain = [(b"\x00", "btc"), (b"\x05", "btc"), (b"\x41", "trx")][kind]
            address = base58.b58encode_check(version + body).decode()
            wallets.append((address, f"{chain}:{address}"))
    return phones + wallets


def as_stix(entries) -> bytes:
    objects = []
    for written, value in entries:
        if value.startswith("+"):
            objects.append({"type": "phone-number", "spec_version": "2.1", "value": value})
        else:
            objects.append({"type": "cryptocurrency-wallet", "spec_version": "2.1", "address": written,
                            "currency": value.split(":")[0].upper()})
    return json.dumps({"type": "bundle", "id": "bundle--6b1f0d2e-8f0e-4a6c-9c53-0f8d2f1a7e11",
                       "objects": objects}).encode()


def as_misp(entries) -> bytes:
    attributes, objects = [], []
    for written, value in entries:
        if value.startswith("+"):
            attributes.append({"type": "phone-number", "category": "Person", "value": written})
        elif value.startswith("btc:"):
            attributes.append({"type": "btc", "category": "Financial fraud", "value": written})
        else:
            objects.append({"name": "coin-address", "meta-category": "financial", "Attribute": [
                {"object_relation": "address-crypto", "type": "text", "value": written},
                {"object_relation": "symbol", "type": "text", "value": value.split(":")[0].upper()}]})
    return json.dumps({"Event": {"info": "benchmark", "Attribute": attributes, "Object": objects}}).encode()


def new_operation(stamp: str, name: str, users) -> Operation:
    lead, _ = Agency.objects.get_or_create(name="Dutch National Police", country="NL", defaults={"kind": "police"})
    operation = Operation.objects.create(code=f"BENCH-WL-{name}-{stamp}", name="Watch-list benchmark",
                                         lead_agency=lead, status=Operation.Status.ACTIVE,
                                         starts_at=dt.datetime(2027, 11, 22, 8, tzinfo=dt.UTC),
                                         ends_at=dt.datetime(2027, 11, 26, 18, tzinfo=dt.UTC))
    for user, team in users:
        Membership.objects.create(user=user, operation=operation, role=Membership.Role.ANALYST, team=team)
        forget_access(user)  # the rule keeps a user's memberships for the request; this is a new one
    return operation


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--held", type=int, default=300, help="identifiers of the list that team FR logged")
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    stamp = time.strftime("%Y%m%d%H%M%S")
    rng = random.Random(f"watch-list-{stamp}")  # fresh identifiers each run: no other run's hits
    entries = identifiers(args.entries, rng)
    users = get_user_model().objects
    de, _ = users.get_or_create(username="bench-wl-de")
    fr, _ = users.get_or_create(username="bench-wl-fr")
    match_pending()  # what earlier runs left unmatched is not this run's
    plain = "\n".join(written for written, _ in entries).encode()
    files = {"list": plain, "stix": as_stix(entries), "misp": as_misp(entries)}

    timings, created = {}, {}
    for fmt, data in files.items():
        operation = new_operation(stamp, fmt.upper(), [(de, "DE"), (fr, "FR")])
        started = time.perf_counter()
        result = watch_list_import(user=de, operation=operation, data=data, name=f"benchmark ({fmt})",
                                   filename=f"watch-list.{fmt}", format=fmt)
        timings[f"import_{fmt}"] = round(time.perf_counter() - started, 3)
        created[fmt] = result.created
    started = time.perf_counter()
    again = watch_list_import(user=de, operation=operation, data=files["misp"], format="misp")
    timings["same_list_again"] = round(time.perf_counter() - started, 3)

    # Team FR logged some of the identifiers (and others on no list) in the last operation.
    held = rng.sample(entries, args.held)
    others = identifiers(args.held, random.Random(f"elsewhere-{stamp}"))
    rows = "alias,notes\n" + "".join(
        f"Suspect {n},Contact: {written}\n" for n, (written, _) in enumerate(held + others))
    import_findings(user=fr, operation=operation, kind="suspects", data=rows.encode(), filename="suspects.csv")
    started = time.perf_counter()
    matched = match_pending()
    timings["matching"] = round(time.perf_counter() - started, 3)
    hits = Hit.objects.filter(operation=operation).count()
    # Each held identifier meets the three lists (one per operation, all DE's) once each.
    expected = 3 * args.held

    result = {
        "benchmark": "watch_list_import", "entries": len(entries), "phones": len(entries) // 2,
        "wallets": len(entries) - len(entries) // 2, "created": created, "same_list_again_created": again.created,
        "selectors_matched": matched, "hits": hits, "hits_expected": expected,
        "database": connection.vendor, "python": platform.python_version(), "cpus": os.cpu_count(), **timings,
    }
    print(f"watch list: {len(entries):,} identifiers "
          f"({result['phones']:,} phone numbers, {result['wallets']:,} wallets)")
    for fmt in files:
        print(f"  import as {fmt:5}      {timings['import_' + fmt]:7.2f} s   {created[fmt]:>6} selectors")
    print(f"  same list again    {timings['same_list_again']:7.2f} s   {again.created:>6} selectors")
    print(f"  matching           {timings['matching']:7.2f} s   {hits:>6} hits (expected {expected})")
    print(json.dumps(result))
    if hits != expected or any(n != len(entries) for n in created.values()) or again.created:
        raise SystemExit("the watch list did not raise the hits it should")


if __name__ == "__main__":
    main()
