"""The watch-list benchmark (benchmarks/watch_list_import.py) keeps working at a small size: its generated
phone numbers and checksum-valid wallets import in all three formats, the same list again adds nothing, and
matching raises exactly the hits it expects. How long 10,000 entries take is measured there, not here."""

import json

import pytest

from benchmarks import watch_list_import

pytestmark = pytest.mark.django_db


def test_a_small_benchmark_imports_every_entry_and_raises_the_expected_hits(capsys):
    watch_list_import.main(["--entries", "200", "--held", "12"])  # raises SystemExit on a wrong count
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["created"] == {"list": 200, "stix": 200, "misp": 200}
    assert result["same_list_again_created"] == 0
    assert result["hits"] == result["hits_expected"] == 36
