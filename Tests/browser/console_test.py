#!/usr/bin/env python3
"""The admin console in a real browser: headless Chromium, driven by Selenium, against a live bridge.

Starts a GitHub EMU emulator holding a group "Engineering" with a member of its own (a "foreign"
user), and a bridge whose channel `pingone` fans out to it under `onNameCollision: fail`. The
identity provider's "Engineering" (with alice) is pushed through the bridge's inbound SCIM API and
blocked by the same-named group. Then, in the browser: sign in, the overview, the target's page, the
group settled with `merge`, the emulator's group converging (alice and the foreign member), alice
found with the search box and her state on the target, her group's audit trail, sign-out, and the
console refused afterwards, the old session cookie included.

After every page load the browser's console log must hold no SEVERE entry (a JavaScript error, a
Content-Security-Policy violation, a resource that failed to load), and no page may contain the
admin token, the channel's token or the target's token. A screenshot of each page is saved (PNG,
numbered in order) in the output folder, with the logs of the child processes and the browser's
console.

Run it with Tests/browser/run, which prepares the venv and passes these variables:
  SCIM_BRIDGE_BIN            the scim-bridge executable
  SCIM_BRIDGE_EMULATOR_BIN   the scim-bridge-emulator executable
  BROWSER_TEST_OUTPUT        the output folder (created; earlier screenshots and logs are removed)
  CHROMIUM_BIN, CHROMEDRIVER_BIN   default /usr/bin/chromium, /usr/bin/chromedriver
  BROWSER_TEST_KEEP=1        keep the temporary folder (configuration, data directory)
Exit status: 0 passed, 1 a check failed, 2 the test could not run.
"""

import base64
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

TARGET = "github"
CHANNEL = "pingone"
GROUP = "Engineering"
ALICE = "alice@example.com"
FOREIGN = "outsider@example.com"
# How long the bridge, the emulator and the browser get for each thing they are waited for.
START_TIMEOUT = 60
CONVERGE_TIMEOUT = 60
PAGE_TIMEOUT = 30


class CheckFailed(Exception):
    """A check of the test failed (exit 1)."""


class CannotRun(Exception):
    """The test could not set itself up (exit 2)."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


_STARTED = time.monotonic()


def say(text):
    print(f"browser test [{time.monotonic() - _STARTED:5.1f} s]: {text}", flush=True)


# --- HTTP with urllib: no proxy, no redirects followed ----------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def http(method, url, token=None, body=None, headers=None):
    """One request; returns (status, headers, parsed JSON or text). 3xx and errors are returned too."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/scim+json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with _opener.open(request, timeout=15) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, answer_headers, parsed


def eventually(what, condition, timeout):
    """Polls `condition` (returning a value, falsy while not yet) until it holds; fails with `what`."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = condition()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise CheckFailed(f"{what}: not so after {timeout} s")
        time.sleep(0.25)


# --- child processes --------------------------------------------------------------------------------


class Child:
    """A process started by the test, its output in a log file of the output folder."""

    def __init__(self, name, arguments, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        # A session of its own: stopping it never reaches the test's own process group.
        self.process = subprocess.Popen(
            arguments, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for(self, pattern, what):
        """The first match of `pattern` in the log, waited for while the process runs."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text())
            if match:
                return match
            if self.process.poll() is not None:
                raise CannotRun(f"{self.name} exited ({self.process.returncode}) before {what}; {self.log_path}:\n"
                                + self.tail())
            time.sleep(0.1)
        raise CannotRun(f"{self.name}: no {what} after {START_TIMEOUT} s; {self.log_path}:\n" + self.tail())

    def tail(self, lines=30):
        return "\n".join(self.text().splitlines()[-lines:])

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# --- the test ---------------------------------------------------------------------------------------


class ConsoleTest:
    def __init__(self, output):
        self.output = output
        self.bridge_bin = os.environ.get("SCIM_BRIDGE_BIN", ".build/debug/scim-bridge")
        self.emulator_bin = os.environ.get("SCIM_BRIDGE_EMULATOR_BIN", ".build/debug/scim-bridge-emulator")
        self.chromium_bin = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
        self.chromedriver_bin = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
        self.work = tempfile.mkdtemp(prefix="scim-bridge-browser-")
        self.children = []
        self.driver = None
        self.shots = 0
        self.console_entries = []
        self.noted_favicon = False
        # Throw-away credentials for this run; none may ever appear on a page or in a log.
        self.admin_token = "admin-" + secrets.token_urlsafe(24)
        self.emulator_token = "ghp_" + secrets.token_urlsafe(24)
        self.channel_token = None

    # -- set-up: the emulator, the bridge, the identity provider's changes --

    def start_emulator(self):
        child = Child(
            "scim-bridge-emulator",
            [self.emulator_bin, "github-emu", "--port", "0", "--host", "127.0.0.1", "--enterprise", "acme",
             "--token", self.emulator_token],
            os.path.join(self.output, "emulator.log"),
        )
        self.children.append(child)
        # It prints its base URL alone on standard output once listening; port 0 picked a free one.
        self.emulator_url = child.wait_for(r"http://127\.0\.0\.1:\d+/scim/v2/enterprises/acme", "base URL").group(0)
        say(f"emulator (GitHub EMU) at {self.emulator_url}")

    def seed_foreign_group(self):
        """On the target, before the bridge: a user of its own and a group "Engineering" holding it."""
        status, _, user = http("POST", f"{self.emulator_url}/Users", self.emulator_token, {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "externalId": "outsider", "userName": FOREIGN, "displayName": "Olive Outsider", "active": True,
            "emails": [{"value": FOREIGN, "type": "work", "primary": True}],
        })
        if status != 201:
            raise CannotRun(f"the emulator refused the foreign user: {status} {user}")
        self.foreign_id = user["id"]
        status, _, group = http("POST", f"{self.emulator_url}/Groups", self.emulator_token, {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "externalId": "engineering-on-github", "displayName": GROUP,
            "members": [{"value": self.foreign_id, "displayName": "Olive Outsider"}],
        })
        if status != 201:
            raise CannotRun(f"the emulator refused the group: {status} {group}")
        self.target_group_id = group["id"]
        say(f"emulator holds {GROUP} ({self.target_group_id}) with the foreign member {FOREIGN}")

    def start_bridge(self):
        def secret(name, value):
            path = os.path.join(self.work, name)
            with open(path, "w") as f:
                f.write(value)
            os.chmod(path, 0o600)
            return path

        config = os.path.join(self.work, "bridge.yaml")
        with open(config, "w") as f:
            f.write(
                "server:\n"
                "  host: 127.0.0.1\n"
                "  port: 0\n"
                f"  adminToken: file:{secret('admin-token', self.admin_token)}\n"
                "channels:\n"
                f"  - name: {CHANNEL}\n"
                f"    targets: [{TARGET}]\n"
                "targets:\n"
                f"  - name: {TARGET}\n"
                "    kind: github-emu\n"
                f"    baseURL: {self.emulator_url}\n"
                f"    auth: {{ bearer: file:{secret('github-token', self.emulator_token)} }}\n"
                "    onNameCollision: fail\n"
                "    rateLimit: { requestsPerMinute: 60000, burst: 1000 }\n"
            )
        data = os.path.join(self.work, "data")
        # The channel's bearer token is printed once, alone, by `channels create`; `serve` then finds
        # the channel and prints nothing secret.
        created = subprocess.run(
            [self.bridge_bin, "channels", "create", CHANNEL, "--data-dir", data],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=START_TIMEOUT,
        )
        lines = [line.strip() for line in created.stdout.splitlines() if line.strip()]
        if created.returncode != 0 or not lines:
            raise CannotRun(f"'scim-bridge channels create' failed ({created.returncode}): {created.stderr.strip()}")
        self.channel_token = lines[-1]
        child = Child(
            "scim-bridge serve",
            [self.bridge_bin, "serve", "--config", config, "--data-dir", data, "--log-level", "info"],
            os.path.join(self.output, "bridge.log"),
        )
        self.children.append(child)
        port = child.wait_for(r"url=http://127\.0\.0\.1:(\d+)/", "listening line (url=…)").group(1)
        self.base = f"http://127.0.0.1:{port}"
        eventually("the bridge answers /healthz", lambda: http("GET", f"{self.base}/healthz")[0] == 200, START_TIMEOUT)
        say(f"bridge at {self.base}")

    def push_from_the_identity_provider(self):
        scim = f"{self.base}/scim/v2/{CHANNEL}"
        status, _, user = http("POST", f"{scim}/Users", self.channel_token, {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": ALICE, "externalId": "alice", "displayName": "Alice Liddell", "active": True,
            "name": {"givenName": "Alice", "familyName": "Liddell"},
            "emails": [{"value": ALICE, "type": "work", "primary": True}],
        })
        check(status == 201, f"POST /Users through the bridge: {status} {user}")
        self.alice_id = user["id"]
        status, _, group = http("POST", f"{scim}/Groups", self.channel_token, {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": GROUP, "members": [{"value": self.alice_id}],
        })
        check(status == 201, f"POST /Groups through the bridge: {status} {group}")
        self.group_id = group["id"]

        def blocked():
            status, _, body = http(
                "GET", f"{self.base}/admin/targets/{TARGET}/resources?state=blocked", self.admin_token
            )
            check(status == 200, f"GET /admin/targets/{TARGET}/resources: {status} {body}")
            return any(r.get("resource") == f"group:{self.group_id}" for r in body.get("resources", []))

        eventually(f"the bridge reports {GROUP} blocked on {TARGET}", blocked, CONVERGE_TIMEOUT)
        say(f"{GROUP} ({self.group_id}) is blocked on {TARGET}, as expected under onNameCollision: fail")

    # -- the browser --

    def start_browser(self):
        options = webdriver.ChromeOptions()
        options.binary_location = self.chromium_bin
        for argument in [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
            "--no-proxy-server", "--lang=en-US",
            # Nothing but the bridge: no update checks, reports or other background calls.
            "--disable-background-networking", "--disable-component-update", "--disable-domain-reliability",
            "--disable-sync", "--no-first-run", "--no-pings",
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        ]:
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(
            executable_path=self.chromedriver_bin, log_output=os.path.join(self.output, "chromedriver.log")
        )
        try:
            self.driver = webdriver.Chrome(service=service, options=options)
        except WebDriverException as error:
            raise CannotRun(f"cannot start Chromium through chromedriver: {error.msg or error}")
        self.driver.set_page_load_timeout(PAGE_TIMEOUT)
        # --window-size is the window's; make the page's viewport 1280 x 900.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False,
        })
        say(f"browser: {self.driver.capabilities.get('browserName')} "
            f"{self.driver.capabilities.get('browserVersion')}")

    def follow(self, element, what):
        """Clicks a link or a submit button and waits until the next page has loaded.

        The page being left is marked (a property of its window object, set through WebDriver, which
        the pages' Content-Security-Policy does not govern); the next page is there once a document
        without the mark has loaded. Errors while the browser is between two documents are retried."""
        self.driver.execute_script("window.consoleTestLeaving = true")
        element.click()
        deadline = time.monotonic() + PAGE_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            try:
                if self.driver.execute_script(
                    "return document.readyState === 'complete' && window.consoleTestLeaving === undefined"
                ):
                    return
            except WebDriverException as error:
                last = error
            time.sleep(0.1)
        raise CheckFailed(f"{what}: no new page within {PAGE_TIMEOUT} s (now at {self.driver.current_url}, "
                          f"title '{self.driver.title}'" + (f"; {type(last).__name__}: {last.msg}" if last else "")
                          + ")")

    def open(self, path):
        self.driver.get(self.base + path)

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def text(self, css="main"):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def loaded(self, step):
        """After every page load: the console log, the secrets, the page's basic structure."""
        self.console_is_clean(step)
        html = self.driver.page_source
        for name, value in [("admin token", self.admin_token), ("channel token", self.channel_token),
                            ("target's token", self.emulator_token)]:
            check(value not in html, f"{step}: the page at {self.path()} contains the {name}")
        check(self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang"), f"{step}: <html> has no lang")
        check(len(self.driver.find_elements(By.CSS_SELECTOR, "main h1")) == 1,
              f"{step}: not exactly one <h1> in <main>")

    def console_is_clean(self, step):
        """No SEVERE entry in the browser's console log since the last look."""
        entries = self.driver.get_log("browser")
        for entry in entries:
            self.console_entries.append(f"[{step}] {entry.get('level')} {entry.get('source')}: {entry.get('message')}")
        severe = [e for e in entries if e.get("level") == "SEVERE"]
        for entry in [e for e in severe if self.tolerated(e)]:
            severe.remove(entry)
            if not self.noted_favicon:
                self.noted_favicon = True
                say("note: the pages name no icon, so Chromium asked for /favicon.ico and got 404 (tolerated)")
        check(not severe, f"{step}: the browser's console reports "
              + "; ".join(f"{e.get('source')}: {e.get('message')}" for e in severe))

    def tolerated(self, entry):
        """The one failed load allowed: /favicon.ico (404), which Chromium asks for by itself when a page
        names no icon. Once the console's pages name one (<link rel="icon">), any failure loading it
        counts like every other."""
        return (
            entry.get("source") == "network"
            and urllib.parse.urlsplit(entry.get("message", "").split(" ", 1)[0]).path == "/favicon.ico"
            and not self.driver.find_elements(By.CSS_SELECTOR, "link[rel~=icon]")
        )

    def screenshot(self, name):
        """The whole page as a PNG, at least the 1280 x 900 viewport, however tall the page is."""
        self.shots += 1
        path = os.path.join(self.output, f"{self.shots:02d}-{name}.png")
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        width, height = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(height, size["height"]), "scale": 1},
        })
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        say(f"screenshot {os.path.basename(path)}: {self.driver.title}")
        return path

    # -- the steps --

    # The row of the target in the overview's table and in a user's or group's "On each target".
    target_row = f"//section[@aria-labelledby='targets-heading']//tbody/tr[th/a[.='{TARGET}']]"

    def sign_in(self):
        self.open("/admin/")
        self.loaded("sign-in")
        check(self.path() == "/admin/sign-in", f"/admin/ without a session should lead to sign-in, not {self.path()}")
        token = self.driver.find_element(By.ID, "token")
        check(token.get_attribute("type") == "password", "the token field is not a password field")
        check(self.driver.find_elements(By.CSS_SELECTOR, "label[for=token]"), "the token field has no label")
        check(not self.driver.find_elements(By.CSS_SELECTOR, "header form[action='/admin/sign-out']"),
              "sign-in offers to sign out")
        self.screenshot("sign-in")
        token.send_keys(self.admin_token)
        self.follow(self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"), "signing in")
        self.loaded("overview")
        check(self.path() == "/admin/", f"signing in should lead to the overview, not {self.path()}")
        cookie = self.driver.get_cookie("scim_bridge_console")
        check(cookie, "no session cookie after signing in")
        check(cookie.get("httpOnly") and cookie.get("sameSite") == "Strict" and cookie.get("path") == "/admin",
              f"the session cookie's attributes: {cookie}")
        self.session_cookie = cookie

    def overview(self):
        check(self.driver.title.startswith("Overview"), f"title '{self.driver.title}'")
        targets = self.text("section[aria-labelledby=targets-heading]")
        channels = self.text("section[aria-labelledby=channels-heading]")
        row = self.driver.find_element(By.XPATH, self.target_row)
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        check(TARGET in targets and cells, f"the overview lists no target {TARGET}: {targets}")
        check(cells[4] == "1", f"the overview should count 1 blocked group on {TARGET}: {cells}")
        check(CHANNEL in channels, f"the overview lists no channel {CHANNEL}: {channels}")
        self.screenshot("overview")

    def settle_with_merge(self):
        self.follow(self.driver.find_element(By.CSS_SELECTOR, f"main a[href='/admin/target/{TARGET}']"),
                    "the target's link on the overview")
        self.loaded("target")
        check(self.path() == f"/admin/target/{TARGET}", f"the target's link led to {self.path()}")
        cards = [
            c for c in self.driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=blocked-heading] article")
            if c.find_element(By.TAG_NAME, "h3").text.startswith(GROUP)
        ]
        check(len(cards) == 1, f"the target's page should list {GROUP} blocked once: {self.text()}")
        card = cards[0]
        check(self.group_id in card.text and "already exists on the target" in card.text,
              f"the blocked group's card lacks its id or reason: {card.text}")
        self.screenshot("target-blocked")

        card.find_element(By.CSS_SELECTOR, "input[type=radio][name=policy][value=merge]").click()
        acknowledge = card.find_element(
            By.XPATH, ".//label[contains(., 'I understand and want to continue')]/input[@type='checkbox']"
        )
        acknowledge.click()
        check(acknowledge.is_selected(), "the acknowledgement checkbox did not tick")
        self.screenshot("target-merge-chosen")
        self.follow(card.find_element(By.CSS_SELECTOR, "button[type=submit]"), "applying merge")
        self.loaded("merge applied")
        check(self.driver.title.startswith("Done"), f"merge answered '{self.driver.title}': {self.text()}")
        check(f"{GROUP} is set to merge on {TARGET}" in self.text(), f"merge answered: {self.text()}")
        self.screenshot("merge-applied")

    def emulator_converges(self):
        """The emulator's Engineering: one group, alice (as the bridge provisioned her) and the foreign member."""
        last = {}

        def converged():
            _, _, users = http("GET", f"{self.emulator_url}/Users?filter="
                               + urllib.parse.quote(f'userName eq "{ALICE}"'), self.emulator_token)
            _, _, groups = http("GET", f"{self.emulator_url}/Groups?filter="
                                + urllib.parse.quote(f'displayName eq "{GROUP}"'), self.emulator_token)
            alice = (users if isinstance(users, dict) else {}).get("Resources") or []
            found = (groups if isinstance(groups, dict) else {}).get("Resources") or []
            members = sorted(m.get("value") for g in found for m in g.get("members") or [])
            last.update(alice=[u.get("id") for u in alice], groups=[g.get("id") for g in found], members=members)
            if len(alice) != 1 or len(found) != 1:
                return False
            self.alice_target_id = alice[0]["id"]
            return found[0]["id"] == self.target_group_id and members == sorted([self.alice_target_id, self.foreign_id])

        deadline = time.monotonic() + CONVERGE_TIMEOUT
        while not converged():
            if time.monotonic() >= deadline:
                raise CheckFailed(
                    f"the emulator's {GROUP} did not converge within {CONVERGE_TIMEOUT} s: it holds {last} "
                    f"(wanted group {self.target_group_id} with alice and the foreign member {self.foreign_id})"
                )
            time.sleep(0.25)
        say(f"emulator's {GROUP} converged: alice ({self.alice_target_id}) and {FOREIGN} ({self.foreign_id})")

        # The bridge no longer reports it blocked, and the target's page says so.
        def unblocked():
            _, _, body = http("GET", f"{self.base}/admin/targets/{TARGET}/resources?state=blocked", self.admin_token)
            return isinstance(body, dict) and not body.get("resources")

        eventually(f"the bridge reports {GROUP} no longer blocked", unblocked, CONVERGE_TIMEOUT)
        self.follow(self.driver.find_element(By.LINK_TEXT, "Back"), "Back to the target's page")
        self.loaded("target settled")
        check("No group is blocked on this target." in self.text(), f"the target's page after merge: {self.text()}")
        self.screenshot("target-settled")

    def find_alice(self):
        box = self.driver.find_element(By.CSS_SELECTOR, "header form[role=search] input[name=q]")
        box.clear()
        box.send_keys(ALICE)
        self.follow(
            self.driver.find_element(By.CSS_SELECTOR, "header form[role=search] button[type=submit]"), "searching"
        )
        self.loaded("search")
        check(self.path() == "/admin/search", f"the search box led to {self.path()}")
        href = f"/admin/user/{CHANNEL}/{self.alice_id}"
        links = self.driver.find_elements(By.CSS_SELECTOR, f"main a[href='{href}']")
        check(links, f"searching {ALICE} found no link to {href}: {self.text()}")
        self.screenshot("search")
        self.follow(links[0], "alice's link in the search results")
        self.loaded("user")
        check(self.path() == href, f"the search result led to {self.path()}")
        check(self.driver.find_element(By.CSS_SELECTOR, "main h1").text == ALICE, f"alice's page: {self.text()}")
        rows = self.driver.find_elements(By.XPATH, self.target_row)
        check(len(rows) == 1, f"alice's page should have one row for {TARGET}: {self.text()}")
        state, target_id = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")][:2]
        check(state == "synced (created by the bridge)", f"alice's state on {TARGET} should be synced, created by the bridge: {state}")
        check(target_id == self.alice_target_id,
              f"alice's id on {TARGET} should be {self.alice_target_id}: {target_id}")
        groups = self.text("section[aria-labelledby=memberships-heading]")
        check(GROUP in groups, f"alice's groups should list {GROUP}: {groups}")
        self.screenshot("user-alice")

        # Her group's page: adopted with merge, the emulator's id, the decision in its trail.
        group_link = f"section[aria-labelledby=memberships-heading] a[href='/admin/group/{CHANNEL}/{self.group_id}']"
        self.follow(self.driver.find_element(By.CSS_SELECTOR, group_link), f"{GROUP}'s link on alice's page")
        self.loaded("group")
        row = self.driver.find_element(By.XPATH, self.target_row)
        state, target_id = [c.text for c in row.find_elements(By.TAG_NAME, "td")][:2]
        check(state == "synced (adopted by merge)" and target_id == self.target_group_id,
              f"{GROUP} on {TARGET} should be synced, adopted by merge, as {self.target_group_id}: {state} {target_id}")
        trail = self.text("section[aria-labelledby=audit-heading]")
        check("collision resolved" in trail and "admin console" in trail,
              f"{GROUP}'s trail should name the decision by the admin console: {trail}")
        self.screenshot("group-engineering")

    def sign_out(self):
        old = self.session_cookie["value"]
        status, _, _ = http("GET", f"{self.base}/admin/", headers={"Cookie": f"scim_bridge_console={old}"})
        check(status == 200, f"the session cookie should open /admin/ before signing out: {status}")
        self.follow(
            self.driver.find_element(By.CSS_SELECTOR, "header form[action='/admin/sign-out'] button"), "signing out"
        )
        self.loaded("signed out")
        check(self.path() == "/admin/sign-in", f"signing out should lead to sign-in, not {self.path()}")
        check(self.driver.get_cookie("scim_bridge_console") is None, "the session cookie is still in the browser")
        check("You have signed out." in self.text(), "the sign-in page should say that the session was signed out")
        self.screenshot("signed-out")

        # Refused: the console again, then with the old cookie put back, then the old cookie over HTTP.
        self.open("/admin/")
        self.loaded("refused")
        check(self.path() == "/admin/sign-in", f"after signing out /admin/ should lead to sign-in, not {self.path()}")
        self.driver.add_cookie({"name": "scim_bridge_console", "value": old, "path": "/admin", "httpOnly": True})
        self.open(f"/admin/target/{TARGET}")
        self.loaded("refused with the old cookie")
        check(self.path() == "/admin/sign-in",
              f"the old session cookie should no longer open the console, but it opened {self.path()}")
        self.screenshot("refused")
        status, headers, _ = http("GET", f"{self.base}/admin/", headers={"Cookie": f"scim_bridge_console={old}"})
        check(status == 303 and headers.get("Location") == "/admin/sign-in?expired=1",
              f"the old session cookie over HTTP: {status} {headers.get('Location')}")

    def logs_hold_no_secret(self):
        for child in self.children:
            text = child.text()
            for name, value in [("admin token", self.admin_token), ("channel token", self.channel_token)]:
                check(value not in text, f"{child.log_path} contains the {name}")

    # -- the whole run --

    def run(self):
        self.start_browser()
        self.start_emulator()
        self.seed_foreign_group()
        self.start_bridge()
        self.push_from_the_identity_provider()
        self.sign_in()
        self.overview()
        self.settle_with_merge()
        self.emulator_converges()
        self.find_alice()
        self.sign_out()
        # Anything the browser logged after the last page's check.
        time.sleep(0.5)
        self.console_is_clean("end")
        self.logs_hold_no_secret()

    def on_failure(self):
        if self.driver is None:
            return
        try:
            self.driver.save_screenshot(os.path.join(self.output, "failure.png"))
            with open(os.path.join(self.output, "failure.html"), "w") as f:
                f.write(self.driver.page_source)
            say(f"failure.png and failure.html: the page at {self.driver.current_url}")
        except Exception as error:  # the browser may be the thing that failed
            say(f"no failure screenshot: {error}")

    def stop(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception as error:
                say(f"stopping the browser: {error}")
        with open(os.path.join(self.output, "browser-console.log"), "w") as f:
            f.write("".join(line + "\n" for line in self.console_entries))
        for child in reversed(self.children):
            child.stop()
        if os.environ.get("BROWSER_TEST_KEEP") == "1":
            say(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def main():
    output = os.path.abspath(os.environ.get("BROWSER_TEST_OUTPUT", ".build-browser/output"))
    os.makedirs(output, exist_ok=True)
    for name in os.listdir(output):
        if name.endswith((".png", ".log", ".html")):
            os.remove(os.path.join(output, name))

    # SIGTERM (timeout(1), CI) stops the children and the browser like any failure. Once: timeout(1)
    # signals the process and then its whole group, and the second must not interrupt the cleanup.
    def terminated(number, _frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        raise CannotRun(f"stopped by {signal.Signals(number).name} (BROWSER_TEST_TIMEOUT ran out, or CI stopped)")

    signal.signal(signal.SIGTERM, terminated)
    signal.signal(signal.SIGHUP, terminated)

    test = ConsoleTest(output)
    started = time.monotonic()
    status = 0
    try:
        test.run()
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        test.on_failure()
        status = 1
    except NoSuchElementException as missing:
        # A page without an element the test looks for is a failed check, not a broken test.
        say(f"FAILED: at {test.driver.current_url}, {missing.msg}")
        test.on_failure()
        status = 1
    except CannotRun as failure:
        say(f"could not run: {failure}")
        test.on_failure()
        status = 2
    except Exception:
        say("could not run: " + traceback.format_exc())
        test.on_failure()
        status = 2
    finally:
        test.stop()
    if status:
        for child in test.children:
            say(f"last lines of {child.log_path}:\n{child.tail(15)}")
    say(f"output (screenshots, logs): {output}")
    say(f"{'passed' if status == 0 else 'failed'} in {time.monotonic() - started:.1f} s")
    # The plain closing line CI reads: one test, the console in a browser.
    print(f"browser: {1 if status == 0 else 0} passed, {0 if status == 0 else 1} failed", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
