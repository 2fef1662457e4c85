"""Access tokens issued by the emulator's OAuth endpoints.

`TokenStore` issues opaque bearer tokens for the configured client credentials, checks them,
revokes them, describes them for introspection and token info, and can expire every token
issued so far at once (the `expire_token` fault). Callers pass the current wall-clock time in
seconds, so expiry is testable without sleeping. Tokens never appear in reprs or logs.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

__all__ = ["TokenState", "TokenStore"]


@dataclass
class TokenState:
    """The emulator's record of one issued token."""

    client_id: str
    created_at: float
    lifetime: float
    revoked: bool = False
    expired_early: bool = False
    token: str = field(default="", repr=False)

    def expires_at(self) -> float:
        """Return the wall-clock time, in seconds since the epoch, when the token expires."""
        return self.created_at + self.lifetime

    def status(self, now: float) -> str:
        """Return `valid`, `expired` or `revoked` for the wall-clock time `now`."""
        if self.revoked:
            return "revoked"
        if self.expired_early or now >= self.expires_at():
            return "expired"
        return "valid"


class TokenStore:
    """Tokens issued so far, guarded by a lock."""

    def __init__(self, *, lifetime: float) -> None:
        self.lifetime = lifetime
        self._tokens: dict[str, TokenState] = {}
        self._lock = threading.Lock()

    def issue(self, client_id: str, now: float) -> TokenState:
        """Issue a new token for `client_id`, valid for `lifetime` seconds from `now`."""
        state = TokenState(
            client_id=client_id,
            created_at=now,
            lifetime=self.lifetime,
            token=secrets.token_urlsafe(32),
        )
        with self._lock:
            self._tokens[state.token] = state
        return state

    def find(self, token: str) -> TokenState | None:
        """Return what is known about `token`, or None if the emulator never issued it."""
        with self._lock:
            return self._tokens.get(token)

    def revoke(self, token: str) -> None:
        """Revoke `token`; unknown tokens are ignored, as OAuth revocation requires."""
        with self._lock:
            state = self._tokens.get(token)
            if state is not None:
                state.revoked = True

    def expire_all(self) -> int:
        """Expire every token issued so far; return how many were still valid."""
        with self._lock:
            fresh = [state for state in self._tokens.values() if not state.expired_early]
            for state in fresh:
                state.expired_early = True
        return len(fresh)

    def issued(self) -> int:
        """Return how many tokens were issued."""
        with self._lock:
            return len(self._tokens)
