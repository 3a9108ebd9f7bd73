import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_is_valid():
    env = os.environ | {"SECRET_KEY": "x" * 50}
    result = subprocess.run(["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_compose_file_has_every_production_service():
    result = subprocess.run(
        ["docker-compose", "config", "--services"], cwd=ROOT, env=os.environ | {"SECRET_KEY": "x" * 50},
        capture_output=True, text=True,
    )
    assert set(result.stdout.split()) == {"postgres", "redis", "migrate", "web", "worker", "beat", "sequencer"}
