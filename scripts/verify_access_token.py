#!/usr/bin/env python3
"""Check a Twilio access token with nothing but the standard library.

Usage: verify_access_token.py TOKEN SECRET

Recomputes the HS256 signature with SECRET and compares it in constant time. On success it
prints one line of JSON, {"header": ..., "claims": ...}, and exits 0; a bad signature or a
malformed token exits 1 with the reason on stderr; wrong usage exits 2. It is a decoder
written apart from the Rust code, so the tests do not only check the crate against itself.
"""
import base64
import hashlib
import hmac
import json
import sys


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def main(argv):
    if len(argv) != 3:
        print("usage: verify_access_token.py TOKEN SECRET", file=sys.stderr)
        return 2
    token, secret = argv[1], argv[2]
    parts = token.split(".")
    if len(parts) != 3:
        print("not a JWT: expected three dot-separated parts", file=sys.stderr)
        return 1
    signing_input = (parts[0] + "." + parts[1]).encode("ascii")
    expected = hmac.new(secret.encode("utf-8"), signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, b64url_decode(parts[2])):
        print("signature does not match", file=sys.stderr)
        return 1
    header = json.loads(b64url_decode(parts[0]))
    claims = json.loads(b64url_decode(parts[1]))
    if header.get("alg") != "HS256":
        print("alg is not HS256", file=sys.stderr)
        return 1
    print(json.dumps({"header": header, "claims": claims}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
