"""Locust load: analysts of different country teams working in the workspace of one big operation.

Run by benchmarks/run.py (``make bench``), which passes, in the environment:

    BENCH_OPERATION   the operation's code (BENCH-2026)
    BENCH_USERS       comma-separated analyst logins, one per simulated user (of different teams)
    BENCH_PASSWORD    their password
    BENCH_TOTP_KEY    the secret of their authenticator app (hex), for the second factor
    BENCH_SAMPLES     where to write every request's name, time and outcome (JSON), for exact percentiles
    BENCH_WINDOW      a file to append "from <time>" and "to <time>" to when the measured window opens and ends
    BENCH_THINK       seconds between two actions of one analyst, "min-max" (default 2-10)
    BENCH_DURATION    seconds to measure once every analyst has logged in (then locust stops)

Logging in is slow on purpose (PBKDF2), so 50 logins at once keep two cores busy for a while: the
analysts wait for each other after logging in, and only what they do after that is measured (the
samples file says from when).

Each simulated analyst logs in through /login/ (session and CSRF cookies, as a browser does) and
then repeats a realistic mix: open the workspace (the newest findings of all teams), page back,
filter by platform, list the team's cases, search (by a pasted address, and by free text), open
a URL and a case, log a URL or a suspect with the htmx form (fetched when its box is first opened
after a page load; after a save the feed refreshes, as the page does). Request names start with
their type — list, search, detail, create — which the runner groups by. Loopback only: the host
is the runner's gunicorn on 127.0.0.1.
"""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import threading
import time

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task

OPERATION = os.environ.get("BENCH_OPERATION", "BENCH-2026")
USERS = [u for u in os.environ.get("BENCH_USERS", "").split(",") if u]
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-1")
TOTP_KEY = os.environ.get("BENCH_TOTP_KEY", "")
SAMPLES_PATH = os.environ.get("BENCH_SAMPLES", "")
WINDOW_PATH = os.environ.get("BENCH_WINDOW", "")
THINK = [float(x) for x in os.environ.get("BENCH_THINK", "2-10").split("-")]
DURATION = float(os.environ.get("BENCH_DURATION", "120"))

WORKSPACE = f"/operations/{OPERATION}/workspace/"
URL_LINK = re.compile(rf'href="(/operations/{re.escape(OPERATION)}/findings/url/\d+/)"')
CASE_LINK = re.compile(rf'href="(/operations/{re.escape(OPERATION)}/cases/[A-Z0-9-]+/)"')
NEXT_LINK = re.compile(r'href="\?([^"]*before=[^"]+)"[^>]*rel="next"')

_next_user = itertools.count()
_samples: list = []
_lock = threading.Lock()
_logged_in = itertools.count(1)
_everyone_in = Event()
_window = {"from": None, "to": None}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, response=None, **kwargs):
    status = getattr(response, "status_code", 0) if response is not None else 0
    started = time.time() - response_time / 1000
    with _lock:
        _samples.append((name, round(response_time, 2), exception is None, status, round(started, 3)))


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    if SAMPLES_PATH:
        with open(SAMPLES_PATH, "w") as out:
            json.dump({"window": _window, "samples": _samples}, out)


def _mark_window(line: str) -> None:
    # The runner watches this file to read the web processes' CPU exactly over the measured window.
    if WINDOW_PATH:
        with open(WINDOW_PATH, "a") as out:
            out.write(line + "\n")


def _measure_then_stop(environment):
    _window["from"] = time.time()
    _mark_window(f"from {_window['from']}")
    _everyone_in.set()
    gevent.sleep(DURATION)
    _window["to"] = time.time()
    _mark_window(f"to {_window['to']}")
    environment.runner.quit()


def totp(key_hex: str, step: int = 30, digits: int = 6) -> str:
    """The current code of an authenticator app holding ``key_hex`` (RFC 6238, HMAC-SHA1)."""
    counter = int(time.time() // step).to_bytes(8, "big")
    mac = hmac.new(bytes.fromhex(key_hex), counter, hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[offset:offset + 4], 'big') & 0x7FFFFFFF) % 10**digits:0{digits}d}"


class Analyst(HttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        self.username = USERS[next(_next_user) % len(USERS)] if USERS else "bench.de0"
        self.created = 0
        self.forms_shown: set[str] = set()
        self.url_links: list[str] = []
        self.case_links: list[str] = []
        self.next_query = ""
        self.client.get("/login/", name="login: form")
        with self.client.post(
            "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            name="login: submit", catch_response=True,
        ) as response:
            if "/login/" in response.url:
                response.failure(f"login refused for {self.username}")
            second_factor = "/two-factor/" in response.url
        if second_factor:
            with self.client.post(response.url, data={"code": totp(TOTP_KEY), "csrfmiddlewaretoken": self._csrf()},
                                  name="login: second factor", catch_response=True) as response:
                if "/two-factor/" in response.url:
                    response.failure(f"second factor refused for {self.username}")
        self.open_workspace()
        self.list_cases()
        if next(_logged_in) == self.environment.runner.target_user_count:
            gevent.spawn(_measure_then_stop, self.environment)
        _everyone_in.wait()
        # Not all at the same instant: each analyst's first action comes within one think time.
        gevent.sleep(random.uniform(0, THINK[1]))

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _htmx(self, target: str = "") -> dict:
        headers = {"HX-Request": "true", "HX-Current-URL": f"{self.host}{WORKSPACE}", "X-CSRFToken": self._csrf()}
        if target:
            headers["HX-Target"] = target
        return headers

    def _remember_links(self, html: str) -> None:
        urls = URL_LINK.findall(html)
        if urls:
            self.url_links = urls
        match = NEXT_LINK.search(html)
        self.next_query = match.group(1).replace("&amp;", "&") if match else ""

    # --- list ------------------------------------------------------------------------------------

    @task(6)
    def open_workspace(self):
        response = self.client.get(WORKSPACE, name="list: workspace")
        self.forms_shown = set()  # a page loaded afresh has no log form yet: each comes when first opened
        self._remember_links(response.text)

    @task(2)
    def older_page(self):
        if not self.next_query:
            return self.open_workspace()
        response = self.client.get(f"{WORKSPACE}?{self.next_query}", headers=self._htmx("feed"),
                                   name="list: older page (htmx)")
        self._remember_links(response.text)

    @task(2)
    def urls_of_a_platform(self):
        # The seeder's catalogue platforms are named "Bench platform NN"; their ids are looked up once.
        platform = random.choice(self._platform_ids())
        response = self.client.get(f"{WORKSPACE}?kind=url&platform={platform}", headers=self._htmx("feed"),
                                   name="list: URLs of a platform (htmx)")
        self._remember_links(response.text)

    @task(2)
    def list_cases(self):
        response = self.client.get(f"{WORKSPACE}?kind=case&team=mine", name="list: my team's cases")
        self.forms_shown = set()
        cases = CASE_LINK.findall(response.text)
        if cases:
            self.case_links = cases

    # --- search ----------------------------------------------------------------------------------

    @task(1)
    def search_pasted_address(self):
        # A pasted (defanged) address is looked up by its indexed host, then its path.
        n = random.randrange(1_000_000)
        self.client.get(f"{WORKSPACE}?q=hxxps://platform{n % 60:02d}[.]example/ad/{n}", headers=self._htmx("feed"),
                        name="search: pasted address (htmx)")

    @task(1)
    def search_free_text(self):
        self.client.get(f"{WORKSPACE}?q=ad/{random.randrange(10_000, 99_999)}", headers=self._htmx("feed"),
                        name="search: free text (htmx)")

    # --- detail ----------------------------------------------------------------------------------

    @task(4)
    def open_url(self):
        if not self.url_links:
            return self.open_workspace()
        self.client.get(random.choice(self.url_links), name="detail: URL")

    @task(2)
    def open_case(self):
        if not self.case_links:
            return self.list_cases()
        self.client.get(random.choice(self.case_links), name="detail: case")

    # --- create ----------------------------------------------------------------------------------

    @task(3)
    def log_url(self):
        self.created += 1
        token = f"{self.username.replace('.', '-')}-{self.created}-{random.randrange(10**9)}"
        if self.created % 2:
            url = f"hxxps://platform{random.randrange(60):02d}[.]example/ad/load-{token}"  # a catalogue platform
        else:
            url = f"https://{token}.load.example/escort/profile"  # a site of its own
        self._save("url", {"url": url, "case": "", "note": "seen during the bench"})

    @task(1)
    def log_suspect(self):
        self.created += 1
        number = f"+49 151 {random.randrange(10**8):08d}"
        self._save("suspect", {"alias": f"Load {self.username} {self.created}", "role": "handler", "nationality": "",
                               "age_estimate": "", "case": "", "notes": f"Books via {number}"})

    def _save(self, kind: str, data: dict):
        if kind not in self.forms_shown:  # the analyst opens the form's box: the page fetches the form
            self.client.get(f"{WORKSPACE}log/{kind}/", headers=self._htmx(),
                            name=f"create: open the {kind} form (htmx)")
            self.forms_shown.add(kind)
        with self.client.post(f"{WORKSPACE}log/{kind}/", data={**data, "csrfmiddlewaretoken": self._csrf()},
                              headers=self._htmx(f"log-{kind}"), name=f"create: {kind} (htmx)",
                              catch_response=True) as response:
            if response.status_code == 200 and 'class="saved"' not in response.text:
                response.failure("the form came back without 'Saved'")
        # The page then reloads its feed (hx-trigger="findings-changed from:body").
        response = self.client.get(WORKSPACE, headers=self._htmx("feed"), name="list: feed after a save (htmx)")
        self._remember_links(response.text)

    _platforms: list[str] = []

    def _platform_ids(self) -> list[str]:
        if not Analyst._platforms:
            html = self.client.get(WORKSPACE, name="list: workspace").text
            block = html.split('name="platform"', 1)[-1].split("</select>", 1)[0]
            found = re.findall(r'<option value="(\d+)">Bench platform', block)
            Analyst._platforms = found or [""]
        return Analyst._platforms
