#!/usr/bin/env python3
"""Known-answer vectors for Twilio webhook signatures, computed with Python's standard library
(hmac, hashlib, base64) and nothing from this repository, so the Rust validator is checked
against an implementation it shares no code with.

    python3 scripts/webhook_vectors.py           # (re)write tests/fixtures/webhook_vectors.json
    python3 scripts/webhook_vectors.py --check   # exit 1 if the file differs from what this computes

How Twilio signs (the facts the vectors encode):
  * form POST: the URL Twilio called, then every field as name + value, fields sorted by name
    and, for a repeated name, each distinct value once, sorted; HMAC-SHA1 keyed by the auth
    token; base64 (twilio-python's request_validator, twilio-node's webhooks.ts).
  * GET: the fields are in the URL's query string; nothing is appended.
  * JSON body: the URL carries bodySHA256 = hex SHA-256 of the body; the URL alone is signed.
  * A receiver tries the URL as configured, with the default port added when it has none and
    with any port removed when it has one, and the query spelled as a WHATWG parser and as
    Node's querystring module write it (twilio-node tries both).

Each vector: the URL Twilio signed, the URL the receiver checks against, the fields or body
the receiver sees, the token it checks with, and the outcome it must reach.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.parse

TOKEN = "12345abcdef67890fedcba0987654321"
OTHER_TOKEN = "00000000000000000000000000000000"
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                       "webhook_vectors.json")


def signature(token, url, pairs):
    text = url + "".join(k + v for k, v in sorted(set(pairs)))
    mac = hmac.new(token.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(mac).decode("ascii")


def body_hash(body):
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


MESSAGE_ADDED = [
    ("EventType", "onMessageAdded"),
    ("AccountSid", "AC00000000000000000000000000000001"),
    ("ChatServiceSid", "IS00000000000000000000000000000001"),
    ("ConversationSid", "CH00000000000000000000000000000001"),
    ("MessageSid", "IM00000000000000000000000000000001"),
    ("Index", "3"),
    ("Author", "alice"),
    ("Body", "hello world"),
    ("Source", "SDK"),
    ("RetryCount", "0"),
]


def form(name, url, pairs, *, validate_url=None, seen=None, token=TOKEN, validate_token=TOKEN,
         expect="ok"):
    return {
        "name": name,
        "kind": "form",
        "validate_token": validate_token,
        "signed_url": url,
        "validate_url": validate_url or url,
        "params": [list(p) for p in (seen if seen is not None else pairs)],
        "signature": signature(token, url, pairs),
        "expect": expect,
    }


def get(name, url, *, validate_url=None, expect="ok"):
    return {
        "name": name,
        "kind": "get",
        "validate_token": TOKEN,
        "signed_url": url,
        "validate_url": validate_url or url,
        "params": [],
        "signature": signature(TOKEN, url, []),
        "expect": expect,
    }


def json_vector(name, base, body, *, seen_body=None, with_hash=True, validate_base=None,
                expect="ok"):
    def with_query(u):
        if not with_hash:
            return u
        sep = "&" if "?" in u else "?"
        return u + sep + "bodySHA256=" + body_hash(body)

    url = with_query(base)
    return {
        "name": name,
        "kind": "json",
        "validate_token": TOKEN,
        "signed_url": url,
        "validate_url": with_query(validate_base) if validate_base else url,
        "body": seen_body if seen_body is not None else body,
        "signature": signature(TOKEN, url, []),
        "expect": expect,
    }


def vectors():
    hook = "https://bot.example.com/twilio/conversations"
    out = [
        form("message added", hook, MESSAGE_ADDED),
        form("no fields", hook, []),
        form("empty values", hook, [("Attributes", ""), ("Body", ""), ("EventType", "onMessageAdd")]),
        form("names sort case-sensitively (upper before lower)", hook,
             [("b", "1"), ("B", "2"), ("a", "3"), ("A", "4"), ("_", "5")]),
        form("a name that prefixes another", hook, [("To", "x"), ("ToCountry", "y"), ("T", "z")]),
        form("repeated names sort by value", hook,
             [("MediaUrl", "https://m.example/2"), ("MediaUrl", "https://m.example/1"),
              ("Body", "two pictures"), ("MediaUrl", "https://m.example/10")]),
        form("repeated name with an identical value twice", hook,
             [("Tag", "b"), ("Tag", "a"), ("Tag", "b")]),
        form("unicode values", hook,
             [("Body", "héllo wörld ✓ 你好 🎉"), ("Author", "zoë"), ("Attributes", '{"emoji":"🙂"}')]),
        form("unicode names sort by code point", hook,
             [("é", "1"), ("z", "2"), ("É", "3"), ("ß", "4")]),
        form("characters that form encoding escapes", hook,
             [("Body", "a+b c&d=e%20f?g#h"), ("Attributes", '{"a":[1,2],"b":"\\n"}')]),
        form("multi-line body", hook, [("Body", "line one\nline two\r\nline three")]),
        form("URL with a query string and form fields", hook + "?tenant=acme&x=1", MESSAGE_ADDED),
        form("URL with basic-auth credentials", "https://user:pa55@bot.example.com/hook", MESSAGE_ADDED),
        form("signed with :443, configured without", "https://bot.example.com:443/hook", MESSAGE_ADDED,
             validate_url="https://bot.example.com/hook"),
        form("signed without port, configured with :443", "https://bot.example.com/hook", MESSAGE_ADDED,
             validate_url="https://bot.example.com:443/hook"),
        form("http signed with :80, configured without", "http://127.0.0.1:80/hook", MESSAGE_ADDED,
             validate_url="http://127.0.0.1/hook"),
        form("http signed without port, configured with :80", "http://127.0.0.1/hook", MESSAGE_ADDED,
             validate_url="http://127.0.0.1:80/hook"),
        form("non-default port kept", "https://bot.example.com:8443/hook", MESSAGE_ADDED),
        form("a port the receiver does not know is not guessed", "https://bot.example.com:8443/hook",
             MESSAGE_ADDED, validate_url="https://bot.example.com/hook", expect="Mismatch"),
        form("signed without port, configured with :8443 (any port is removed)",
             "https://bot.example.com/hook", MESSAGE_ADDED,
             validate_url="https://bot.example.com:8443/hook"),
        form("signed with ' in the query, configured with %27", hook + "?test=param'WithQuote", [],
             validate_url=hook + "?test=param%27WithQuote"),
        form("signed with %27 in the query, configured with '", hook + "?test=param%27WithQuote", [],
             validate_url=hook + "?test=param'WithQuote"),
        form("signed with %C3%B1 in the path, configured with the letter",
             "https://bot.example.com/Espa%C3%B1a", MESSAGE_ADDED,
             validate_url="https://bot.example.com/Espa\u00f1a"),
        form("https default port is not http's", "https://bot.example.com:80/hook", MESSAGE_ADDED,
             validate_url="https://bot.example.com/hook", expect="Mismatch"),
        form("IPv6 host with default port", "https://[::1]:443/hook", MESSAGE_ADDED,
             validate_url="https://[::1]/hook"),
        form("another auth token", hook, MESSAGE_ADDED, validate_token=OTHER_TOKEN, expect="Mismatch"),
        form("a field changed after signing", hook, MESSAGE_ADDED,
             seen=[(k, "bye" if k == "Body" else v) for k, v in MESSAGE_ADDED], expect="Mismatch"),
        form("a field added after signing", hook, MESSAGE_ADDED,
             seen=MESSAGE_ADDED + [("Extra", "1")], expect="Mismatch"),
        form("a field dropped after signing", hook, MESSAGE_ADDED, seen=MESSAGE_ADDED[1:],
             expect="Mismatch"),
        form("another path", hook, MESSAGE_ADDED, validate_url=hook + "/other", expect="Mismatch"),
        form("http versus https", hook, MESSAGE_ADDED,
             validate_url="http://bot.example.com/twilio/conversations", expect="Mismatch"),
        get("GET webhook", hook + "?" + urllib.parse.urlencode(MESSAGE_ADDED)),
        get("GET webhook with unicode", hook + "?" + urllib.parse.urlencode([("Body", "ça va? ✓")])),
        get("GET webhook, :443 added by the receiver",
            "https://bot.example.com/hook?EventType=onUserUpdated",
            validate_url="https://bot.example.com:443/hook?EventType=onUserUpdated"),
        get("GET webhook, query changed", hook + "?EventType=onUserUpdated",
            validate_url=hook + "?EventType=onUserAdded", expect="Mismatch"),
    ]
    body = json.dumps({"EventType": "onMessageAdded", "Body": "héllo ✓", "Index": 3},
                      ensure_ascii=False, separators=(",", ":"))
    out += [
        json_vector("JSON body", hook, body),
        json_vector("JSON body, URL with a query", hook + "?tenant=acme", body),
        json_vector("JSON body, :443 removed by the receiver", "https://bot.example.com:443/hook", body,
                    validate_base="https://bot.example.com/hook"),
        json_vector("JSON body changed after signing", hook, body, seen_body=body.replace("3", "4"),
                    expect="BodyHashMismatch"),
        json_vector("JSON body without bodySHA256", hook, body, with_hash=False,
                    expect="BodyHashMissing"),
        json_vector("empty JSON body", hook, ""),
    ]
    return out


def render():
    doc = {
        "about": "written by scripts/webhook_vectors.py with Python's hmac, hashlib and base64; "
                 "do not edit by hand",
        "vectors": vectors(),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main():
    text = render()
    if "--check" in sys.argv[1:]:
        try:
            with open(FIXTURE, encoding="utf-8") as f:
                current = f.read()
        except OSError as e:
            print(f"webhook_vectors: {e}", file=sys.stderr)
            return 1
        if current != text:
            print("webhook_vectors: tests/fixtures/webhook_vectors.json differs from what the "
                  "script computes; run python3 scripts/webhook_vectors.py", file=sys.stderr)
            return 1
        print(f"webhook_vectors: {len(vectors())} vectors agree")
        return 0
    with open(FIXTURE, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"webhook_vectors: wrote {len(vectors())} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
