#!/usr/bin/python3
"""Drive the ozgbus dashboard in a real, headless Chromium and check what an operator sees.

    dashboard_test.py --url http://127.0.0.1:PORT --queue NAME --min-depth N
                      --trace UUID [--deliver COMMAND] --dead-letter-uuid UUID
                      [--screenshot PATH]

Checks, in this order; the first that fails ends the run:
  1. the page loads and shows live data from the API (no connection-lost banner)
  2. the page loaded nothing from another origin (no CDN, no web fonts)
  3. the queue row NAME shows a depth >= N            (waits up to --timeout, 10 s)
  4. searching UUID with Enter shows >= 1 trace event  (within --trace-timeout, 5 s)
  5. searching it again with the button shows them again
  6. with --deliver, the shown trace stays live: after COMMAND (a back-end receiving and
     acknowledging UUID) exits, a "delivered" event appears without another search; the
     time it took is printed                         (within --trace-timeout)
  7. searching an unknown, random UUID shows "not found" and no events
  8. Replay on the dead letter whose row shows --dead-letter-uuid: a success status
     is shown and the row disappears                 (within --timeout)

Exit status: 0 all checks passed; 1 a check failed (message on stderr, screenshot
saved if --screenshot is given); 2 usage or setup error (browser cannot start,
selenium missing, page address not on this machine).

Needs Debian's python3-selenium, chromium and chromium-driver. The browser may only
reach loopback addresses: every other host name resolves to nothing and every other
address goes to a proxy that does not exist.
"""

import argparse
import ipaddress
import os
import shlex
import subprocess
import sys
import time
import uuid as uuidlib
from urllib.parse import urlsplit

EXIT_OK, EXIT_FAIL, EXIT_SETUP = 0, 1, 2


class CheckFailed(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def setup_error(msg):
    print(f"dashboard_test: setup error: {msg}", file=sys.stderr, flush=True)
    sys.exit(EXIT_SETUP)


def uuid_arg(text):
    try:
        uuidlib.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}")
    return text


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="dashboard address, e.g. http://127.0.0.1:8089/")
    ap.add_argument("--queue", required=True, help="queue whose row must show a depth >= --min-depth")
    ap.add_argument("--min-depth", required=True, type=int, help="smallest depth accepted")
    ap.add_argument("--trace", required=True, type=uuid_arg, help="message id whose trace must show events")
    ap.add_argument("--deliver",
                    help="command that receives and acknowledges the --trace message as its back-end "
                         "(the message must not be delivered yet); without it the live-trace check is left out")
    ap.add_argument("--dead-letter-uuid", required=True, type=uuid_arg,
                    help="message id of the dead letter to replay")
    ap.add_argument("--screenshot", help="on failure, save a PNG of the page here")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for the page, the queue depth, a dead-letter row and the replay")
    ap.add_argument("--trace-timeout", type=float, default=5.0, help="seconds to wait for trace events")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ap.add_argument("--show-browser", action="store_true", help="not headless (needs a display)")
    args = ap.parse_args()
    if args.min_depth < 0:
        ap.error("--min-depth must be >= 0")
    host = urlsplit(args.url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if urlsplit(args.url).scheme not in ("http", "https") or not loopback:
        ap.error(f"--url must be http(s) on a loopback address (127.0.0.1, ::1, localhost), not {args.url!r}")
    return args


def start_browser(args):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        setup_error("selenium is not importable; install Debian's python3-selenium and run with /usr/bin/python3")
    for path in (args.chromium, args.chromedriver):
        if not os.access(path, os.X_OK):
            setup_error(f"{path} not found; apt-get install chromium chromium-driver")

    opts = webdriver.ChromeOptions()
    opts.binary_location = args.chromium
    flags = [
        "--no-sandbox",                # root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,2000",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
        "--metrics-recording-only",
        # nothing but this machine: names other than localhost do not resolve, and
        # whatever is not loopback goes to a proxy on a port where nobody listens
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE [::1]",
        "--proxy-server=http://127.0.0.1:9",
    ]
    if not args.show_browser:
        flags.insert(0, "--headless=new")
    for f in flags:
        opts.add_argument(f)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver, log_path=os.devnull),
                                  options=opts)
    except Exception as e:  # selenium raises several kinds here
        setup_error(f"cannot start Chromium through {args.chromedriver}: {str(e).strip().splitlines()[0]}")
    driver.set_page_load_timeout(max(15.0, args.timeout))
    driver.set_script_timeout(10)
    return driver


class Dashboard:
    """The page, seen through the data-testid attributes it promises (API.md)."""

    def __init__(self, driver, args):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
        self.By, self.Keys = By, Keys
        self.NoAlert, self.Stale = NoAlertPresentException, StaleElementReferenceException
        self.d = driver
        self.args = args

    # --- helpers

    def tid(self, testid, within=None):
        return (within or self.d).find_elements(self.By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def one(self, testid):
        found = self.tid(testid)
        if not found:
            raise CheckFailed(f'the page has no element with data-testid="{testid}"')
        return found[0]

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    @staticmethod
    def wait(timeout, probe, interval=0.1):
        """Calls probe() until it returns something true or timeout seconds passed; returns the last value."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value or time.monotonic() >= deadline:
                return value
            time.sleep(interval)

    def text_of(self, testid):
        return self.js('const e = document.querySelector(`[data-testid="${arguments[0]}"]`);'
                       'return e ? e.innerText.trim() : null;', testid)

    def visible_trace_events(self):
        return self.js("""
            return Array.from(document.querySelectorAll('[data-testid="trace-event"]'))
              .filter(e => e.getClientRects().length > 0)
              .map(e => ({event: e.dataset.event || '', text: e.innerText.trim()}));""")

    def dismiss_alert(self):
        try:
            alert = self.d.switch_to.alert
        except self.NoAlert:
            return None
        text = alert.text
        alert.accept()
        return text

    # --- checks

    def check_loaded(self):
        t = self.args.timeout
        self.d.get(self.args.url)
        state = self.wait(t, lambda: self.js(
            "return document.documentElement.dataset.connection === 'ok' ? 'ok' : null"))
        if state:
            return f"connected; broker version {self.text_of('broker-version')!r}"
        if not self.tid("status-line"):
            raise CheckFailed(f"{self.args.url} did not load the dashboard (title {self.d.title!r})")
        banner = self.text_of("connection-banner") or "(no banner shown)"
        raise CheckFailed(f"no live data from the API within {t:g} s; the page says: {banner}")

    def check_same_origin(self):
        foreign = self.js("""
            const here = location.origin;
            const urls = performance.getEntriesByType('resource').map(e => e.name).concat(
              Array.from(document.querySelectorAll('script[src], link[href], img[src], iframe[src], source[src]'))
                .map(e => e.src || e.href));
            return [...new Set(urls)].filter(u => {
              if (u.startsWith('data:')) return false;
              try { return new URL(u, location.href).origin !== here; } catch (e) { return true; }
            });""")
        if foreign:
            raise CheckFailed("the page loads resources from elsewhere: " + ", ".join(foreign))
        if not self.js("return !!document.querySelector('link[rel=stylesheet]') && document.styleSheets.length > 0 "
                       "&& getComputedStyle(document.body).margin === '0px'"):
            raise CheckFailed("style.css was not applied")
        return "all resources from " + self.js("return location.origin")

    def check_queue_depth(self):
        name, need, t = self.args.queue, self.args.min_depth, self.args.timeout
        seen = {}

        def probe():
            rows = self.js("""
                return Array.from(document.querySelectorAll('[data-testid="queue-row"]')).map(r => {
                  const d = r.querySelector('[data-testid="queue-depth"]');
                  return {queue: r.dataset.queue, visible: r.getClientRects().length > 0,
                          depth: d ? d.innerText.trim() : null};
                });""")
            seen["names"] = [r["queue"] for r in rows]
            row = next((r for r in rows if r["queue"] == name), None)
            if row is None:
                return False
            seen["row"] = row
            digits = (row["depth"] or "").replace(",", "").replace("\u202f", "").replace(" ", "")
            seen["depth"] = int(digits) if digits.isdigit() else None
            return row["visible"] and seen["depth"] is not None and seen["depth"] >= need

        if self.wait(t, probe, interval=0.2):
            return f"depth {seen['depth']} >= {need}"
        if "row" not in seen:
            raise CheckFailed(f"no row for queue {name!r} within {t:g} s; queues shown: {seen.get('names')}")
        row = seen["row"]
        if not row["visible"]:
            raise CheckFailed(f"the row of queue {name!r} is not visible")
        if seen["depth"] is None:
            raise CheckFailed(f"queue {name!r}: depth cell shows {row['depth']!r}, not a number")
        raise CheckFailed(f"queue {name!r}: depth stayed below {need} for {t:g} s (last shown {seen['depth']})")

    def _await_trace(self, uuid, how):
        t = self.args.trace_timeout
        result = {}

        def probe():
            st = self.js("""
                const s = document.querySelector('[data-testid="trace-status"]');
                const l = document.querySelector('[data-testid="trace-events"]');
                return {state: s ? s.dataset.state || '' : '', text: s ? s.innerText.trim() : '',
                        uuid: l ? l.dataset.uuid || '' : ''};""")
            result["status"] = st
            if st["state"] in ("not-found", "error", "invalid", "empty"):
                return True
            events = self.visible_trace_events()
            result["events"] = events
            return bool(events) and st["uuid"].lower() == uuid.lower()

        self.wait(t, probe)
        st, events = result["status"], result.get("events") or []
        if st["state"] in ("not-found", "error", "invalid", "empty") or not events:
            raise CheckFailed(f"{how}: no trace event shown within {t:g} s; the page says: {st['text']!r}")
        names = [e["event"] for e in events]
        return f"{how}: {len(events)} events ({names[0]} … {names[-1]})"

    def check_trace_enter(self):
        uuid = self.args.trace
        box = self.one("trace-search")
        box.clear()
        box.send_keys(uuid + self.Keys.ENTER)
        return self._await_trace(uuid, "Enter")

    def check_trace_button(self):
        uuid = self.args.trace
        old = self.tid("trace-event")
        box = self.one("trace-search")
        box.clear()
        box.send_keys(uuid)
        self.one("trace-submit").click()
        if old:
            def replaced():
                try:
                    old[0].is_enabled()
                    return False
                except self.Stale:
                    return True
            if not self.wait(self.args.trace_timeout, replaced):
                raise CheckFailed("clicking the search button did not start a new search "
                                  "(the previous trace stayed in place)")
        return self._await_trace(uuid, "button")

    def check_trace_live(self):
        if any(e["event"] == "delivered" for e in self.visible_trace_events()):
            raise CheckFailed("the trace shows 'delivered' before the back-end received the message")
        done = subprocess.run(shlex.split(self.args.deliver), capture_output=True, text=True, timeout=60)
        acknowledged = time.monotonic()
        if done.returncode != 0:
            raise CheckFailed(f"the delivering command failed ({done.returncode}): {done.stderr.strip()[:300]}")
        t = self.args.trace_timeout
        if not self.wait(t, lambda: any(e["event"] == "delivered" for e in self.visible_trace_events()),
                         interval=0.02):
            raise CheckFailed(f"'delivered' did not appear in the shown trace within {t:g} s "
                              f"(the page says: {self.text_of('trace-status')!r})")
        return f"'delivered' shown {time.monotonic() - acknowledged:.2f} s after the back-end acknowledged"

    def check_trace_not_found(self):
        unknown = str(uuidlib.uuid4())
        box = self.one("trace-search")
        box.clear()
        box.send_keys(unknown)
        self.one("trace-submit").click()
        t = self.args.trace_timeout
        st = self.wait(t, lambda: (lambda s: s if s and "not found" in s.lower() else None)(
            self.text_of("trace-status")))
        if not st:
            raise CheckFailed(f"unknown id {unknown}: no 'not found' text within {t:g} s; "
                              f"the page says: {self.text_of('trace-status')!r}")
        events = self.visible_trace_events()
        if events:
            raise CheckFailed(f"unknown id {unknown}: 'not found' shown, but also {len(events)} trace events")
        return f"{unknown}: {st!r}"

    def _dlq_rows(self):
        return self.js("""
            return Array.from(document.querySelectorAll('[data-testid="dlq-row"]')).map(r => {
              const u = r.querySelector('[data-testid="dlq-uuid"]');
              return {id: r.dataset.id || '', uuid: u ? u.innerText.trim() : ''};
            });""")

    def check_replay(self):
        uuid, t = self.args.dead_letter_uuid.lower(), self.args.timeout
        found = {}

        def probe():
            rows = self._dlq_rows()
            found["rows"] = rows
            found["row"] = next((r for r in rows if r["uuid"].lower() == uuid), None)
            return found["row"]

        if not self.wait(t, probe, interval=0.2):
            shown = [r["uuid"] for r in found.get("rows", [])]
            raise CheckFailed(f"no dead-letter row shows {uuid} within {t:g} s; rows show: {shown}")
        dlq_id = found["row"]["id"]
        if not dlq_id:
            raise CheckFailed(f"the dead-letter row of {uuid} has no data-id")
        before = self.text_of("status-line")

        for attempt in range(3):       # the row may be redrawn between finding and clicking
            try:
                row = self.d.find_element(self.By.CSS_SELECTOR, f'[data-testid="dlq-row"][data-id="{dlq_id}"]')
                buttons = self.tid("dlq-replay", within=row)
                if not buttons:
                    raise CheckFailed(f"dead letter {dlq_id} ({uuid}) has no Replay button")
                buttons[0].click()
                break
            except self.Stale:
                if attempt == 2:
                    raise CheckFailed(f"the row of dead letter {dlq_id} kept changing; could not click Replay")
        alert = self.dismiss_alert()

        status = {}

        def settled():
            s = self.js("""
                const e = document.querySelector('[data-testid="status-line"]');
                return e ? {state: e.dataset.status || '', text: e.innerText.trim()} : null;""")
            status.update(s or {})
            return s and s["state"] in ("ok", "error") and s["text"] and s["text"] != before

        if not self.wait(t, settled):
            raise CheckFailed(f"after Replay of dead letter {dlq_id}: no result in the status line within {t:g} s "
                              f"(status {status.get('state')!r}: {status.get('text')!r})")
        if status["state"] != "ok":
            raise CheckFailed(f"Replay of dead letter {dlq_id} failed; the page says: {status['text']!r}")
        gone = self.wait(t, lambda: not any(r["id"] == dlq_id for r in self._dlq_rows()), interval=0.2)
        if not gone:
            raise CheckFailed(f"Replay of dead letter {dlq_id} reported success ({status['text']!r}), "
                              f"but its row is still shown after {t:g} s")
        note = f"; a dialog was confirmed: {alert!r}" if alert else ""
        return f"dead letter {dlq_id} gone; status: {status['text']!r}{note}"


def report_failure(driver, page, args):
    try:
        page.dismiss_alert()
    except Exception:
        pass
    if args.screenshot:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
            if driver.save_screenshot(args.screenshot):
                print(f"dashboard_test: screenshot saved to {args.screenshot}", file=sys.stderr)
            else:
                print(f"dashboard_test: could not save a screenshot to {args.screenshot}", file=sys.stderr)
        except Exception as e:
            print(f"dashboard_test: could not save a screenshot: {e}", file=sys.stderr)
    try:
        entries = [e for e in driver.get_log("browser") if e.get("level") in ("SEVERE", "WARNING")]
    except Exception:
        entries = []
    for e in entries[-15:]:
        print(f"dashboard_test: browser console {e.get('level')}: {e.get('message')}", file=sys.stderr)


def main():
    args = parse_args()
    driver = start_browser(args)
    page = Dashboard(driver, args)
    checks = [
        ("page loads with live data", page.check_loaded),
        ("only same-origin resources", page.check_same_origin),
        (f"queue {args.queue} depth >= {args.min_depth}", page.check_queue_depth),
        (f"trace {args.trace} via Enter", page.check_trace_enter),
        (f"trace {args.trace} via button", page.check_trace_button),
        *([(f"trace {args.trace} updates live on delivery", page.check_trace_live)] if args.deliver else []),
        ("unknown message id shows 'not found'", page.check_trace_not_found),
        (f"replay dead letter of {args.dead_letter_uuid}", page.check_replay),
    ]
    try:
        for name, check in checks:
            try:
                detail = check()
            except CheckFailed as e:
                print(f"FAIL {name}: {e}", file=sys.stderr, flush=True)
                report_failure(driver, page, args)
                return EXIT_FAIL
            except Exception as e:   # WebDriver trouble: still a failure of this check
                first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                print(f"FAIL {name}: {type(e).__name__}: {first}", file=sys.stderr, flush=True)
                report_failure(driver, page, args)
                return EXIT_FAIL
            log(f"ok   {name}: {detail}")
        log(f"dashboard_test: all {len(checks)} checks passed")
        return EXIT_OK
    finally:
        try:
            driver.quit()
        except Exception:
            pass


if __name__ == "__main__":
    sys.exit(main())
