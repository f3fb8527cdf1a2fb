"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

Run with `make test-e2e` (it installs Playwright's Python package and axe-core, and sets
E2E=1; plain `make test` leaves this folder out). A failing test saves a screenshot in
tests/e2e/artifacts/.

Every journey also watches for Content-Security-Policy violations (the `securitypolicyviolation`
event in every frame, and Chromium's console reports): a test that raised one fails at teardown.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Runs in every frame before the page's own scripts (Playwright's init scripts are not subject
# to the page's CSP) and reports each violation to the test through an exposed binding.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.__reportCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} on ${event.documentURI}`
        + (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "")
        + (event.sample ? `: ${event.sample}` : "")
    );
}, true);
"""


def watch_csp(context, violations):
    """Collect the Content-Security-Policy violations any page of `context` raises into `violations`."""
    context.expose_binding("__reportCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)


@pytest.fixture
def csp_violations():
    """The Content-Security-Policy violations the test's pages raised so far (strings)."""
    return []


# The widths journeys check layout at: parametrize `page` indirectly with a key, e.g.
# `@pytest.mark.parametrize("page", VIEWPORTS, indirect=True)`; unparametrized tests get 1280 px.
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 390, "height": 844}}


@pytest.fixture
def page(browser, request, live_server, csp_violations):
    viewport = VIEWPORTS[request.param] if hasattr(request, "param") else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    context.set_default_timeout(15_000)
    watch_csp(context, csp_violations)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert csp_violations == [], "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def demo(transactional_db, settings):
    """The demo site with its documented users, as `make run` builds it."""
    settings.WAGTAILADMIN_BASE_URL = "http://localhost"
    call_command("load_demo", allow_demo_passwords=True, verbosity=0)


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    # Attached, not visible: on a phone the header's "Log out" sits behind "Menu".
    expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_be_attached()


def open_menu(page):
    """Open the header's "Menu" on a narrow screen, where the links sit behind it; wider, the
    links show and there is nothing to open."""
    toggle = page.locator(".site-header").get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def axe_violations(page, impacts=("serious", "critical")):
    """axe-core's violations of the given impacts on the current page, as readable lines."""
    # Evaluated rather than added as a <script> tag, which the page's CSP (rightly) refuses.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]
