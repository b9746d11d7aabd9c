#!/usr/bin/env python3
"""tools/demo's live view: reads `mosquitto_sub -v` lines (TOPIC PAYLOAD) of farmgate's MQTT
topics on stdin and prints what the platform receives, compactly:

  19:26  pond1    DO 3.98 mg/L  sat 50.6 %  water 26.9 °C | aerator ON  feeder off
  19:26  >> pond1_relay.aerator ON  (rule aerate-low-oxygen)
  01:02  !! ALARM frost raised [warning]: Frost risk: 1.9 °C outside

Readings are summed up every --every seconds (one line per view line that got new readings);
events (actuator changes, alarms, faults, config, commands) are printed as they arrive. The
time shown is farmsim's simulated clock: start + speed x (reading ts - epoch)."""
import argparse
import json
import os
import select
import signal
import sys
import time

COLOR = sys.stdout.isatty()


def paint(text, code):
    return f"\033[{code}m{text}\033[0m" if COLOR else text


class SimClock:
    def __init__(self, epoch_ms, start_s, speed):
        self.epoch_ms, self.start_s, self.speed = epoch_ms, start_s, speed

    def at(self, ts_ms):
        s = self.start_s + self.speed * (ts_ms - self.epoch_ms) / 1000.0
        m = int(s // 60)
        day = m // 1440
        text = f"{(m // 60) % 24:02d}:{m % 60:02d}"
        return text if day == 0 else f"{text}+{day}d"

    def now(self):
        return self.at(time.time() * 1000)


def number(v, unit=""):
    """Compact: booleans as ON/off, mg/L and pH with two decimals, counts (µS/cm, degrees)
    as whole numbers, the rest with one decimal."""
    if v is None:
        return "--"
    if isinstance(v, bool):
        return "ON" if v else "off"
    if unit in ("mg/L", "pH"):
        return f"{v:.2f}"
    if float(v).is_integer() and unit in ("", "°", "µS/cm", "mg/kg"):
        return f"{v:.0f}"
    return f"{v:.1f}"


class View:
    def __init__(self, lines, clock):
        self.lines, self.clock = lines, clock
        self.latest = {}   # point -> reading
        self.fresh = set()
        self.width = max(len(l["label"]) for l in lines)

    def reading(self, r):
        self.latest[r["point"]] = r
        self.fresh.add(r["point"])

    def flush(self):
        out = []
        for line in self.lines:
            points = [p for _, p in line["values"] + line["actuators"]]
            if not any(p in self.fresh for p in points):
                continue
            parts = []
            for label, p in line["values"]:
                r = self.latest.get(p)
                if r is None:
                    continue
                if r.get("quality") != "good":
                    parts.append(f"{label} {paint(r.get('quality', '?'), '33')}")
                else:
                    unit = r.get("unit", "")
                    sep = "" if unit == "°" else " "
                    parts.append(f"{label} {number(r['value'], unit)}{sep}{unit}".rstrip())
            acts = []
            for label, p in line["actuators"]:
                r = self.latest.get(p)
                if r is None:
                    continue
                state = number(r["value"]) if r.get("quality") == "good" else r.get("quality")
                acts.append(f"{label} {paint(state, '1;32') if state == 'ON' else state}")
            text = "  ".join(parts) + (" | " + "  ".join(acts) if acts else "")
            out.append(f"{self.clock.now()}  {line['label']:<{self.width}}  {text}")
        self.fresh.clear()
        if out:
            print("\n".join(out), flush=True)


def event_line(e, clock):
    t = clock.at(e.get("ts", time.time() * 1000))
    kind = e.get("type")
    if kind == "actuator":
        state = "ON" if e.get("value") is True else "off" if e.get("value") is False else e.get("value")
        text = f">> {e.get('point')} {state}  ({e.get('reason', '')})"
        return f"{t}  {paint(text, '1;36')}"
    if kind == "alarm":
        text = f"!! ALARM {e.get('name')} {e.get('state')} [{e.get('severity')}]: {e.get('message', '')}"
        return f"{t}  {paint(text, '1;31' if e.get('state') == 'raised' else '32')}"
    if kind == "fault":
        where = " ".join(str(e[k]) for k in ("device", "bus", "point") if e.get(k))
        text = f"!! FAULT {e.get('source')} {where}: {e.get('message', '')}"
        return f"{t}  {paint(text, '33')}"
    if kind == "config":
        return f"{t}  -- config {e.get('state')}: {e.get('message', '')}"
    if kind == "command":
        return f"{t}  -- command {e.get('id')} {e.get('op')} {e.get('point', '')} ok={e.get('ok')}"
    return f"{t}  -- {kind}: {json.dumps(e)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--view", required=True)
    ap.add_argument("--epoch-ms", type=float, required=True)
    ap.add_argument("--start", default="18:00")
    ap.add_argument("--speed", type=float, default=120)
    ap.add_argument("--every", type=float, default=5)
    a = ap.parse_args()
    h, m = a.start.split(":")
    clock = SimClock(a.epoch_ms, int(h) * 3600 + int(m) * 60, a.speed)
    with open(a.view) as f:
        view = View(json.load(f)["lines"], clock)

    next_flush = time.monotonic() + a.every
    fd, pending = sys.stdin.fileno(), b""
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, next_flush - time.monotonic()))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                handle(line.decode("utf-8", "replace"), view, clock)
        if time.monotonic() >= next_flush:
            view.flush()
            next_flush = time.monotonic() + a.every


def handle(line, view, clock):
    topic, _, payload = line.partition(" ")
    try:
        msg = json.loads(payload)
    except ValueError:
        return
    if topic.endswith("/telemetry"):
        for r in msg.get("readings", []):
            view.reading(r)
    elif topic.endswith("/events"):
        print(event_line(msg, clock), flush=True)
    elif topic.endswith("/status") and "state" in msg and "buffer" not in msg:
        extra = f" version {msg['version']}" if msg.get("version") else ""
        print(f"{clock.now()}  -- gateway {msg['state']}{extra}", flush=True)

if __name__ == "__main__":
    # tools/demo stops the view with SIGTERM: leave quietly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
