"""The workspace list on the embedded SQLite that `make run` serves.

SQLite allows no LIMIT inside the parts of a UNION, so the list reads each part of the access rule
on its own there (findings/workspace.py). Every demo member pages through the whole list, three
rows a page, and gets exactly the rows ``visible_to`` gives them, each once.
"""

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
from operations.models import Membership
from findings.workspace import KINDS, Cursor, Filters, workspace_feed

call_command("migrate", verbosity=0)
call_command("seed_demo", stdout=open("/dev/null", "w"))
answer = {}
for membership in Membership.objects.filter(operation__code=demo.OPERATION_CODE).select_related("user", "operation"):
    user, operation = membership.user, membership.operation
    seen, cursor = [], None
    while True:
        page = workspace_feed(user=user, operation=operation, membership=membership, filters=Filters(),
                              cursor=cursor, page_size=3)
        seen += [[row.kind, row.record.pk] for row in page.rows]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    expected = sorted([kind, pk] for kind, model in KINDS.items()
                      for pk in model.objects.visible_to(user).filter(operation=operation).values_list("pk", flat=True))
    answer[user.username] = {"seen": seen, "expected": expected}
print(json.dumps(answer))
"""


def test_every_demo_member_pages_through_exactly_what_they_may_see_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"SQLITE_PATH": str(tmp_path / "demo.sqlite3"), "ACTIONDAY_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT], cwd=ROOT, env=env,
                         check=True, capture_output=True, text=True, timeout=300).stdout
    answer = json.loads(out.strip().splitlines()[-1])
    assert len(answer) >= 5
    for username, lists in answer.items():
        assert len(lists["seen"]) == len({tuple(row) for row in lists["seen"]}), f"{username}: a row twice"
        assert sorted(lists["seen"]) == lists["expected"], username
        assert lists["expected"], f"{username} sees nothing: the check would prove nothing"
