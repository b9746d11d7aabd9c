#!/usr/bin/python3
"""Logs in on the farmgate page and clicks "Hold OFF" for one actuator, in headless Chromium
driven through chromedriver (WebDriver is plain HTTP + JSON: no websocket library needed).

usage: page_click.py URL PASSWORD POINT PROFILE_DIR SCREENSHOT_PNG
Exit 0 when the page answered "Done" for the hold; 1 with the reason otherwise.
chromedriver listens on a free 127.0.0.1 port and is always stopped."""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)["value"]


def wait_for(what, fn, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or no such element yet
        time.sleep(0.2)
    raise SystemExit("timed out waiting for " + what)


def main():
    url, password, point, profile, shot = sys.argv[1:6]
    port = free_port()
    driver = subprocess.Popen(["chromedriver", "--port=%d" % port, "--allowed-ips=127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    sid = None
    try:
        wait_for("chromedriver", lambda: call(base, "GET", "/status").get("ready"))
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=390,1600",
                "--lang=en-US", "--accept-lang=en-US"]
        # Chromium on a loaded 2-core CI machine now and then fails to start in time
        # (chromedriver answers 500 "session not created"): try again, with a fresh profile,
        # and say why each failed attempt failed.
        for attempt in range(3):
            run_args = args[:]
            run_args[run_args.index("--user-data-dir=" + profile)] = \
                "--user-data-dir=" + os.path.join(profile, str(attempt))  # inside the test's temp dir
            caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
                "binary": "/usr/bin/chromium", "args": run_args}}}}
            try:
                sid = call(base, "POST", "/session", caps)["sessionId"]
                break
            except urllib.error.HTTPError as e:
                print("chromedriver: session not created (attempt %d): %s"
                      % (attempt + 1, e.read().decode(errors="replace")[:500]), file=sys.stderr)
                if attempt == 2:
                    raise
                time.sleep(2)
        s = base + "/session/" + sid
        call(s, "POST", "/url", {"url": url})

        def element(found):
            # W3C WebDriver names the key; chromedriver in legacy mode says "ELEMENT".
            return found.get(ELEMENT) or found.get("ELEMENT")

        def find(css):
            return element(call(s, "POST", "/element", {"using": "css selector", "value": css}))

        def xfind(xpath):
            return element(call(s, "POST", "/element", {"using": "xpath", "value": xpath}))

        # The page redraws itself every refresh: an element found a moment ago may be gone
        # (a 404 "stale element"), so each action finds its element again until it lands.
        def click(what, locate):
            wait_for(what, lambda: call(s, "POST", "/element/%s/click" % locate(), {}) is None or True)

        pw = wait_for("the password field", lambda: find("#password"))
        call(s, "POST", "/element/%s/value" % pw, {"text": password})
        click("the login button", lambda: find("#login-button"))
        card = "//div[@data-actuator='%s']" % point
        click("Hold OFF", lambda: xfind(card + "//button[text()='Hold OFF']"))
        wait_for("the answer Done",
                 lambda: call(s, "GET", "/element/%s/text" % xfind(card + "//div[@class='msg']")) == "Done")
        wait_for("the reason on the page",
                 lambda: "manual hold" in call(s, "GET", "/element/%s/text" % xfind(card + "//div[@class='why']")))
        with open(shot, "wb") as f:
            f.write(base64.b64decode(call(s, "GET", "/screenshot")))
        print("held")
        return 0
    finally:
        if sid:
            try:
                call(base, "DELETE", "/session/" + sid)
            except Exception:
                pass
        driver.terminate()
        try:
            driver.wait(5)
        except subprocess.TimeoutExpired:
            driver.kill()


if __name__ == "__main__":
    sys.exit(main())
