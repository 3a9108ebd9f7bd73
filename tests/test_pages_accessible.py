"""Every page of every role passes axe-core (WCAG 2.1 AA rules, run in Chromium) with no serious or
critical violation, and every action on it is reached with the keyboard, its focus visible.

axe-core comes bundled with axe-playwright-python and is injected into the page from the test: the
page itself loads nothing from outside (the ``page`` fixtures' rule). The pages come from the URL
configuration and the demo's data (tests/page_sweep.py).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from reports.services import press_paragraph_draft, snapshot_compile

from . import page_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
# Everything a keyboard user can act on, as the browser would let them reach it.
ACTIONABLE = ("a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), "
              "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])")
TAB_WALK = """(selector) => {
  const visible = (el) => {
    if (el.closest('[popover]:not(:popover-open), [inert], .visually-hidden')) return false;
    if (el.closest('details:not([open])') && !el.matches('summary')) return false;
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
  };
  return [...document.querySelectorAll(selector)].filter(visible).map((el, i) => {
    el.dataset.sweep = String(i);
    // The radios of a group are one stop (arrow keys move between them): reached as a group.
    const group = el.type === 'radio' ? 'radio:' + el.name : null;
    const text = (el.textContent || el.name || el.id || '').trim().slice(0, 40);
    return {index: i, group, tabindex: el.tabIndex, text};
  });
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  const group = el.type === 'radio' ? 'radio:' + el.name : null;
  const text = (el.textContent || el.name || el.id || '').trim().slice(0, 40);
  return {index: el.dataset.sweep ?? null, group, ring, text};
}"""


# Focus goes to the very start of the page (before the skip link), whatever a page focuses on load.
START = """() => {
  const start = document.createElement('span');
  start.tabIndex = -1;
  document.body.prepend(start);
  start.focus();
}"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    page_sweep.seed_demo()
    operation, users = page_sweep.demo_operation(), page_sweep.demo_users()
    snapshot_compile(operation=operation)
    press_paragraph_draft(user=users["coordinator"], operation=operation)
    return operation, users


def test_axe_finds_no_serious_or_critical_violation_on_any_page(live_server, browser, demo):
    operation, users = demo
    axe, violations, swept = Axe(), [], 0
    for role, user in users.items():
        sweep = page_sweep.pages_of(user, page_sweep.operation_of(user, operation))
        context, page = page_sweep.open_as(browser, live_server, user, width=1280)
        for path in sweep.pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            swept += 1
            for rule in axe.run(page, options=AXE_OPTIONS).response["violations"]:
                if rule["impact"] in SERIOUS:
                    targets = [node["target"] for node in rule["nodes"][:3]]
                    violations.append(f"{role} {path}: {rule['id']} ({rule['impact']}) at {targets}")
        context.close()
    assert swept > 30, swept
    assert not violations, "\n".join(violations[:40])


def test_every_action_is_reached_by_keyboard_with_a_visible_focus(live_server, browser, demo):
    operation, users = demo
    problems = []
    for role, user in users.items():
        sweep = page_sweep.pages_of(user, page_sweep.operation_of(user, operation))
        context, page = page_sweep.open_as(browser, live_server, user, width=1280)
        for path in sweep.pages:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            actions = page.evaluate(TAB_WALK, ACTIONABLE)
            problems += [f"{role} {path}: “{a['text']}” is taken out of the tab order" for a in actions
                         if a["tabindex"] < 0]
            reached, first = set(), None
            page.evaluate(START)
            # A date-and-time field takes several presses (day, month, year, hours, minutes).
            for _ in range(3 * len(actions) + 10):
                page.keyboard.press("Tab")
                focused = page.evaluate(FOCUSED)
                if focused is None or (first is not None and focused["index"] == first and len(reached) > 1):
                    break  # round the page once
                if not focused["ring"]:
                    problems.append(f"{role} {path}: “{focused['text']}” has no visible focus")
                first = first if first is not None else focused["index"]
                reached.update(key for key in (focused["index"], focused["group"]) if key is not None)
            problems += [f"{role} {path}: “{a['text']}” cannot be reached with Tab" for a in actions
                         if a["tabindex"] >= 0 and str(a["index"]) not in reached and a["group"] not in reached]
        context.close()
    assert not problems, "\n".join(problems[:40])
