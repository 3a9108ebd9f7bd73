"""`manage.py check --deploy` with production settings reports nothing, and what it cannot see holds:
secure cookies under the __Host- prefix, HSTS, the CSP. One check is silenced, with its reason."""

import os
import re
import secrets
import subprocess
import sys

from .conftest import ROOT

# What a real deployment sets (docker-compose.yml, README): a long random key, PostgreSQL, Redis, a host name.
PRODUCTION = {
    "ACTIONDAY_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://actionday:s3cret-db-pass@postgres:5432/actionday",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "actionday.example.eu",
    "CSRF_TRUSTED_ORIGINS": "https://actionday.example.eu",
    "AUDIT_CHECKPOINT_VERIFY_KEYS": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
}


def run(args, **env_vars):
    # Not the test run's own variables: DJANGO_ALLOW_ASYNC_UNSAFE (Playwright) has no place in a deployment.
    skip = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in skip}
    env = base | {"DJANGO_SETTINGS_MODULE": "config.settings"} | PRODUCTION | env_vars
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_no_issue_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_would_speak_up_about_a_weak_key():
    # The same run notices a problem when there is one: the command is really checking.
    weak_key = "short-but-32-characters-long-key"
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECRET_KEY=weak_key)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_the_one_silenced_check_has_its_reason_written_beside_it():
    settings_py = (ROOT / "config" / "settings.py").read_text()
    block = re.search(r"SILENCED_SYSTEM_CHECKS = \[(.*?)\n\]", settings_py, re.S).group(1)
    silenced = re.findall(r'^\s*"([\w.]+)",', block, re.M)
    assert silenced == ["axes.W006"]
    comment = "\n".join(line for line in block.splitlines() if line.strip().startswith("#"))
    assert "lock out every colleague" in comment


def test_production_cookies_are_secure_host_only_and_hsts_is_on():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_NAME, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "*s.SECURE_CSP['script-src'], *s.SECURE_CSP['frame-ancestors'])"
    )
    result = run(["-c", probe])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-10:] == [
        "__Host-sessionid", "True", "True", "__Host-csrftoken", "True", "31536000", "True", "True",
        "'self'", "'none'",
    ]
