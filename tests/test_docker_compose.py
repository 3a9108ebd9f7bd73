import os
import subprocess
from pathlib import Path

import yaml

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
    assert set(result.stdout.split()) == {"postgres", "redis", "migrate", "web", "worker", "beat", "sequencer",
                                          "capture-worker"}


def test_page_captures_have_a_worker_of_their_own_with_chromium_and_bounded_memory():
    result = subprocess.run(["docker-compose", "config"], cwd=ROOT, env=os.environ | {"SECRET_KEY": "x" * 50},
                            capture_output=True, text=True, check=True)
    services = yaml.safe_load(result.stdout)["services"]
    capture = services["capture-worker"]
    command = capture["command"]
    assert command[command.index("-Q") + 1] == "capture" and "--concurrency=1" in command
    assert capture["build"]["args"]["WITH_CHROMIUM"] == "1" and capture["mem_limit"]
    # The ordinary worker takes the default queue only: Celery listens to no other without -Q.
    assert "-Q" not in services["worker"]["command"] and "capture" not in " ".join(services["worker"]["command"])
    assert "WITH_CHROMIUM" in (ROOT / "Dockerfile").read_text()
