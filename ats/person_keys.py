"""The key of one person's profile (/recruit/people/<key>/): their email address,
normalised (stripped, lower case) and encrypted, so that the URL names the person
without showing the address. Deterministic authenticated encryption (AES-SIV, RFC
5297): the same address always gives the same key, and a key changed by one bit opens
nothing. The encryption key is derived from SECRET_KEY, so nothing is stored: the
profile is a view over the applications under the address, and goes when they go."""

import base64
import binascii

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.utils.crypto import salted_hmac

SALT = "ats.person-key"
_CONTEXT = [b"ats person profile"]  # associated data: a key made for nothing else


def _cipher() -> AESSIV:
    # 512 bits, read from SECRET_KEY when used (tests and rotations change it).
    return AESSIV(salted_hmac(SALT, "aes-siv", algorithm="sha512").digest())


def normalised(email: str) -> str:
    return email.strip().lower()


def person_key(email: str) -> str:
    """The profile's key for an address; URL-safe, without padding."""
    return _encoded(_cipher().encrypt(normalised(email).encode(), _CONTEXT))


def _encoded(sealed: bytes) -> str:
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()


def email_of(key: str) -> str | None:
    """The normalised address a key was made for; None for anything not made here."""
    try:
        sealed = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
        if _encoded(sealed) != key:  # one spelling per key: the last letter's spare bits
            return None
        return _cipher().decrypt(sealed, _CONTEXT).decode()
    except (InvalidTag, ValueError, binascii.Error, UnicodeDecodeError):
        return None
