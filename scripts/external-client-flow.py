#!/usr/bin/env python3
"""External-client check: a complete OpenID Connect code flow against a running provider,
driven by Authlib (a client library this project did not write).

Steps: discovery (validated with Authlib's OpenIDProviderMetadata) -> authorization URL with
state, nonce and PKCE S256 (Authlib OAuth2Session) -> login by submitting the provider's HTML
form (requests + html.parser, hidden inputs and cookies kept) -> the final redirect is NOT
followed, the code is read from the Location header (state checked by Authlib) -> code exchange
with client_secret_basic -> ID token validated with Authlib's jose (JWKS from jwks_uri; iss, aud,
nonce, exp, iat, at_hash) -> userinfo -> one refresh (new ID token validated too).

Configuration comes from flags or the variables the reference provider prints on start:
ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, USERNAME, PASSWORD.

The transcript never shows secrets or whole tokens: only prefixes and lengths.
Exit codes: 0 the flow succeeded, 1 a step failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import sys
import time
import warnings
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata

# Authlib >= 1.7 marks authlib.jose deprecated in favour of joserfc; it is still Authlib's
# JOSE implementation and the one this check is asked to use.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, JsonWebToken

# JWS algorithms we accept for ID tokens (never "none", never HMAC with the client secret).
ACCEPTED_ALGS = ["RS256", "PS256", "ES256", "EdDSA"]
TIMEOUT = 10


class FlowError(Exception):
    """A step of the flow failed; the message says which and why."""


def show(token: str | None) -> str:
    """A token as `prefix…(N chars)`: enough to recognise it, never enough to use it."""
    if not token:
        return "(none)"
    return f"{token[:8]}…({len(token)} chars)"


def step(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class FormParser(HTMLParser):
    """Collects every <form> with its action, method, inputs and named submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._current = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "inputs": [], "buttons": []}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and a.get("name"):
            self._current["inputs"].append((a["name"], a.get("type", "text").lower(), a.get("value", "")))
        elif self._current is not None and tag == "button" and a.get("name"):
            self._current["buttons"].append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def parse_forms(html: str) -> list[dict]:
    p = FormParser()
    p.feed(html)
    return p.forms


def is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def discover(issuer: str) -> dict:
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    res = requests.get(url, timeout=TIMEOUT)
    if res.status_code != 200:
        raise FlowError(f"discovery: expected 200 (found {res.status_code})")
    meta = res.json()
    if meta.get("issuer") != issuer:
        raise FlowError(f"discovery: expected issuer {issuer!r} (found {meta.get('issuer')!r})")
    # Authlib's own validation of the OpenID Provider Metadata (OIDC Discovery 3 / RFC 8414).
    OpenIDProviderMetadata(meta).validate()
    step(f"discovery: {url} -> 200, issuer matches, Authlib metadata validation passed")
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        step(f"  {key} = {meta[key]}")
    return meta


def login(browser: requests.Session, auth_url: str, issuer: str, redirect_uri: str, username: str, password: str) -> str:
    """Walks the provider's pages like a browser until it redirects to `redirect_uri`;
    returns that Location (never requested: the client app is not running)."""
    res = browser.get(auth_url, allow_redirects=False, timeout=TIMEOUT)
    step(f"GET authorization endpoint -> {res.status_code}")
    for _ in range(10):
        location = res.headers.get("Location")
        if location:
            target = urljoin(res.url, location)
            if target.startswith(redirect_uri):
                step(f"redirect to redirect_uri (not followed): {target.split('?')[0]}?…")
                return target
            if not target.startswith(issuer):
                raise FlowError(f"expected a redirect inside the issuer or to the redirect_uri (found {urlsplit(target).netloc})")
            res = browser.get(target, allow_redirects=False, timeout=TIMEOUT)
            step(f"  GET {urlsplit(target).path} -> {res.status_code}")
            continue
        forms = parse_forms(res.text)
        form = next((f for f in forms if f["method"] == "post"), None)
        if res.status_code != 200 or form is None:
            raise FlowError(f"expected a login/consent form or a redirect (found status {res.status_code}, {len(forms)} forms)")
        data = {}
        kinds = []
        for name, kind, value in form["inputs"]:
            if kind == "password":
                data[name] = password
            elif kind in ("text", "email") and name in ("username", "login", "email"):
                data[name] = username
            else:
                data[name] = value  # hidden inputs (interaction, csrf_token) kept as served
            kinds.append(f"{name}:{kind}")
        if not any(k == "password" for _, k, _ in form["inputs"]):
            # Consent page: choose the "allow" button if there is one.
            allow = next(((n, v) for n, v in form["buttons"] if v == "allow"), None)
            if allow is None:
                raise FlowError(f"expected a login or consent form (found inputs {kinds})")
            data[allow[0]] = allow[1]
        action = urljoin(res.url, form["action"])
        res = browser.post(action, data=data, allow_redirects=False, timeout=TIMEOUT)
        step(f"  POST {urlsplit(action).path} form fields {kinds} (cookies: {sorted(browser.cookies.keys())}) -> {res.status_code}")
    raise FlowError("expected the redirect_uri within 10 steps")


def validate_id_token(id_token: str, jwks: dict, meta: dict, client_id: str, issuer: str, nonce: str | None, access_token: str | None):
    algs = [a for a in meta.get("id_token_signing_alg_values_supported", []) if a in ACCEPTED_ALGS]
    jwt = JsonWebToken(algs)
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "sub": {"essential": True},
    }
    params = {"client_id": client_id}
    if nonce is not None:
        params["nonce"] = nonce
    if access_token is not None:
        params["access_token"] = access_token
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims = jwt.decode(id_token, JsonWebKey.import_key_set(jwks), claims_cls=CodeIDToken, claims_options=options, claims_params=params)
    claims.validate(now=int(time.time()), leeway=30)
    if nonce is not None and claims.get("nonce") != nonce:
        raise FlowError("ID token: expected the nonce we sent (found another)")
    return claims


def run(args: argparse.Namespace) -> None:
    issuer = args.issuer
    if is_loopback_http(issuer):
        # Authlib's metadata validation insists on https; allow plain http for loopback only.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        step(f"issuer {issuer} is http on loopback: Authlib's https requirement relaxed for this run")
    meta = discover(issuer)
    if "S256" not in meta.get("code_challenge_methods_supported", []):
        raise FlowError("discovery: expected code_challenge_methods_supported to contain S256")

    jwks_res = requests.get(meta["jwks_uri"], timeout=TIMEOUT)
    jwks_res.raise_for_status()
    jwks = jwks_res.json()
    step(f"JWKS: {len(jwks.get('keys', []))} keys ({', '.join(k.get('alg', '?') for k in jwks.get('keys', []))})")

    client = OAuth2Session(
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_endpoint_auth_method="client_secret_basic",
        scope="openid profile email",
        redirect_uri=args.redirect_uri,
        code_challenge_method="S256",
    )
    state = secrets.token_urlsafe(16)
    nonce = secrets.token_urlsafe(16)
    code_verifier = secrets.token_urlsafe(48)
    auth_url, state = client.create_authorization_url(meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier)
    q = parse_qs(urlsplit(auth_url).query)
    step(f"authorization URL built by Authlib: params {sorted(q)} (code_challenge_method={q['code_challenge_method'][0]})")

    browser = requests.Session()
    callback = login(browser, auth_url, issuer, args.redirect_uri, args.username, args.password)
    cb = parse_qs(urlsplit(callback).query)
    if "error" in cb:
        raise FlowError(f"authorization: expected a code (found error {cb['error'][0]})")
    step(f"callback: code {show(cb['code'][0])}, state matches: {cb.get('state', [''])[0] == state}")

    # Authlib parses the callback URL and raises on a state mismatch.
    token = client.fetch_token(meta["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier)
    step(
        f"token (client_secret_basic): token_type={token.get('token_type')} expires_in={token.get('expires_in')} "
        f"access_token {show(token.get('access_token'))} id_token {show(token.get('id_token'))} refresh_token {show(token.get('refresh_token'))}"
    )
    if "id_token" not in token or "refresh_token" not in token:
        raise FlowError("token: expected id_token and refresh_token in the response")

    claims = validate_id_token(token["id_token"], jwks, meta, args.client_id, issuer, nonce, token["access_token"])
    step(
        f"ID token valid (Authlib jose): alg={claims.header['alg']} kid={claims.header.get('kid', '')[:8]}… "
        f"iss ok, aud ok, nonce ok, exp in {claims['exp'] - int(time.time())} s, at_hash {'ok' if 'at_hash' in claims else 'absent'}, sub={claims['sub']}"
    )

    res = client.get(meta["userinfo_endpoint"], timeout=TIMEOUT)
    if res.status_code != 200:
        raise FlowError(f"userinfo: expected 200 (found {res.status_code})")
    info = res.json()
    if info.get("sub") != claims["sub"]:
        raise FlowError("userinfo: expected the ID token's sub (found another)")
    step(f"userinfo -> 200, sub matches, claims {sorted(info)}")

    old_refresh = token["refresh_token"]
    refreshed = client.refresh_token(meta["token_endpoint"], refresh_token=old_refresh)
    rotated = refreshed.get("refresh_token") not in (None, old_refresh)
    step(
        f"refresh (client_secret_basic): access_token {show(refreshed.get('access_token'))} "
        f"refresh_token {'rotated' if rotated else 'not rotated'} {show(refreshed.get('refresh_token'))} id_token {show(refreshed.get('id_token'))}"
    )
    if refreshed.get("access_token") in (None, token["access_token"]):
        raise FlowError("refresh: expected a new access token")
    if "id_token" in refreshed:
        # OIDC Core 12.2: same iss, sub, aud; a nonce, if present, equals the original one.
        new = validate_id_token(refreshed["id_token"], jwks, meta, args.client_id, issuer, None, refreshed["access_token"])
        if new["sub"] != claims["sub"] or ("nonce" in new and new["nonce"] != nonce):
            raise FlowError("refresh: expected the refreshed ID token to keep sub (and nonce, if present)")
        step("refreshed ID token valid (Authlib jose): iss, aud, exp ok; sub unchanged")
    res = client.get(meta["userinfo_endpoint"], timeout=TIMEOUT)
    if res.status_code != 200:
        raise FlowError(f"userinfo with the refreshed access token: expected 200 (found {res.status_code})")
    step("userinfo with the refreshed access token -> 200")


def main() -> int:
    env = os.environ.get
    ap = argparse.ArgumentParser(description="Complete OIDC code flow with Authlib against a running provider.")
    ap.add_argument("--issuer", default=env("ISSUER"))
    ap.add_argument("--client-id", default=env("CLIENT_ID"))
    ap.add_argument("--client-secret", default=env("CLIENT_SECRET"), help="default: $CLIENT_SECRET (prefer the variable)")
    ap.add_argument("--redirect-uri", default=env("REDIRECT_URI"))
    ap.add_argument("--username", default=env("USERNAME"))
    ap.add_argument("--password", default=env("PASSWORD"), help="default: $PASSWORD (prefer the variable)")
    args = ap.parse_args()
    missing = [k for k in ("issuer", "client_id", "client_secret", "redirect_uri", "username", "password") if not getattr(args, k)]
    if missing:
        print(f"external-client-flow: missing {', '.join(missing)} (flags or ISSUER, CLIENT_ID, … variables)", file=sys.stderr)
        return 2
    try:
        run(args)
    except Exception as e:  # any library or HTTP failure is a failed flow, reported by type only
        print(f"FAIL: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("OK: complete flow (discovery, authorize+PKCE S256, login, code, token, ID token, userinfo, refresh)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
