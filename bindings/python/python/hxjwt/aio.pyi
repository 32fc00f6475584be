"""asyncio: remote JWK Sets whose fetches never block the event loop (type stubs).

The fetching, caching, cool-down, ``max-age`` and stale-if-error are the Rust core's, as in
``hxjwt.PyJWKClient`` and ``hxjwt.Directory.from_url``; calls that may fetch run in a thread
pool, one in flight per object, operation and argument; a cancelled awaiter does not cancel the
shared call. Errors are the sync API's classes.
"""

import concurrent.futures
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final, final

from . import Directory as _SyncDirectory
from . import Endpoint, MachineToken, MemoryReplayStore, Message, PyJWK, PyJWKSet, RedisReplayStore
from . import PyJWKClient as _SyncClient
from . import _KeyArg, _Options, _Seconds

__all__ = [
    "DEFAULT_MAX_WORKERS",
    "Directory",
    "PyJWKClient",
    "decode",
    "decode_complete",
    "validate",
]

DEFAULT_MAX_WORKERS: Final[int]
"""The threads of the module's default executor (used when no ``executor=`` is given)."""

@final
class PyJWKClient:
    """PyJWT's ``PyJWKClient`` for asyncio, over an ``hxjwt.PyJWKClient`` (``.sync``): same
    arguments, caching, cool-down, stale-if-error and exceptions; calls that may fetch run in
    ``executor`` (default: the module's pool). Callers asking for the same thing at once share
    one call."""

    def __init__(
        self,
        uri: str,
        cache_keys: bool = True,
        max_cached_keys: int = 16,
        cache_jwk_set: bool = True,
        lifespan: float = 300,
        headers: Mapping[str, Any] | None = None,
        timeout: float = 30,
        ssl_context: Any = None,
        *,
        allow_http: bool = False,
        refresh_cooldown: int = 30,
        max_stale: int = 3600,
        max_response_bytes: int = 1048576,
        executor: concurrent.futures.Executor | None = None,
    ) -> None: ...
    @property
    def sync(self) -> _SyncClient:
        """The ``hxjwt.PyJWKClient`` underneath (same cache)."""
    @property
    def uri(self) -> str:
        """The URL of the JWK Set."""
    @property
    def fetch_count(self) -> int:
        """How many fetches were made so far (hxjwt only)."""
    async def fetch_data(self) -> Any:
        """The JWK Set document as a dict (cached while fresh; each caller gets a copy)."""
    async def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        """The JWK Set; ``refresh=True`` refetches (within the cool-down)."""
    async def get_signing_keys(self, refresh: bool = False) -> list[PyJWK]:
        """Keys with a ``kid`` and ``use`` "sig" or none; PyJWKClientError if there is none."""
    async def get_signing_key(self, kid: str) -> PyJWK:
        """The signing key with this ``kid``, refetching once if unknown (within the
        cool-down); PyJWKClientError ("Unable to find a signing key that matches: ...")
        otherwise, PyJWKClientConnectionError if the set cannot be fetched."""
    async def get_signing_key_from_jwt(self, token: str | bytes) -> PyJWK:
        """``get_signing_key`` of the ``kid`` in the token's (unverified) header; DecodeError
        if the header cannot be read."""
    @staticmethod
    def match_kid(signing_keys: Iterable[PyJWK], kid: str) -> PyJWK | None:
        """The key of ``signing_keys`` whose ``key_id`` is ``kid``, or None (no I/O)."""

@final
class Directory:
    """An async view of an ``hxjwt.Directory`` (``.sync``, what an Endpoint takes): lookups
    run in ``executor`` (default: the module's pool), one in flight per name."""

    def __init__(
        self, directory: _SyncDirectory, *, executor: concurrent.futures.Executor | None = None
    ) -> None: ...
    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        ttl: int | None = None,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        max_response_bytes: int = 1048576,
        min_ttl: int = 60,
        max_ttl: int = 86400,
        refresh_cooldown: int = 30,
        max_stale: int = 3600,
        allow_http: bool = False,
        executor: concurrent.futures.Executor | None = None,
    ) -> Directory:
        """``hxjwt.Directory.from_url(...)``, wrapped; nothing is fetched yet."""
    @property
    def sync(self) -> _SyncDirectory:
        """The ``hxjwt.Directory`` underneath (same cache): give it to ``hxjwt.Endpoint``."""
    async def get(self, name: str) -> MachineToken | None:
        """The machine token of ``name``, or None; ResolverError if the set cannot be fetched."""
    async def contains(self, name: str) -> bool:
        """Whether ``name`` is known."""
    async def tokens(self) -> list[MachineToken]:
        """Every machine token, sorted by name."""
    async def to_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The current set as a JWK Set dict."""

async def validate(
    endpoint: Endpoint,
    token: str | bytes,
    *,
    sender: MachineToken | None = None,
    executor: concurrent.futures.Executor | None = None,
) -> Message:
    """``endpoint.validate(token, sender=sender)`` off the event loop; the sender's name is
    looked up once for every validation of that sender in flight. Raises what
    ``Endpoint.validate`` raises."""

async def decode(
    jwt: str | bytes,
    key: PyJWKClient | _KeyArg = "",
    algorithms: str | Sequence[str] | None = None,
    options: _Options | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    subject: str | None = None,
    issuer: str | Sequence[str] | None = None,
    leeway: _Seconds = 0,
    *,
    now: int | float | datetime | None = None,
    typ: str | None = None,
    max_age: _Seconds | None = None,
    replay_store: RedisReplayStore | MemoryReplayStore | None = None,
) -> dict[str, Any]:
    """``hxjwt.decode`` with the same arguments; with an ``hxjwt.aio.PyJWKClient`` as ``key``,
    the key is ``await key.get_signing_key_from_jwt(jwt)``. Raises what they raise."""

async def decode_complete(
    jwt: str | bytes,
    key: PyJWKClient | _KeyArg = "",
    algorithms: str | Sequence[str] | None = None,
    options: _Options | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Sequence[str] | None = None,
    subject: str | None = None,
    leeway: _Seconds = 0,
    *,
    now: int | float | datetime | None = None,
    typ: str | None = None,
    max_age: _Seconds | None = None,
    replay_store: RedisReplayStore | MemoryReplayStore | None = None,
) -> dict[str, Any]:
    """``hxjwt.decode_complete`` with the same arguments; ``key`` as in ``decode``."""
