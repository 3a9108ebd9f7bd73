"""A strict Content-Security-Policy on every answer — pages, API, documentation, errors, static files —
and no page of the demo breaks it in a real Chromium, whoever is logged in."""

import importlib
import re
import time
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from demo import seeding as demo

from .cast import browser_login
from .conftest import ROOT

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.django_db
def test_every_kind_of_answer_carries_the_strict_policy(cast):
    family = cast.family_of(cast.de)
    anonymous, verified, csrf = Client(), Client(), Client(enforce_csrf_checks=True)
    verified.force_login(cast.de)
    csrf.force_login(cast.de)
    code = cast.operation.code
    answers = {
        "login page": anonymous.get("/login/"),
        "redirect to login": anonymous.get(f"/operations/{code}/"),
        "operation page": verified.get(f"/operations/{code}/"),
        "case page": verified.get(f"/operations/{code}/cases/{family['case'].reference}/"),
        "htmx fragment": verified.get(f"/operations/{code}/workspace/", HTTP_HX_REQUEST="true"),
        "not found page": verified.get("/no-such-page/"),
        "CSRF failure": csrf.post(f"/operations/{code}/workspace/log/url/", {"url": "https://x.example/"}),
        "API list": verified.get("/api/v1/cases/"),
        "API browsable": verified.get("/api/v1/cases/", HTTP_ACCEPT="text/html"),
        "API 401": anonymous.get("/api/v1/cases/"),
        "API 404": verified.get("/api/v1/nothing/"),
        "static file": anonymous.get("/static/css/app.css"),
        "healthz": anonymous.get("/healthz"),
        "two-factor page": verified.get("/two-factor/recovery-codes/"),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses["not found page"] == 404 and statuses["CSRF failure"] == 403 and statuses["API 401"] == 401
    assert statuses["operation page"] == 200 and statuses["API browsable"] == 200
    wrong = {name: r.get("Content-Security-Policy") for name, r in answers.items() if policy(r) != STRICT}
    assert wrong == {}


@pytest.mark.django_db
def test_the_locked_out_page_carries_it_too(cast):
    client = Client()
    for n in range(5):
        response = client.post("/login/", {"username": cast.de.username, "password": f"guess-{n}"})
    assert response.status_code == 429
    assert policy(response) == STRICT


@pytest.mark.django_db
def test_the_api_documentation_relaxes_only_what_it_needs_on_its_own_pages(cast):
    client = Client()
    client.force_login(cast.de)
    redoc = policy(client.get("/api/redoc/"))
    swagger = policy(client.get("/api/docs/"))
    # ReDoc writes its styles at run time and searches in a worker; both draw icons as data: images.
    assert redoc == STRICT | {"style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"],
                              "worker-src": ["'self'", "blob:"]}
    assert swagger == STRICT | {"img-src": ["'self'", "data:"]}
    # Still no inline or outside script, no framing, no outside host anywhere.
    for relaxed in (redoc, swagger):
        assert relaxed["script-src"] == ["'self'"] and relaxed["frame-ancestors"] == ["'none'"]
        assert not any("http" in value or value == "*" for values in relaxed.values() for value in values)


def test_the_templates_hold_no_inline_script_style_or_event_handler():
    offending = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+\s*=", r"javascript:"):
            if re.search(pattern, text, re.I):
                offending.append((str(template.relative_to(ROOT)), pattern))
    assert offending == []


def test_htmx_is_told_to_add_no_inline_style_and_to_evaluate_nothing():
    base = (ROOT / "templates" / "base.html").read_text()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", base)
    assert meta and meta.group(1) == '{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'


# --- in a real Chromium ------------------------------------------------------------------------------

# One demo user of each role, and a second analyst (who sees another team's case shared with them).
ROLES = ["admin", "coordinator", "analyst.de", "analyst.fr", "prosecutor"]
# Pages opened by address (they are not linked from the operation's pages); the API's documentation
# is the same for everyone, so the first role reads it.
START = ["/api/v1/", "/two-factor/recovery-codes/"]
DOCUMENTATION = {"/api/docs/": ".swagger-ui .info", "/api/redoc/": ".api-content h1"}
PAGES_PER_ROLE = 60

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


def _page_key(path: str):
    """One visit per kind of page: the URL pattern with its non-id parameters (a finding's kind) and
    query parameters. The API's browsable pages and the admin share one template each: a list and a
    detail of each are enough."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    name = match.url_name or ""
    if any(word in name for word in ("download", "export", "logout", "delete", "schema")):
        return None  # files and actions, not pages
    if match.namespace == "api" and match.route.startswith("api/v1/"):
        return "api", "detail" if match.kwargs else "list"
    if match.namespace == "admin":
        return "admin", name.rsplit("_", 1)[-1]
    kwargs = {k: v for k, v in match.kwargs.items() if k == "kind"}
    return match.route, tuple(sorted(kwargs.items())), tuple(sorted(set(re.findall(r"[?&]([^=&]+)=", path))))


def _crawl(browser, live_server, user, extra=()) -> tuple[list[str], list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    violations, outside = [], []
    page.on("console", lambda m: violations.append(f"{page.url}: {m.text}") if (
        "Content Security Policy" in m.text or "CSP violation" in m.text) else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
        (live_server.url, "data:", "blob:", "about:")) else None)
    try:
        browser_login(page, live_server, user, password=demo.DEMO_PASSWORD)
        seen, visited = set(), []
        queue = [urlsplit(page.url).path, *START, *extra] + (["/admin/"] if user.is_staff else [])
        while queue and len(visited) < PAGES_PER_ROLE:
            path = queue.pop(0)
            key = _page_key(path)
            if key is None or key in seen:
                continue
            seen.add(key)
            try:
                page.goto(live_server.url + path, wait_until="load")
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # a file (the schema, a PDF): not a page
                    continue
                raise
            if path in DOCUMENTATION:  # drawn by script after the load
                page.wait_for_selector(DOCUMENTATION[path], timeout=20_000)
            else:  # the fragments htmx loads with the page are in
                page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10_000)
            visited.append(path)
            links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            for link in links:
                parts = urlsplit(link)
                if link.startswith(live_server.url) and parts.path:
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return visited, violations, outside
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_of_the_demo_breaks_the_policy_for_any_role(live_server, browser):
    started = time.monotonic()
    # The indicator taxonomy comes from a data migration; an earlier transactional test may have emptied it.
    importlib.import_module("findings.migrations.0003_indicator_taxonomy").seed(apps, None)
    demo.seed()
    report = {}
    for n, username in enumerate(ROLES):
        user = get_user_model().objects.get(username=username)
        visited, violations, outside = _crawl(browser, live_server, user, extra=DOCUMENTATION if n == 0 else ())
        report[username] = len(visited)
        assert violations == [], f"{username}: {violations}"
        assert outside == [], f"{username}: {outside}"
        assert len(visited) >= 8, f"{username} saw only {visited}"
    print("pages visited per role:", report, f"in {time.monotonic() - started:.0f} s")
