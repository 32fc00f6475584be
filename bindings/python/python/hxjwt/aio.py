"""asyncio: remote JWK Sets whose fetches never block the event loop.

``hxjwt.aio`` is for async web services (FastAPI, Starlette, aiohttp). It adds no caching of
its own: the fetching, caching, cool-down, ``max-age`` and stale-if-error are the Rust core's,
exactly as in :class:`hxjwt.PyJWKClient` and :meth:`hxjwt.Directory.from_url`. What this module
adds is only what asyncio needs:

- every call that may fetch runs in a small dedicated thread pool (the core releases the GIL
  while it waits on the network), never on the event loop;
- one in-flight call per object, operation and argument (a ``kid``, a name) and event loop:
  1 000 coroutines that need the same unknown ``kid`` await one future, and so occupy one
  thread, not 1 000;
- cancelling one awaiter never cancels the shared call for the others (``asyncio.shield``).

Errors are the sync API's exception classes (``PyJWKClientError``, ``ResolverError``, ...)::

    client = hxjwt.aio.PyJWKClient("https://login.example.com/.well-known/jwks.json")
    claims = await hxjwt.aio.decode(token, client, algorithms=["ES256"], audience="api")

    directory = hxjwt.aio.Directory.from_url("https://keys.example.com/hx1.json")
    endpoint = hxjwt.Endpoint(identity, directory.sync)
    message = await hxjwt.aio.validate(endpoint, token)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import functools
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, final

from . import _hxjwt
from ._hxjwt import (
    Directory as _SyncDirectory,
    Endpoint as _Endpoint,
    MachineToken as _MachineToken,
    Message as _Message,
    PyJWK as _PyJWK,
    PyJWKClient as _SyncClient,
    PyJWKSet as _PyJWKSet,
    PyJWTError as _PyJWTError,
)

__all__ = [
    "DEFAULT_MAX_WORKERS",
    "Directory",
    "PyJWKClient",
    "decode",
    "decode_complete",
    "validate",
]

_T = TypeVar("_T")

#: The threads of the default executor, shared by every ``hxjwt.aio`` object of the process that
#: was not given ``executor=``. Fetches in flight are at most one per URL, operation and argument.
DEFAULT_MAX_WORKERS = 4

_default_executor: concurrent.futures.ThreadPoolExecutor | None = None
_default_executor_lock = threading.Lock()


def _executor(chosen: concurrent.futures.Executor | None) -> concurrent.futures.Executor:
    """``chosen``, or the module's thread pool (made on first use)."""
    global _default_executor
    if chosen is not None:
        return chosen
    with _default_executor_lock:
        if _default_executor is None:
            _default_executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=DEFAULT_MAX_WORKERS, thread_name_prefix="hxjwt-aio"
            )
        return _default_executor


class _Flights:
    """One in-flight call per (event loop, key): later callers await the first one's future."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[tuple[asyncio.AbstractEventLoop, Hashable], asyncio.Future[Any]] = {}

    async def run(
        self,
        key: Hashable,
        call: Callable[[], _T],
        executor: concurrent.futures.Executor | None,
    ) -> _T:
        loop = asyncio.get_running_loop()
        slot = (loop, key)
        with self._lock:
            future = self._pending.get(slot)
            if future is None:
                future = loop.run_in_executor(_executor(executor), call)
                self._pending[slot] = future
                future.add_done_callback(functools.partial(self._landed, slot))
        # shield: a cancelled awaiter leaves the shared call running for the others.
        result: _T = await asyncio.shield(future)
        return result

    def _landed(self, slot: tuple[asyncio.AbstractEventLoop, Hashable], future: asyncio.Future[Any]) -> None:
        with self._lock:
            if self._pending.get(slot) is future:
                del self._pending[slot]
        if not future.cancelled():
            future.exception()  # retrieved: no "exception was never retrieved" if all left

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)


_FLIGHTS = _Flights()


async def _in_thread(call: Callable[[], _T], executor: concurrent.futures.Executor | None) -> _T:
    """``call()`` in the executor, not shared with other callers."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor(executor), call)


@final
class PyJWKClient:
    """PyJWT's ``PyJWKClient`` for asyncio: the signing keys of the JWK Set at ``uri``.

    The arguments are :class:`hxjwt.PyJWKClient`'s (``uri``, ``cache_keys``,
    ``max_cached_keys``, ``cache_jwk_set``, ``lifespan``, ``headers``, ``timeout``,
    ``ssl_context``, and hxjwt's ``allow_http``, ``refresh_cooldown``, ``max_stale``,
    ``max_response_bytes``), and so are the caching, the cool-down after an unknown ``kid``,
    the stale-if-error and the exceptions: the work is done by a :class:`hxjwt.PyJWKClient`
    (``.sync``). ``executor`` runs the calls that may fetch (default: a pool of
    ``DEFAULT_MAX_WORKERS`` threads shared by the module). Nothing is fetched yet.
    """

    __slots__ = ("_executor", "_sync")

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
    ) -> None:
        self._sync = _SyncClient(
            uri,
            cache_keys,
            max_cached_keys,
            cache_jwk_set,
            lifespan,
            headers,
            timeout,
            ssl_context,
            allow_http=allow_http,
            refresh_cooldown=refresh_cooldown,
            max_stale=max_stale,
            max_response_bytes=max_response_bytes,
        )
        self._executor = executor

    @property
    def sync(self) -> _SyncClient:
        """The :class:`hxjwt.PyJWKClient` underneath (same cache), for code that is not async."""
        return self._sync

    @property
    def uri(self) -> str:
        """The URL of the JWK Set."""
        return self._sync.uri

    @property
    def fetch_count(self) -> int:
        """How many fetches were made so far (hxjwt only)."""
        return self._sync.fetch_count

    async def _shared(self, key: tuple[Hashable, ...], call: Callable[[], _T]) -> _T:
        # Keyed by the sync client, which the call holds while it is in flight (so its id is
        # not reused meanwhile).
        return await _FLIGHTS.run((id(self._sync), *key), call, self._executor)

    async def fetch_data(self) -> Any:
        """The JWK Set document as a dict (cached while fresh; each caller gets its own copy)."""
        data = await self._shared(("fetch_data",), self._sync.fetch_data)
        return copy.deepcopy(data)

    async def get_jwk_set(self, refresh: bool = False) -> _PyJWKSet:
        """The JWK Set; ``refresh=True`` refetches (within the cool-down)."""
        sync = self._sync
        return await self._shared(("jwk_set", refresh), lambda: sync.get_jwk_set(refresh))

    async def get_signing_keys(self, refresh: bool = False) -> list[_PyJWK]:
        """Keys with a ``kid`` and ``use`` "sig" or none; PyJWKClientError if there is none."""
        sync = self._sync
        keys = await self._shared(("signing_keys", refresh), lambda: sync.get_signing_keys(refresh))
        return list(keys)

    async def get_signing_key(self, kid: str) -> _PyJWK:
        """The signing key with this ``kid``; if the cached set has none, the set is refetched
        once (within the cool-down). PyJWKClientError ("Unable to find a signing key that
        matches: ...") if there is still none; PyJWKClientConnectionError if it cannot be
        fetched. Callers asking for the same ``kid`` at once share one call."""
        sync = self._sync
        cached = sync.cached_signing_key(kid)  # never fetches: no need to leave the loop
        if cached is not None:
            return cached
        return await self._shared(("signing_key", kid), lambda: sync.get_signing_key(kid))

    async def get_signing_key_from_jwt(self, token: str | bytes) -> _PyJWK:
        """``get_signing_key`` of the ``kid`` in the token's (unverified) header; DecodeError if
        the header cannot be read (raised at once: reading it needs no fetch)."""
        header = _hxjwt.get_unverified_header(token)
        kid = header.get("kid")
        if kid is not None:
            return await self.get_signing_key(str(kid))
        sync = self._sync
        return await self._shared(("signing_key", None), lambda: sync.get_signing_key_from_jwt(token))

    @staticmethod
    def match_kid(signing_keys: Iterable[_PyJWK], kid: str) -> _PyJWK | None:
        """The key of ``signing_keys`` whose ``key_id`` is ``kid``, or None (no I/O)."""
        return _SyncClient.match_kid(signing_keys, kid)

    def __repr__(self) -> str:
        return f"hxjwt.aio.{self._sync!r}"


@final
class Directory:
    """An async view of a :class:`hxjwt.Directory`: its lookups run off the event loop.

    ``Directory.from_url(...)`` takes :meth:`hxjwt.Directory.from_url`'s arguments (the core
    does the fetching, the caching by ``max-age``, the cool-down and the stale-if-error);
    ``Directory(directory)`` wraps any directory (a ``from_callable`` one whose callable blocks,
    for instance). Give ``.sync`` to :class:`hxjwt.Endpoint`, and validate with
    :func:`validate`. Lookups of the same name at once share one call.
    """

    __slots__ = ("_executor", "_sync")

    def __init__(
        self, directory: _SyncDirectory, *, executor: concurrent.futures.Executor | None = None
    ) -> None:
        if not isinstance(directory, _SyncDirectory):
            raise TypeError(f"directory must be a hxjwt.Directory, not {type(directory).__name__}")
        self._sync = directory
        self._executor = executor

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
        """A read-only directory of the JWK Set at ``url``; see :meth:`hxjwt.Directory.from_url`
        for every keyword but ``executor``. Nothing is fetched yet. InvalidArgumentError (a
        ValueError) for a URL that is not allowed, ValueError for a bad keyword."""
        sync = _SyncDirectory.from_url(
            url,
            ttl=ttl,
            timeout=timeout,
            connect_timeout=connect_timeout,
            max_response_bytes=max_response_bytes,
            min_ttl=min_ttl,
            max_ttl=max_ttl,
            refresh_cooldown=refresh_cooldown,
            max_stale=max_stale,
            allow_http=allow_http,
        )
        return cls(sync, executor=executor)

    @property
    def sync(self) -> _SyncDirectory:
        """The :class:`hxjwt.Directory` underneath (same cache): what an Endpoint takes."""
        return self._sync

    async def get(self, name: str) -> _MachineToken | None:
        """The machine token of ``name``, or None; a name not in the cached set refetches it
        (within the cool-down). ResolverError when the set cannot be fetched."""
        return await _resolve(self._sync, name, self._executor)

    async def contains(self, name: str) -> bool:
        """Whether ``name`` is known (``name in directory``, off the event loop)."""
        return await self.get(name) is not None

    async def tokens(self) -> list[_MachineToken]:
        """Every machine token, sorted by name (of the current set, fetched if need be)."""
        sync = self._sync
        tokens = await _FLIGHTS.run((id(sync), "tokens"), sync.tokens, self._executor)
        return list(tokens)

    async def to_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The current set as a JWK Set dict (fetched if need be; each caller gets a copy)."""
        sync = self._sync
        jwks = await _FLIGHTS.run((id(sync), "to_jwks"), sync.to_jwks, self._executor)
        return copy.deepcopy(jwks)

    def __repr__(self) -> str:
        return f"hxjwt.aio.{self._sync!r}"


async def _resolve(
    directory: _SyncDirectory, name: str, executor: concurrent.futures.Executor | None
) -> _MachineToken | None:
    cached = directory.cached(name)  # never fetches nor calls out: no need to leave the loop
    if cached is not None:
        return cached
    return await _FLIGHTS.run((id(directory), "get", name), lambda: directory.get(name), executor)


def _unverified_sender(token: str | bytes) -> str | None:
    """The sender's name in an HX1 or ECDH-1PU token's header, unverified: only to share the
    lookup of that name between concurrent validations. None when it cannot be read."""
    if isinstance(token, str):
        dots = token.count(".")
    elif isinstance(token, bytes):
        dots = token.count(b".")
    else:
        return None  # Endpoint.validate reports the type
    try:
        if dots == 2:
            header = _hxjwt.get_unverified_header(token)
        elif dots == 4:
            from . import jwe

            header = jwe.get_unverified_header(token)
        else:
            return None
    except (_PyJWTError, TypeError, ValueError):
        return None
    sender = header.get("iss", header.get("skid"))
    return sender if isinstance(sender, str) else None


async def validate(
    endpoint: _Endpoint,
    token: str | bytes,
    *,
    sender: _MachineToken | None = None,
    executor: concurrent.futures.Executor | None = None,
) -> _Message:
    """``endpoint.validate(token, sender=sender)`` without blocking the event loop.

    The sender named in the token is looked up first (one lookup for every validation of that
    sender in flight: a directory from ``Directory.from_url`` fetches an unknown name once, as
    the core's cool-down allows), then the token is validated in the executor (``executor``,
    default: the module's pool), where a replay store may wait on Redis too. Raises what
    ``Endpoint.validate`` raises (InvalidTokenError subclasses, ResolverError, ...).
    """
    if not isinstance(endpoint, _Endpoint):
        raise TypeError(f"endpoint must be a hxjwt.Endpoint, not {type(endpoint).__name__}")
    directory = endpoint.directory
    if sender is None and directory is not None:
        name = _unverified_sender(token)
        if name is not None:
            try:
                await _resolve(directory, name, executor)
            except _PyJWTError:
                pass  # validation below reports it, in its own order of checks
    return await _in_thread(lambda: endpoint.validate(token, sender=sender), executor)


async def _signing_key(key: Any, jwt: str | bytes) -> Any:
    if isinstance(key, PyJWKClient):
        return await key.get_signing_key_from_jwt(jwt)
    if isinstance(key, _SyncClient):
        raise TypeError(
            "hxjwt.aio.decode needs an hxjwt.aio.PyJWKClient (an hxjwt.PyJWKClient would block "
            "the event loop), or a key"
        )
    return key


async def decode(
    jwt: str | bytes,
    key: Any = "",
    algorithms: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    subject: str | None = None,
    issuer: str | Sequence[str] | None = None,
    leeway: int | float | timedelta = 0,
    *,
    now: int | float | datetime | None = None,
    typ: str | None = None,
    max_age: int | float | timedelta | None = None,
    replay_store: Any = None,
) -> dict[str, Any]:
    """:func:`hxjwt.decode` with the same arguments, where ``key`` may be an
    :class:`hxjwt.aio.PyJWKClient`: the key is then ``await
    key.get_signing_key_from_jwt(jwt)`` (fetched off the event loop when it must be).
    Verification runs on the event loop (it does no I/O), except with a ``replay_store``
    (which may wait on Redis): then in the module's executor. Raises what ``hxjwt.decode``
    and ``PyJWKClient.get_signing_key_from_jwt`` raise.
    """
    signing = await _signing_key(key, jwt)
    call = functools.partial(
        _hxjwt.decode,
        jwt,
        signing,
        algorithms,
        options,
        verify,
        detached_payload,
        audience,
        subject,
        issuer,
        leeway,
        now=now,
        typ=typ,
        max_age=max_age,
        replay_store=replay_store,
    )
    if replay_store is None:
        return call()
    return await _in_thread(call, key._executor if isinstance(key, PyJWKClient) else None)


async def decode_complete(
    jwt: str | bytes,
    key: Any = "",
    algorithms: str | Sequence[str] | None = None,
    options: Mapping[str, Any] | None = None,
    verify: bool | None = None,
    detached_payload: bytes | None = None,
    audience: str | Iterable[str] | None = None,
    issuer: str | Sequence[str] | None = None,
    subject: str | None = None,
    leeway: int | float | timedelta = 0,
    *,
    now: int | float | datetime | None = None,
    typ: str | None = None,
    max_age: int | float | timedelta | None = None,
    replay_store: Any = None,
) -> dict[str, Any]:
    """:func:`hxjwt.decode_complete` with the same arguments; ``key`` may be an
    :class:`hxjwt.aio.PyJWKClient` (see :func:`decode`). Returns ``{"header", "payload",
    "signature"}``."""
    signing = await _signing_key(key, jwt)
    call = functools.partial(
        _hxjwt.decode_complete,
        jwt,
        signing,
        algorithms,
        options,
        verify,
        detached_payload,
        audience,
        issuer,
        subject,
        leeway,
        now=now,
        typ=typ,
        max_age=max_age,
        replay_store=replay_store,
    )
    if replay_store is None:
        return call()
    return await _in_thread(call, key._executor if isinstance(key, PyJWKClient) else None)
