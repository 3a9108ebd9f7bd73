"""The house's layout: apps depend downwards only (.importlinter), and jobs are sent by name.

``lint-imports`` runs in ``make test`` before pytest; these tests keep the contract itself honest and
check what import-linter cannot express: no module outside the Celery wiring imports a tasks module.
"""

import ast
import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def app_packages() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config["importlinter"]["root_packages"].split()


def test_every_app_of_the_project_is_in_the_layering():
    installed = [line.strip().strip('",') for line in (ROOT / "config/settings.py").read_text().splitlines()]
    folders = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert folders == set(app_packages())
    assert all(app in installed for app in folders - {"capture", "identifiers", "jobs", "spreadsheets", "config"})


def test_the_layering_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_imports_a_tasks_module_jobs_go_by_name():
    offenders = []
    for package in app_packages():
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "tasks.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                if any(n.endswith(".tasks") or n == "tasks" for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
