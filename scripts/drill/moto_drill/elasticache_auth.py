"""AUTH token changes of ElastiCache replication groups, which moto accepts and ignores.

Patches ElastiCacheResponse.modify_replication_group in moto/elasticache/responses.py: with
AuthToken, the group's accepted tokens change as ElastiCache documents AuthTokenUpdateStrategy
(ROTATE adds the token, the group then accepting the old and the new one; SET keeps only the given
token) and its AuthTokenLastModifiedDate moves to now. Strict where AWS's documentation is silent: a
ROTATE while the group already accepts two tokens is refused (InvalidParameterCombination), so a
rotation that relied on ElastiCache dropping the oldest for it fails the drill instead of passing.

What a group accepts is observable only as its tag `drill-auth-tokens`: the first 12 hex characters
of each accepted token's SHA-256, oldest first. Tokens themselves never leave the server.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.core.utils import utcnow
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.models import elasticache_backends
from moto.elasticache.responses import ElastiCacheResponse

from .state import STATE, lock

TAG = "drill-auth-tokens"


class InvalidParameterCombination(ElastiCacheException):
    code = "InvalidParameterCombination"


# moto finds an error's service model by the module of its exception class (see elasticache_global.py).
InvalidParameterCombination.__module__ = ElastiCacheException.__module__


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def _accepted(group: Any) -> list[str]:
    """The tokens `group` accepts, seeded from the one it was created with."""
    with lock:
        tokens = STATE.setdefault("authTokens", {})
        key = group.arn
        if key not in tokens:
            tokens[key] = [group.auth_token] if getattr(group, "auth_token", None) else []
        return tokens[key]


def install() -> None:
    original = ElastiCacheResponse.modify_replication_group

    def modify_replication_group(self: ElastiCacheResponse) -> Any:
        token = self._get_param("AuthToken")
        strategy = (self._get_param("AuthTokenUpdateStrategy") or "ROTATE").upper()
        if token:
            backend = elasticache_backends[self.current_account][self.region]
            group_id = self._get_param("ReplicationGroupId")
            group = backend.replication_groups.get(group_id)
            if group is not None:
                accepted = _accepted(group)
                if strategy == "ROTATE":
                    if len(accepted) >= 2:
                        raise InvalidParameterCombination(
                            f"{group_id} accepts two AUTH tokens already; SET one before adding another"
                        )
                    accepted.append(token)
                elif strategy == "SET":
                    if not accepted:
                        raise InvalidParameterCombination(f"{group_id} has no AUTH token to SET over")
                    accepted[:] = [token]
                else:
                    raise InvalidParameterCombination(f"AuthTokenUpdateStrategy {strategy} is not simulated")
                group.auth_token = token
                group.auth_token_enabled = True
                group.auth_token_last_modified_date = utcnow()
                backend.tagging_service.tag_resource(
                    group.arn, [{"Key": TAG, "Value": " ".join(digest(each) for each in accepted)}]
                )
        return original(self)

    ElastiCacheResponse.modify_replication_group = modify_replication_group
