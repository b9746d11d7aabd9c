#!/usr/bin/python3
"""Validates captured MQTT payloads against docs/schemas/*.schema.json.

    validate.py SCHEMA_DIR MESSAGES.jsonl [--require a,b] [--require-event-types x,y]

Each line of MESSAGES.jsonl is {"schema": NAME, "expect": "valid"|"invalid", "payload": TEXT}:
TEXT is the raw payload as it travelled (it may not even be JSON). NAME picks
SCHEMA_DIR/NAME.schema.json. Prints one line per message that broke its expectation, then
"count SCHEMA N" for every schema with valid messages and "count event:TYPE N" per event type.
Exit 0 when every expectation held and every required schema / event type was seen valid at
least once; 1 otherwise; 2 on bad usage or a schema that is not itself a valid schema.
"""
import argparse
import collections
import json
import os
import sys

import jsonschema


def load_schemas(folder):
    schemas = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[name[: -len(".schema.json")]] = jsonschema.Draft202012Validator(schema)
    return schemas


def problem(validator, payload):
    """None when payload is a JSON document the validator accepts, else why not."""
    try:
        doc = json.loads(payload)
    except ValueError as e:
        return "not JSON: %s" % e
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "(top)"
    return "%s: %s" % (where, best.message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("schema_dir")
    ap.add_argument("messages")
    ap.add_argument("--require", default="")
    ap.add_argument("--require-event-types", default="")
    args = ap.parse_args()
    try:
        schemas = load_schemas(args.schema_dir)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print("bad schema: %s" % e)
        return 2

    failures = 0
    counts = collections.Counter()
    with open(args.messages, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            name, expect, payload = entry["schema"], entry.get("expect", "valid"), entry["payload"]
            if name not in schemas:
                print("line %d: no schema %s" % (number, name))
                failures += 1
                continue
            why = problem(schemas[name], payload)
            if expect == "valid" and why is not None:
                print("INVALID %s: %s\n  payload: %s" % (name, why, payload))
                failures += 1
            elif expect == "invalid" and why is None:
                print("ACCEPTED (should be rejected) %s: %s" % (name, payload))
                failures += 1
            elif expect == "valid":
                counts[name] += 1
                if name == "event":
                    counts["event:" + json.loads(payload)["type"]] += 1
            else:
                counts["rejected " + name] += 1

    for key in sorted(counts):
        print("count %s %d" % (key, counts[key]))
    required = [s for s in args.require.split(",") if s]
    required += ["event:" + t for t in args.require_event_types.split(",") if t]
    for key in required:
        if counts[key] == 0:
            print("MISSING: no valid %s message" % key)
            failures += 1
    print("ok" if failures == 0 else "%d failure(s)" % failures)
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
