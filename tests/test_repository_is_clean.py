"""No file of the repository keeps the conflict markers of a merge (a Dockerfile once did)."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(rb"^(<<<<<<< |>>>>>>> |=======$)", re.MULTILINE)


def test_no_tracked_file_holds_conflict_markers():
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    marked = []
    for name in filter(None, files):
        path = ROOT / name.decode()
        if path.is_file() and path.stat().st_size < 2_000_000 and MARKER.search(path.read_bytes()):
            marked.append(name.decode())
    assert marked == []
