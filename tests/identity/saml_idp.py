"""A SAML 2.0 identity provider on this machine for the sign-in tests: pysaml2's own
IdP (saml2.server.Server), signing with Debian's xmlsec1, behind a login page of its
own (any user of ACCOUNTS, any password). Its assertions carry the attributes as
Microsoft Entra ID names them, the groups included.

    BASE=http://127.0.0.1:PORT SP_METADATA_URL=http://SITE/accounts/saml/sso/metadata/ \\
    ACCOUNTS='{"maja": {"email": "maja@example.se", "groups": ["HR-rekryterare"]}}' \\
    python tests/identity/saml_idp.py
"""

import datetime
import html
import json
import os
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

BASE = os.environ["BASE"]
ACCOUNTS = json.loads(os.environ.get("ACCOUNTS", "{}"))
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
SIGN_ALG = os.environ.get("SIGN_ALG", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
DIGEST_ALG = "http://www.w3.org/2001/04/xmlenc#sha256"


def key_and_certificate(folder: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "saml-idp.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def configuration(key_file: str, cert_file: str, sp_metadata: str | None = None) -> IdPConfig:
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{BASE}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{BASE}/sso", BINDING_HTTP_REDIRECT)]
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 5}}},
                    "sign_response": True,
                    "sign_assertion": True,
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            **({"metadata": {"inline": [sp_metadata]}} if sp_metadata else {}),
        }
    )
    return config


def page(body: str) -> bytes:
    return f"<!doctype html><html lang=en><title>IdP</title>{body}</html>".encode()


def application(folder: Path):
    key_file, cert_file = key_and_certificate(folder)
    config = configuration(key_file, cert_file)
    servers = []  # made at the first login: the site is up by then, with its metadata

    def server() -> Server:
        if not servers:
            with urllib.request.urlopen(os.environ["SP_METADATA_URL"], timeout=10) as sp:
                sp_metadata = sp.read().decode()
            servers.append(Server(config=configuration(key_file, cert_file, sp_metadata)))
        return servers[0]

    def answer(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [create_metadata_string(None, config=config, sign=False)]
        if path == "/sso" and environ["REQUEST_METHOD"] == "GET":  # the login page
            query = parse_qs(environ["QUERY_STRING"])
            hidden = "".join(
                f'<input type=hidden name="{k}" value="{html.escape(v[0])}">'
                for k, v in query.items()
            )
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [
                page(
                    f'<form method=post action="/sso">{hidden}'
                    "<label>User <input name=login></label>"
                    "<label>Password <input name=password type=password></label>"
                    "<button>Sign in</button></form>"
                )
            ]
        if path == "/sso":  # the login: the signed answer, posted to the site's ACS
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()
            }
            account = ACCOUNTS[form["login"]]
            idp = server()
            request = idp.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
            arguments = idp.response_args(request.message, [BINDING_HTTP_POST])
            response = idp.create_authn_response(
                identity={
                    f"{CLAIMS}emailaddress": [account["email"]],
                    f"{CLAIMS}givenname": [account["given_name"]],
                    f"{CLAIMS}surname": [account["family_name"]],
                    GROUPS: account["groups"],
                },
                userid=form["login"],
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"id-{form['login']}"),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
                sign_response=True,
                sign_assertion=True,
                sign_alg=SIGN_ALG,  # pysaml2's default, SHA-1, is refused by the site
                digest_alg=DIGEST_ALG,
                **arguments,
            )
            posted = idp.apply_binding(
                BINDING_HTTP_POST, str(response), arguments["destination"],
                form.get("RelayState", ""), response=True,
            )  # fmt: skip
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [posted["data"].encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return answer


class Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        port = int(BASE.rsplit(":", 1)[1])
        make_server(
            "127.0.0.1", port, application(Path(folder)), handler_class=Quiet
        ).serve_forever()
