"""Operations that take what must be random from the caller. For tests and vectors only."""

from typing import Any

from . import Endpoint, MachineToken

__all__ = ["create_with_material"]

def create_with_material(
    endpoint: Endpoint,
    payload: bytes | bytearray | str | dict[str, Any],
    *,
    to: MachineToken,
    material: bytes,
    iv: bytes,
    ttl: int = 300,
    jti: str | None = None,
    not_before: int | None = None,
    content_type: str | None = None,
) -> str:
    """``endpoint.create`` with the caller's 64-byte ``material`` and 12-byte ``iv``.

    **Reusing them destroys confidentiality and authenticity.**
    """
