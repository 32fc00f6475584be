"""Operations that take what must be random from the caller. For tests and vectors only.

Code that handles real traffic has no business importing this module; keeping it apart lets a
reviewer grep for it (it mirrors the core's ``hxjwt::dangerous``).
"""

from __future__ import annotations

from ._hxjwt import Endpoint, MachineToken, _dangerous_create_with_material

__all__ = ["create_with_material"]


def create_with_material(
    endpoint: Endpoint,
    payload: bytes | bytearray | str | dict[str, object],
    *,
    to: MachineToken,
    material: bytes,
    iv: bytes,
    ttl: int = 300,
    jti: str | None = None,
    not_before: int | None = None,
    content_type: str | None = None,
) -> str:
    """Like ``endpoint.create(payload, to=...)`` but with the caller's 64-byte ``material``
    (``M``) and 12-byte ``iv`` instead of fresh random ones.

    **Reusing ``material`` or ``iv`` destroys confidentiality and authenticity.** This exists
    to reproduce known-answer vectors byte for byte.
    """
    result: str = _dangerous_create_with_material(
        endpoint,
        payload,
        to=to,
        material=material,
        iv=iv,
        ttl=ttl,
        jti=jti,
        not_before=not_before,
        content_type=content_type,
    )
    return result
