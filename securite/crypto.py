"""Encryption at rest of the most sensitive free text (AES-256-GCM, authenticated).

A value is stored as `enc:v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id
travels with each value, so keys can be rotated while the service runs
(`manage.py rotate_keys`). The associated data binds a ciphertext to its table and column:
a value copied into another column does not decrypt.

Keys come from `DUI_ENCRYPTION_KEYS` ("id:base64key,id2:base64key") or the file named by
`DUI_ENCRYPTION_KEYS_FILE` (one "id:base64key" per line); `DUI_ENCRYPTION_ACTIVE_KEY` names
the key used for new values (default: the last one). Keys are 32 random bytes:
`python -c "import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`.
"""

import base64
import functools
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc:v1:"


class DecryptionError(Exception):
    pass


@functools.lru_cache(maxsize=8)
def _parse_keys(spec: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for item in spec.replace("\n", ",").split(","):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        kid, _, encoded = item.partition(":")
        if not kid or not encoded or ":" in kid:
            raise ImproperlyConfigured("Clé de chiffrement mal formée : attendu « id:clé ».")
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if len(key) != 32:
            raise ImproperlyConfigured(f"La clé de chiffrement « {kid} » doit faire 32 octets.")
        keys[kid] = key
    return keys


def keyring() -> tuple[dict[str, bytes], str]:
    """The configured keys and the id of the active one."""
    keys = _parse_keys(settings.DUI_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured(
            "Aucune clé de chiffrement : définissez DUI_ENCRYPTION_KEYS ou "
            "DUI_ENCRYPTION_KEYS_FILE."
        )
    active = settings.DUI_ENCRYPTION_ACTIVE_KEY or list(keys)[-1]
    if active not in keys:
        raise ImproperlyConfigured(f"La clé active « {active} » n'est pas configurée.")
    return keys, active


def encrypt_bytes(plaintext: bytes, *, context: str) -> str:
    keys, active = keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[active]).encrypt(nonce, plaintext, context.encode())
    return f"{PREFIX}{active}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_bytes(stored: str, *, context: str) -> bytes:
    if not stored.startswith(PREFIX):
        raise DecryptionError("valeur non chiffrée")
    kid, _, payload = stored[len(PREFIX) :].partition(":")
    keys, _ = keyring()
    if kid not in keys:
        raise DecryptionError(f"clé « {kid} » inconnue")
    raw = base64.urlsafe_b64decode(payload)
    try:
        return AESGCM(keys[kid]).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        raise DecryptionError("valeur altérée ou clé incorrecte") from None


def encrypt(plaintext: str, *, context: str) -> str:
    return encrypt_bytes(plaintext.encode(), context=context)


def decrypt(stored: str, *, context: str) -> str:
    return decrypt_bytes(stored, context=context).decode()


def key_id(stored: str) -> str | None:
    """The key id of a stored value (None if not encrypted)."""
    if not stored or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].partition(":")[0]


class ChampChiffre(models.TextField):  # type: ignore[type-arg]
    """A column sealed at rest (the text form above), bound to its table and column. Not
    searchable: only `isnull` lookups are allowed."""

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"Un champ chiffré ne se recherche pas ({lookup_name}).")
        return super().get_lookup(lookup_name)


class EncryptedTextField(ChampChiffre):
    """A TextField encrypted at rest."""

    description = "Texte chiffré (AES-256-GCM)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value, context=self.context())


class EncryptedBytesField(ChampChiffre):
    """Bytes encrypted at rest (a document): stored like `EncryptedTextField` (same format,
    same rotation), the plaintext being the bytes themselves rather than a text, so a
    document is neither encoded to text before sealing nor decoded after opening."""

    description = "Octets chiffrés (AES-256-GCM)"
    # For django-stubs: the model attribute is bytes (a text column underneath).
    _pyi_private_set_type: bytes  # type: ignore[assignment]
    _pyi_private_get_type: bytes  # type: ignore[assignment]

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> bytes | None:
        if value is None or value == "":
            return None if value is None else b""
        return decrypt_bytes(value, context=self.context())

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            raise TypeError("Un champ d'octets chiffrés attend des octets, pas du texte.")
        if not value:
            return ""
        return encrypt_bytes(bytes(value), context=self.context())


def encrypted_fields() -> list[tuple[type[models.Model], ChampChiffre]]:
    """Every encrypted field of every installed model (for rotation and checks)."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ChampChiffre)
    ]
