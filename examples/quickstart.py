"""Quickstart: take an M-PESA payment (STK push) and wait for its outcome.

Run it: `python examples/quickstart.py`. It starts the local K2 emulator, so nothing leaves
this machine. To use the real API, drop the emulator and pass your own credentials to
`Client`, with `base_url=k2core.SANDBOX` (the default) or `k2core.PRODUCTION`.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from k2io import Client, OutcomeUnknownError
from k2io.emulator import Emulator


def main() -> None:
    # 1. See what the client does: one debug line per request, one warning per retry.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("k2io").setLevel(logging.DEBUG)

    # 2. Start the emulator and a client that uses its credentials.
    with (
        Emulator(completion_delay=0.2) as emulator,
        Client(
            client_id=emulator.client_id,
            client_secret=emulator.client_secret,
            api_key=emulator.api_key,
            base_url=emulator.base_url,
        ) as client,
    ):
        # 3. Ask the customer to pay. `create` returns the payment's URL.
        try:
            url = client.incoming_payments.create(
                till_number="K112233",
                first_name="Amani",
                last_name="Chebet",
                phone_number="0712 345 678",
                amount=Decimal("1500.00"),
                callback_url="http://127.0.0.1:9/k2/results",
            )
        except OutcomeUnknownError as exc:
            # The request may have reached K2. Do not send it again blindly.
            print(exc)
            return

        # 4. Poll until the payment is final (or wait for the signed result callback).
        result = client.incoming_payments.wait(url, timeout=30)
        attributes = result.data.attributes
        print(f"payment {result.data.id}: {attributes.status}")
        if attributes.event.resource is not None:
            resource = attributes.event.resource
            print(f"M-PESA reference {resource.reference}, {resource.amount} {resource.currency}")


if __name__ == "__main__":
    main()
