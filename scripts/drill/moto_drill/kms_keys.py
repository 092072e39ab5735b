"""KMS keys without a fresh RSA key pair each.

Patches moto/kms/models.py's `generate_private_key` (imported from moto/kms/utils.py), which makes a
new 2048-bit RSA key pair for every CreateKey, symmetric keys included. Seeding the world creates
every key of the assembly again before each scenario, and py-spy showed a fifth of the drill
server's CPU in that key generation. One key pair per key spec, made on first use, serves every key:
no scenario signs or verifies with KMS, and encrypt/decrypt of symmetric keys uses moto's own key
material, not this pair.
"""

from __future__ import annotations

import threading
from typing import Any

_pairs: dict[str, Any] = {}
_lock = threading.Lock()


def install() -> None:
    import moto.kms.models as kms_models

    generate = kms_models.generate_private_key

    def shared_private_key(key_spec: str) -> Any:
        with _lock:
            if key_spec not in _pairs:
                _pairs[key_spec] = generate(key_spec)
            return _pairs[key_spec]

    kms_models.generate_private_key = shared_private_key
