#!/usr/bin/python3
"""Logs in on the farmgate page and clicks "Hold OFF" for one actuator, in headless Chromium
driven through chromedriver (WebDriver is plain HTTP + JSON: no websocket library needed).

usage: page_click.py URL PASSWORD POINT PROFILE_DIR SCREENSHOT_PNG
Exit 0 when the page answered "Done" for the hold; 1 with the reason otherwise.
chromedriver listens on a free 127.0.0.1 port and is always stopped; its log is kept in
PROFILE_DIR."""
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


ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=390,1600", "--lang=en-US", "--accept-lang=en-US",
        # chromedriver talks to Chromium over a pipe, not a DevTools port on "localhost" (a
        # fresh Debian root may have no /etc/hosts to resolve it: "unable to connect to renderer")
        "--remote-debugging-pipe"]


def start_session(profile):
    """A chromedriver on a free port and a Chromium session in it: (driver, base, sid).

    Chromium on a loaded 2-core CI machine now and then fails to start in time or loses its
    renderer at once (chromedriver answers 500 "session not created"). Each attempt gets a
    fresh chromedriver and a fresh profile; a failed one prints why, with the tail of
    chromedriver's log."""
    os.makedirs(profile, exist_ok=True)
    for attempt in range(4):
        port = free_port()
        log = os.path.join(profile, "chromedriver-%d.log" % attempt)
        driver = subprocess.Popen(["chromedriver", "--port=%d" % port, "--allowed-ips=127.0.0.1",
                                   "--log-path=" + log],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = "http://127.0.0.1:%d" % port
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ARGS + ["--user-data-dir=" + os.path.join(profile, str(attempt))]}}}}
        try:
            wait_for("chromedriver", lambda: call(base, "GET", "/status").get("ready"))
            return driver, base, call(base, "POST", "/session", caps)["sessionId"]
        except (urllib.error.URLError, OSError, SystemExit) as e:
            why = e.read().decode(errors="replace")[:300] if isinstance(e, urllib.error.HTTPError) else str(e)
            tail = ""
            if os.path.exists(log):
                with open(log, errors="replace") as f:
                    tail = "".join(f.readlines()[-15:])
            print("chromedriver: session not created (attempt %d): %s\n%s" % (attempt + 1, why, tail),
                  file=sys.stderr)
            stop(driver)
            if attempt == 3:
                raise
            time.sleep(3)


def stop(driver):
    driver.terminate()
    try:
        driver.wait(5)
    except subprocess.TimeoutExpired:
        driver.kill()


def main():
    url, password, point, profile, shot = sys.argv[1:6]
    driver, base, sid = start_session(profile)
    try:
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
        try:
            call(base, "DELETE", "/session/" + sid)
        except Exception:
            pass
        stop(driver)


if __name__ == "__main__":
    sys.exit(main())
