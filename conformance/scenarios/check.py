#!/usr/bin/env python3
"""Checks traffic fixtures against docs/traffic-fixtures.md (Python 3 standard library only).

Usage: check.py [FILE_OR_DIR ...]   (default: the folder this script is in)
Exit status 0 when every fixture is well-formed, 1 otherwise; problems go to stderr.
"""

import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

IDPS = {"pingone", "okta", "entra", "other"}
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
TOP_KEYS = {"name", "idp", "description", "steps"}
STEP_KEYS = {"request", "expect", "capture", "note"}
REQUEST_KEYS = {"method", "path", "headers", "body"}
EXPECT_KEYS = {"class", "ref", "why", "status", "body", "absent", "headers"}
CLASSES = {"rfc", "idp", "bridge"}
ARRAY_OPERATORS = {"$contains", "$unordered"}
PREDEFINED = {"baseURL", "run"}

NAME = r"[A-Za-z0-9_.-]+"
PLACEHOLDER = re.compile(r"\{\{(" + NAME + r")\}\}")
VALID_NAME = re.compile(r"^" + NAME + r"$")
# RFC 3986 pchar plus "/" and "?": unreserved, sub-delims, ":", "@", and percent-escapes.
PATH_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$")


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, message):
        self.items.append(f"{where}: {message}")


def parse_path(text):
    """Splits a capture/absent path into segments; a `urn:` segment runs to the first '.' after its last ':'."""
    segments = []
    rest = text
    while rest:
        if rest.lower().startswith("urn:"):
            colon = rest.rfind(":")
            dot = rest.find(".", colon)
        else:
            dot = rest.find(".")
        if dot == -1:
            segments.append(rest)
            break
        segments.append(rest[:dot])
        rest = rest[dot + 1:]
        if not rest:
            segments.append("")
    return segments


def check_path_syntax(text, where, problems):
    if not isinstance(text, str) or not text:
        problems.add(where, f"a path must be a non-empty string, got {text!r}")
        return
    if any(seg == "" for seg in parse_path(text)):
        problems.add(where, f"path {text!r} has an empty segment")
    if "{{" in text:
        problems.add(where, f"path {text!r}: placeholders are not substituted in capture/absent paths")


def placeholders_in(text, where, problems):
    """Names used in a string; reports `{{`/`}}` that do not form a valid placeholder."""
    names = PLACEHOLDER.findall(text)
    leftover = PLACEHOLDER.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        problems.add(where, f"malformed placeholder in {text!r}")
    return names


def strings_in(value):
    """Every string value (not object key) inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)


def check_request_path(path, where, problems):
    if not isinstance(path, str) or not path.startswith("/"):
        problems.add(where, f"request.path must be a string starting with '/', got {path!r}")
        return
    if path.startswith("//"):
        problems.add(where, "request.path must be relative to the channel base URL (one leading '/')")
    bare = PLACEHOLDER.sub("X", path)
    if not PATH_CHARS.match(bare):
        bad = sorted({c for c in bare if not PATH_CHARS.match(c)})
        problems.add(where, f"request.path has characters that must be percent-encoded: {bad!r}")
    for m in re.finditer(r"%(.{0,2})", bare):
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", m.group(1)):
            problems.add(where, f"request.path has a bad percent-escape near {bare[m.start():m.start() + 3]!r}")
    if "?" in bare:
        query = bare.split("?", 1)[1]
        if "?" in query:
            problems.add(where, "request.path has a second '?'; encode it as %3F")
        if "+" in query:
            problems.add(where, "request.path has a raw '+' in the query; write a space as %20 and a plus as %2B")
        for pair in query.split("&"):
            if not pair:
                problems.add(where, "request.path has an empty query parameter")
                continue
            key, sep, value = pair.partition("=")
            if not sep or not key:
                problems.add(where, f"query parameter {pair!r} is not key=value")
            try:
                unquote_to_bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                problems.add(where, f"query value {value!r} does not decode to UTF-8")


def check_pattern(value, where, problems, member=False):
    """Operator use inside expect.body."""
    if isinstance(value, str):
        if value == "$absent" and not member:
            problems.add(where, '"$absent" is only valid as the value of an object member')
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_pattern(v, f"{where}[{i}]", problems)
    elif isinstance(value, dict):
        ops = ARRAY_OPERATORS & set(value)
        if ops:
            if len(value) != 1:
                problems.add(where, f"an object with {sorted(ops)} must have no other key")
            for op in ops:
                if not isinstance(value[op], list):
                    problems.add(where, f"{op} takes an array")
                else:
                    for i, v in enumerate(value[op]):
                        check_pattern(v, f"{where}.{op}[{i}]", problems)
            return
        lowered = [k.lower() for k in value]
        if len(set(lowered)) != len(lowered):
            problems.add(where, "object has keys that differ only in case (keys match case-insensitively)")
        for k, v in value.items():
            check_pattern(v, f"{where}.{k}", problems, member=True)


def check_fixture(file, problems):
    where = str(file)
    try:
        with open(file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as error:
        problems.add(where, f"not readable JSON: {error}")
        return 0
    if not isinstance(doc, dict):
        problems.add(where, "top level must be an object")
        return 0
    for key in TOP_KEYS - set(doc):
        problems.add(where, f"missing top-level key {key!r}")
    for key in set(doc) - TOP_KEYS:
        problems.add(where, f"unknown top-level key {key!r}")
    if doc.get("name") != file.stem:
        problems.add(where, f"name {doc.get('name')!r} must equal the file name {file.stem!r}")
    idp = doc.get("idp")
    if idp not in IDPS:
        problems.add(where, f"idp must be one of {sorted(IDPS)}, got {idp!r}")
    elif file.parent.name != idp:
        problems.add(where, f"idp {idp!r} but the file is in folder {file.parent.name!r}")
    if not isinstance(doc.get("description"), str) or not doc.get("description", "").strip():
        problems.add(where, "description must be a non-empty string")
    steps = doc.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.add(where, "steps must be a non-empty array")
        return 0

    defined = set(PREDEFINED)
    for n, step in enumerate(steps, start=1):
        at = f"{where}: step {n}"
        if not isinstance(step, dict):
            problems.add(at, "a step must be an object")
            continue
        for key in {"request", "expect"} - set(step):
            problems.add(at, f"missing {key!r}")
        for key in set(step) - STEP_KEYS:
            problems.add(at, f"unknown key {key!r}")
        if "note" in step and not isinstance(step["note"], str):
            problems.add(at, "note must be a string")

        request = step.get("request", {})
        used_in_request = []
        if not isinstance(request, dict):
            problems.add(at, "request must be an object")
            request = {}
        for key in {"method", "path"} - set(request):
            problems.add(at, f"request is missing {key!r}")
        for key in set(request) - REQUEST_KEYS:
            problems.add(at, f"request has unknown key {key!r}")
        method = request.get("method")
        if "method" in request and method not in METHODS:
            problems.add(at, f"request.method must be one of {sorted(METHODS)}, got {method!r}")
        if "path" in request:
            check_request_path(request["path"], at, problems)
            if isinstance(request["path"], str):
                used_in_request += placeholders_in(request["path"], at, problems)
        headers = request.get("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            problems.add(at, "request.headers must be an object of strings")
            headers = {}
        names = {k.lower() for k in headers}
        if "authorization" in names:
            problems.add(at, "request.headers must not contain Authorization (the runner adds it)")
        for v in headers.values():
            used_in_request += placeholders_in(v, at, problems)
        if "body" in request:
            if "content-type" not in names:
                problems.add(at, "a request with a body must set Content-Type")
            if method in {"GET", "DELETE"}:
                problems.add(at, f"a {method} request must not have a body")
            for s in strings_in(request["body"]):
                used_in_request += placeholders_in(s, at, problems)
        for name in used_in_request:
            if name not in defined:
                problems.add(at, f"request uses {{{{{name}}}}} before it is captured")

        capture = step.get("capture", {})
        if not isinstance(capture, dict):
            problems.add(at, "capture must be an object")
            capture = {}
        for name, path in capture.items():
            if not VALID_NAME.match(name):
                problems.add(at, f"capture name {name!r} is not letters, digits, '_', '-', '.'")
            if name in defined:
                problems.add(at, f"capture name {name!r} is already defined")
            check_path_syntax(path, f"{at}: capture {name!r}", problems)
        defined |= set(capture)

        expect = step.get("expect", {})
        parts = expect if isinstance(expect, list) else [expect]
        if not parts or not all(isinstance(p, dict) for p in parts):
            problems.add(at, "expect must be an object or a non-empty array of objects")
            continue
        statuses = [p["status"] for p in parts if "status" in p]
        if not statuses:
            problems.add(at, "no part of expect names the status")
        for i, part in enumerate(parts, start=1):
            check_expectation(part, f"{at}: expect part {i}" if len(parts) > 1 else at, defined, problems)
    return len(steps)


def check_expectation(expect, at, defined, problems):
    for key in set(expect) - EXPECT_KEYS:
        problems.add(at, f"expect has unknown key {key!r}")
    kind = expect.get("class", "bridge")
    if kind not in CLASSES:
        problems.add(at, f"class must be one of {sorted(CLASSES)}, got {kind!r}")
    if kind in ("rfc", "idp") and not (isinstance(expect.get("ref"), str) and expect["ref"].strip()):
        problems.add(at, f"a {kind} expectation names its source in ref")
    if kind == "rfc" and "RFC 764" not in expect.get("ref", ""):
        problems.add(at, "an rfc expectation's ref names a section of RFC 7643 or RFC 7644")
    codes = []
    if "status" in expect:
        status = expect["status"]
        codes = status if isinstance(status, list) else [status]
        for code in codes:
            if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
                problems.add(at, f"expect.status must be an HTTP status or an array of them, got {status!r}")
    used_in_expect = []
    if "body" in expect:
        body = expect["body"]
        if codes == [204] and body is not None:
            problems.add(at, "a 204 answer has no body; write \"body\": null")
        if body == "$absent":
            problems.add(at, '"$absent" cannot be the whole body')
        check_pattern(body, f"{at}: expect.body", problems)
        for s in strings_in(body):
            used_in_expect += placeholders_in(s, at, problems)
    absent = expect.get("absent", [])
    if not isinstance(absent, list):
        problems.add(at, "expect.absent must be an array of paths")
        absent = []
    for path in absent:
        check_path_syntax(path, f"{at}: expect.absent", problems)
    eheaders = expect.get("headers", {})
    if not isinstance(eheaders, dict) or not all(isinstance(v, str) for v in eheaders.values()):
        problems.add(at, "expect.headers must be an object of strings")
        eheaders = {}
    for v in eheaders.values():
        used_in_expect += placeholders_in(v, at, problems)
    for name in used_in_expect:
        if name not in defined:
            problems.add(at, f"expect uses {{{{{name}}}}} before it is captured")


def main(argv):
    roots = [Path(a) for a in argv] or [Path(__file__).resolve().parent]
    files = []
    for root in roots:
        files += sorted(root.rglob("*.json")) if root.is_dir() else [root]
    problems = Problems()
    steps = sum(check_fixture(f, problems) for f in files)
    for item in problems.items:
        print(item, file=sys.stderr)
    if not files:
        print("no fixtures found", file=sys.stderr)
        return 1
    print(f"{len(files)} fixtures, {steps} steps, {len(problems.items)} problems")
    return 1 if problems.items else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
