"""Where a write came from. The middleware (or a command) sets it; services never pass the request around."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""
    channel: str = "command"


_current: ContextVar[Origin] = ContextVar("audit_origin", default=Origin())


def current_origin() -> Origin:
    return _current.get()


def set_origin(origin: Origin):
    return _current.set(origin)


def reset_origin(token) -> None:
    _current.reset(token)
