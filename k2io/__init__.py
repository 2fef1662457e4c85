"""k2io: the imperative shell of the K2 SDK: transports, the client, the emulator, the CLI."""

from __future__ import annotations

__all__: list[str] = []
