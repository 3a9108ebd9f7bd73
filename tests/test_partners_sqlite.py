"""The partners' formats on the embedded SQLite that `make run` serves: a watch list imported by one demo
team meets another team's finding at once (jobs run in-process after the commit), and the demo operation
exports as STIX and MISP."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json
from django.core.management import call_command
from demo import seeding as demo
from findings.models import Hit, Selector
from operations.models import Membership
from partners.exports import misp_export, stix_export
from partners.scope import operation_scope
from partners.watch_lists import watch_list_import

call_command("migrate", verbosity=0)
call_command("seed_demo", stdout=open("/dev/null", "w"))
analysts = Membership.objects.filter(operation__code=demo.OPERATION_CODE, role="analyst").select_related("user")
held = Selector.objects.filter(operation__code=demo.OPERATION_CODE, kind="phone").first()
importer = next(m for m in analysts if m.team != held.team)
result = watch_list_import(user=importer.user, operation=importer.operation, name="Demo partner list",
                           data=(held.value + "\\n").encode())
coordinator = Membership.objects.filter(operation__code=demo.OPERATION_CODE, role="coordinator").first()
scope = operation_scope(user=coordinator.user, operation=coordinator.operation, params={})
stix, misp = json.loads(stix_export(scope)), json.loads(misp_export(scope))
print(json.dumps({
    "created": result.created,
    "hits": Hit.objects.filter(value=held.value, selector_a__watch_list_entry__isnull=False).count()
            + Hit.objects.filter(value=held.value, selector_b__watch_list_entry__isnull=False).count(),
    "stix_objects": len(stix["objects"]), "misp_attributes": len(misp["Event"]["Attribute"]),
}))
"""


def test_a_demo_watch_list_raises_its_hit_and_the_demo_exports_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SQLITE_PATH": str(tmp_path / "demo.sqlite3"), "ACTIONDAY_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True, timeout=300).stdout
    answer = json.loads(out.strip().splitlines()[-1])
    assert answer["created"] == 1
    assert answer["hits"] >= 1
    assert answer["stix_objects"] > 10 and answer["misp_attributes"] > 5
