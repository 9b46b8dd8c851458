"""The cryptography of sealed safety reports, through libsodium (PyNaCl) only.

- Each focal point has an X25519 key pair. The private key is stored only wrapped
  (XSalsa20-Poly1305, `SecretBox`) under a key derived with Argon2id from their password,
  and again under one derived from their recovery key.
- Each report has a random content key that encrypts its text, its attachments and every
  message (`SecretBox`). The content key is stored only in envelopes (`SealedBox`): one per
  focal point, and one for a key pair derived with Argon2id from the reporter's private code.

Nothing here reads the instance's configured secrets: no server-side key opens a report.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.utils
from flask import current_app
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox

KEY_SIZE = SecretBox.KEY_SIZE
SALT_SIZE = argon2id.SALTBYTES
# Like the report codes: no letters or digits that are easily mixed up (0/O, 1/I/L).
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_LENGTH = 28  # about 139 bits


class CannotOpen(Exception):
    """A wrong password, code or key, or damaged data: nothing was decrypted."""


@dataclass(frozen=True)
class KdfSpec:
    """Argon2id's cost and salt, kept next to what they protect so costs can change later."""

    opslimit: int
    memlimit: int
    salt: bytes

    def encode(self) -> str:
        salt = base64.b64encode(self.salt).decode()
        return f"argon2id:{self.opslimit}:{self.memlimit}:{salt}"

    @classmethod
    def parse(cls, stored: str | None) -> KdfSpec:
        try:
            name, ops, mem, salt = (stored or "").split(":")
            if name != "argon2id":
                raise ValueError(name)
            return cls(int(ops), int(mem), base64.b64decode(salt, validate=True))
        except ValueError as error:  # damaged or unknown: nothing to open with
            raise CannotOpen from error

    @classmethod
    def new(cls, purpose: str) -> KdfSpec:
        """purpose: "password" (a weak secret, costly) or "code" (a strong one, light)."""
        config = current_app.config
        return cls(
            config[f"SEAL_ARGON2_{purpose.upper()}_OPSLIMIT"],
            config[f"SEAL_ARGON2_{purpose.upper()}_MEMLIMIT"],
            nacl.utils.random(SALT_SIZE),
        )

    def derive(self, secret: str) -> bytes:
        try:
            return argon2id.kdf(
                KEY_SIZE,
                secret.encode(),
                self.salt,
                opslimit=self.opslimit,
                memlimit=self.memlimit,
            )
        except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
            raise CannotOpen from error


# --- Symmetric boxes ---------------------------------------------------------------------------


def new_key() -> bytes:
    return nacl.utils.random(KEY_SIZE)


def lock(key: bytes, data: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(data))


def unlock(key: bytes, box: bytes) -> bytes:
    try:
        return SecretBox(key).decrypt(box)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CannotOpen from error


def lock_json(key: bytes, value: dict) -> bytes:
    return lock(key, json.dumps(value, ensure_ascii=False).encode())


def unlock_json(key: bytes, box: bytes) -> dict:
    try:
        return json.loads(unlock(key, box))
    except (ValueError, TypeError) as error:
        raise CannotOpen from error


# --- Key pairs and envelopes ------------------------------------------------------------------


def new_private_key() -> PrivateKey:
    return PrivateKey.generate()


def private_key_from(raw: bytes) -> PrivateKey:
    try:
        return PrivateKey(raw)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CannotOpen from error


def seal(public_key: bytes, content_key: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(content_key))


def open_envelope(private_key: PrivateKey, envelope: bytes) -> bytes:
    try:
        return SealedBox(private_key).decrypt(envelope)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as error:
        raise CannotOpen from error


def wrap_private_key(private_key: PrivateKey, secret: str, spec: KdfSpec) -> bytes:
    return lock(spec.derive(secret), bytes(private_key))


def unwrap_private_key(wrapped: bytes, secret: str, spec: KdfSpec) -> PrivateKey:
    return private_key_from(unlock(spec.derive(secret), wrapped))


def code_key_pair(code: str, spec: KdfSpec) -> PrivateKey:
    """The reporter's key pair, derived from their private code (already normalized)."""
    return PrivateKey(spec.derive(code))


# --- Recovery keys ----------------------------------------------------------------------------


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def normalize_recovery_key(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch in RECOVERY_ALPHABET)
