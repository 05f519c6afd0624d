#!/usr/bin/env python3
"""Check spec/conversations_v1.yaml against a Prism mock server.

Starts `node_modules/.bin/prism mock` on the spec (run `npm install` first), then for every
operation in the spec builds a valid request from the spec itself and asserts that Prism, which
validates requests against the spec, answers with a documented 2xx status. Each operation is sent
twice:

  minimal  every required parameter and body field, every array form field (as two repeated keys,
           `Permission=a&Permission=b`), the X-Twilio-Webhook-Enabled header where the operation
           has it, and the basic-auth header;
  full     additionally every optional query parameter and every optional body field.

For operations that return a body, the decoded JSON must equal the example the spec gives for that
response (which is what Prism serves) and must validate against the response schema (Prism's mock
does not check its own output); a list must carry `meta.key` naming its item array.
On a failure the script prints Prism's validation message. Last line:
`prism-check: N/103 operations passed`; the exit status is non-zero on any failure.

Python 3 standard library only; the YAML spec is read through the YAML parser that ships with the
installed Prism (node), so no Python package is needed.

`cargo xtask test` runs it with `--base-url` against the Prism it started for the Rust
conformance suite (tests/src/bin/conformance), which checks the generated client; this script
checks the spec itself: that Prism accepts requests built straight from it, and that its response
examples satisfy its response schemas.

usage: scripts/prism_check.py [--spec PATH] [--port N | --base-url URL] [--verbose]
"""
import argparse
import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPECTED_OPERATIONS = 103
METHODS = ("get", "put", "post", "patch", "delete")
ACCOUNT_SID = "AC" + "3f9c" * 8
AUTH_TOKEN = "prism-check-token"

# node snippet: YAML file -> JSON on stdout, with a YAML parser from Prism's dependency tree
YAML_TO_JSON = r"""
const fs = require('fs');
const text = fs.readFileSync(process.argv[1], 'utf8');
let doc;
try { doc = require('js-yaml').load(text); }
catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND') throw e;
  doc = require('@stoplight/yaml').parse(text);
}
process.stdout.write(JSON.stringify(doc));
"""


def load_spec(path):
    out = subprocess.run(["node", "-e", YAML_TO_JSON, path], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"prism-check: could not read {path}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def deref(spec, node, depth=0):
    """Resolve local $refs recursively (the spec has no cycles)."""
    if depth > 50:
        raise RuntimeError("$ref nesting too deep")
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return deref(spec, target, depth + 1)
        return {k: deref(spec, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [deref(spec, v, depth + 1) for v in node]
    return node


# ------------------------------------------------------------------ values from schemas
HEX = "0123456789abcdef"
SID_PATTERN = re.compile(r"^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$")
ANY_SID_PATTERN = "^[a-zA-Z]{2}[0-9a-fA-F]{32}$"
# path parameters without a pattern still name a resource; give them a realistic SID
PATHLESS_PREFIX = {"ConversationSid": "CH", "UserSid": "US"}
SEGMENT_PREFIX = {"Conversations": "CH", "Participants": "MB", "Users": "US", "Addresses": "IG"}


def fake_sid(prefix, salt):
    digits = "".join(HEX[(salt * 7 + i * 11 + ord(prefix[i % 2])) % 16] for i in range(32))
    return prefix + digits


def sample(schema, name, salt=0, second=False):
    """A value valid for `schema`, as the string sent on the wire (lists for arrays)."""
    if "enum" in schema:
        values = schema["enum"]
        return str(values[1 if second and len(values) > 1 else 0])
    typ = schema.get("type")
    if typ == "array":
        items = schema.get("items", {})
        return [sample(items, name, salt, second=False), sample(items, name, salt + 1, second=True)]
    if typ == "boolean":
        return "true"
    if typ == "integer" or typ == "number":
        lo = schema.get("minimum", 0)
        hi = schema.get("maximum", lo + 10)
        return str(min(max(lo, 2), hi))
    if typ == "string" or typ is None:
        pattern = schema.get("pattern")
        if pattern:
            m = SID_PATTERN.match(pattern)
            if m:
                return fake_sid(m.group(1), salt)
            if pattern == ANY_SID_PATTERN:
                return fake_sid("SM", salt)
            raise ValueError(f"{name}: no sample for pattern {pattern}")
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2024-03-05T10:20:%02dZ" % (salt % 60)
        if fmt == "uri":
            return "https://hooks.example.org/%s" % name.lower()
        value = "sample-%s-%d" % (re.sub(r"[^a-z0-9]", "", name.lower()) or "x", salt)
        if second:
            value += "b"
        lo, hi = schema.get("minLength", 0), schema.get("maxLength")
        value = value.ljust(lo, "x")
        return value[:hi] if hi else value
    raise ValueError(f"{name}: no sample for schema {schema}")


def path_value(param, path):
    schema = param.get("schema", {})
    if schema.get("pattern") or schema.get("enum"):
        return sample(schema, param["name"], salt=len(path))
    prefix = PATHLESS_PREFIX.get(param["name"])
    if prefix is None and param["name"] == "Sid":
        prefix = SEGMENT_PREFIX.get(path.split("/{Sid}")[0].rsplit("/", 1)[-1])
    return fake_sid(prefix, len(path)) if prefix else sample(schema, param["name"])


# ------------------------------------------------------------------ response validation
# Prism serves the spec's examples without checking them, so check the body against the
# response schema here (the OpenAPI 3.0 subset the spec uses).
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s]+$")
JSON_TYPES = {"string": str, "boolean": bool, "object": dict, "array": list}


def schema_errors(schema, value, where="$"):
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null but not nullable"]
    errs = []
    typ = schema.get("type")
    if typ == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{where}: {value!r} is not an integer"]
    elif typ == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{where}: {value!r} is not a number"]
    elif typ in JSON_TYPES and not isinstance(value, JSON_TYPES[typ]):
        return [f"{where}: {value!r} is not of type {typ}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append(f"{where}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append(f"{where}: longer than {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errs.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and not DATE_TIME.match(value):
            errs.append(f"{where}: {value!r} is not an RFC 3339 date-time")
        if schema.get("format") == "uri" and not URI.match(value):
            errs.append(f"{where}: {value!r} is not a URI")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{where}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{where}: above {schema['maximum']}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errs += schema_errors(schema["items"], item, f"{where}[{i}]")
    if isinstance(value, dict):
        for req in schema.get("required", []):
            if req not in value:
                errs.append(f"{where}: missing required {req}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                errs += schema_errors(sub, value[key], f"{where}.{key}")
    return errs


# ------------------------------------------------------------------ requests
def build_request(spec, path, method, op, full):
    params = [deref(spec, p) for p in op.get("parameters", [])]
    url_path = path
    query = []
    headers = {
        "Authorization": "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode(),
    }
    if any("content" in r for r in op.get("responses", {}).values()):
        headers["Accept"] = "application/json"
    for i, p in enumerate(params):
        where, name, schema = p["in"], p["name"], p.get("schema", {})
        if where == "path":
            url_path = url_path.replace("{%s}" % name, urllib.parse.quote(path_value(p, path), safe=""))
        elif where == "header":
            if name.lower() == "x-twilio-webhook-enabled" or p.get("required") or full:
                headers[name] = sample(schema, name, i)
        elif where == "query":
            if p.get("required") or full:
                value = sample(schema, name, i)
                for v in value if isinstance(value, list) else [value]:
                    query.append((name, v))
        else:
            raise ValueError(f"unsupported parameter location {where}")
    if "{" in url_path:
        raise ValueError(f"unfilled path parameter in {url_path}")
    body = None
    sent_fields = []
    rb = op.get("requestBody")
    if rb:
        content = rb["content"]
        media_type = "application/x-www-form-urlencoded"
        if media_type not in content:
            raise ValueError(f"unsupported request media types {list(content)}")
        schema = deref(spec, content[media_type]["schema"])
        required = set(schema.get("required", []))
        form = []
        for j, (field, fschema) in enumerate(schema.get("properties", {}).items()):
            if field in required or fschema.get("type") == "array" or full:
                value = sample(fschema, field, j)
                for v in value if isinstance(value, list) else [value]:
                    form.append((field, v))
                sent_fields.append(field)
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = media_type
    url = url_path + ("?" + urllib.parse.urlencode(query) if query else "")
    return url, headers, body, sent_fields


def send(base, method, url, headers, body):
    req = urllib.request.Request(base + url, data=body, headers=headers, method=method.upper())
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def prism_message(raw):
    try:
        doc = json.loads(raw)
    except ValueError:
        return raw[:300].decode("utf-8", "replace")
    parts = [doc.get("title", ""), doc.get("detail", "")]
    for v in doc.get("validation", []) or []:
        parts.append("%s: %s" % ("/".join(map(str, v.get("location", []))), v.get("message")))
    return " | ".join(p for p in parts if p)


def check_operation(spec, base, path, method, op, full):
    url, headers, body, _ = build_request(spec, path, method, op, full)
    status, raw = send(base, method, url, headers, body)
    documented = op.get("responses", {})
    if not 200 <= status < 300:
        return f"HTTP {status} for {method.upper()} {url}: {prism_message(raw)}"
    if str(status) not in documented:
        return f"HTTP {status} is not a documented response ({list(documented)})"
    media = documented[str(status)].get("content", {}).get("application/json")
    if media is None:
        if raw.strip():
            return f"HTTP {status} should have no body, got {raw[:80]!r}"
        return None
    try:
        got = json.loads(raw)
    except ValueError:
        return f"HTTP {status} body is not JSON: {raw[:120]!r}"
    want = media.get("example")
    if want is None and media.get("examples"):
        want = next(iter(media["examples"].values())).get("value")
    if want is None:
        return "the spec has no example for this response"
    if got != want:
        return "Prism's body differs from the spec example"
    schema = deref(spec, media["schema"])
    errs = schema_errors(schema, got)
    if errs:
        return "response body does not match its schema: " + "; ".join(errs[:5])
    props = schema.get("properties", {})
    if "meta" in props:
        key = next(k for k in props if k != "meta")
        if got.get("meta", {}).get("key") != key or not isinstance(got.get(key), list):
            return f"list body without meta.key == {key!r}"
    return None


# ------------------------------------------------------------------ prism process
def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start_prism(spec_path, port, log):
    prism = os.path.join(ROOT, "node_modules", ".bin", "prism")
    if not os.path.exists(prism):
        sys.exit("prism-check: node_modules/.bin/prism is missing; run `npm install` first")
    if port_open(port):
        sys.exit(f"prism-check: port {port} is already in use")
    return subprocess.Popen([prism, "mock", "-h", "127.0.0.1", "-p", str(port), spec_path],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc, base, log_path, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            with open(log_path) as f:
                sys.stderr.write(f.read()[-3000:])
            sys.exit(f"prism-check: Prism exited early with status {proc.returncode}")
        try:
            urllib.request.urlopen(base + "/__prism_check_probe", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer (404 here) means it is serving
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    sys.exit("prism-check: Prism did not answer within %d s" % timeout)


def stop_prism(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the group id is the PID we started
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", default="spec/conversations_v1.yaml")
    ap.add_argument("--port", type=int, default=4010)
    ap.add_argument("--base-url", help="check the Prism already serving the spec at this URL "
                    "(as `cargo xtask test` does) instead of starting one")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    spec_path = args.spec if os.path.isabs(args.spec) else os.path.join(ROOT, args.spec)
    spec = load_spec(spec_path)
    ops = [(path, m, op) for path, item in spec["paths"].items() for m, op in item.items() if m in METHODS]

    if args.base_url:
        base = args.base_url.rstrip("/")
        log = proc = None
    else:
        base = f"http://127.0.0.1:{args.port}"
        log = tempfile.NamedTemporaryFile("w+", prefix="prism-", suffix=".log", delete=False)
        proc = start_prism(spec_path, args.port, log)
    passed = 0
    try:
        if proc is not None:
            wait_ready(proc, base, log.name)
        for path, method, op in ops:
            name = op.get("operationId", f"{method.upper()} {path}")
            errors = []
            for mode in ("minimal", "full"):
                try:
                    err = check_operation(spec, base, path, method, op, full=(mode == "full"))
                except ValueError as e:
                    err = f"could not build a request: {e}"
                if err:
                    errors.append(f"{mode}: {err}")
            if errors:
                for e in errors:
                    print(f"FAIL {name}: {e}")
            else:
                passed += 1
                if args.verbose:
                    print(f"ok   {name}")
    finally:
        if proc is not None:
            stop_prism(proc)
            log.close()
    ok = passed == len(ops) and len(ops) == EXPECTED_OPERATIONS
    if len(ops) != EXPECTED_OPERATIONS:
        print(f"FAIL: the spec has {len(ops)} operations, expected {EXPECTED_OPERATIONS}")
    if log is not None:
        if not ok:
            print(f"(Prism log: {log.name})")
        else:
            os.unlink(log.name)
    print(f"prism-check: {passed}/{EXPECTED_OPERATIONS} operations passed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
