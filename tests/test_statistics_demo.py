"""The demo operation's figures are the numbers its seed data was built to produce.

Worked out by hand from demo/seeding.py: 16 platforms on the four teams' checklists (the
escort directory checked by DE and FR counts once), 10 of them finished, 7 with indications;
9 URL rows of which one (the Berlin advert) was logged by DE and FR; 8 victims, one of them a
minor; 4 suspects; 4 cases, 2 referred (DE's, and RO's which went on to an investigation);
4 location rows of which two are the same Berlin flat spelt two ways; 3 phone numbers, one each in
DE's suspect notes, FR's and RO's location notes.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from demo import seeding as demo
from operations.models import Operation
from reports.statistics import compile_figures

DEMO_TOTALS = {
    "countries": 26,  # 19 EU and 7 third countries; Europol and Eurojust are agencies, not countries
    "agencies": 30,  # 26 national police forces + Europol + Eurojust + 2 Dutch authorities
    "experts": 75,  # 66 police experts + 4 Europol + 2 Eurojust + 2 prosecution + 1 labour inspectorate
    "platforms_monitored": 16,
    "platforms_checked": 10,
    "platforms_with_indications": 7,
    "dark_web_platforms_checked": 2,  # Hydra Bazaar (clean), Organ Exchange; Silk Row only planned
    "urls": 8,
    "social_accounts": 2,
    "persons_checked": 6,  # 2 accounts + 4 suspects
    "locations": 3,  # the Berlin flat (DE and FR, spelt differently), Paris, Timișoara
    "phone_numbers": 3,
    "entities_checked": 22,  # 10 platforms + 6 persons and usernames + 3 locations + 3 phone numbers
    "victims": 8,
    "minor_victims": 1,
    "perpetrators": 4,
    "cases": 4,
    "cases_referred": 2,
    "investigations_opened": 1,
    "indicators": 8,
}
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_demo_figures_match_what_the_seed_was_built_to_produce():
    call_command("seed_demo", stdout=StringIO())
    figures = compile_figures(Operation.objects.get(code=demo.OPERATION_CODE))
    assert figures["totals"] == DEMO_TOTALS
    assert figures["breakdowns"]["victims_by_nationality"] == {"UA": 5, "MD": 1, "RO": 1, "FR": 1}
    de = figures["per_team"]["DE"]
    assert (de["platforms_monitored"], de["platforms_checked"], de["urls"], de["victims"]) == (5, 3, 3, 3)
    escort = figures["per_focus_tag"]["Escort services"]
    assert (escort["cases"], escort["urls"], escort["victims"]) == (2, 4, 4)


def test_demo_figures_are_the_same_on_the_embedded_sqlite(tmp_path):
    """`make run` serves SQLite: the same command there prints the same figures."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SQLITE_PATH": str(tmp_path / "demo.sqlite3"), "ACTIONDAY_DATA_DIR": str(tmp_path / "data")}

    # One process: migrate the empty SQLite file, seed the demo, print the figures as JSON.
    script = (
        "from django.core.management import call_command as c; c('migrate', verbosity=0); "
        f"c('seed_demo', stdout=open('/dev/null', 'w')); c('compile_statistics', '{demo.OPERATION_CODE}', json=True)"
    )
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True, timeout=300).stdout
    figures = json.loads(out)
    assert figures["totals"] == DEMO_TOTALS
    assert figures["per_team"]["RO"]["investigations_opened"] == 1
