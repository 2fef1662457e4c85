"""Status Structs of the resources that have no result callback.

Webhook subscriptions, external recipients, merchant wallets and merchant bank accounts are
queried with `GET <Location URL>`, which returns `{"data": {"id", "type", "attributes": {}}}`.
Their attribute sets are not fully documented for API v2, so every attribute is optional
(`None` when absent) and unknown keys are ignored, so a new field never breaks decoding. The
`status` attribute is free text (for example `"Approved"`). The resources with a result
callback (incoming payments, send money, reversals, payment links, polling) use the result
Structs of `k2core.results` instead.
"""

from __future__ import annotations

import msgspec

__all__ = [
    "ExternalRecipientAttributes",
    "ExternalRecipientData",
    "ExternalRecipientStatus",
    "MerchantBankAccountAttributes",
    "MerchantBankAccountData",
    "MerchantBankAccountStatus",
    "MerchantWalletAttributes",
    "MerchantWalletData",
    "MerchantWalletStatus",
    "WebhookSubscriptionAttributes",
    "WebhookSubscriptionData",
    "WebhookSubscriptionStatus",
]


class WebhookSubscriptionAttributes(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook subscription. The endpoint URL has been seen as `webhook_uri`; `url` is
    read too, because that is the name the create request uses."""

    status: str | None = None
    event_type: str | None = None
    webhook_uri: str | None = None
    url: str | None = None
    scope: str | None = None
    scope_reference: str | None = None
    enable_daraja_payload: bool | None = None


class WebhookSubscriptionData(msgspec.Struct, frozen=True):
    """The `data` object of a webhook subscription status."""

    id: str
    type: str
    attributes: WebhookSubscriptionAttributes


class WebhookSubscriptionStatus(msgspec.Struct, frozen=True):
    """The response to `GET` on a webhook subscription URL."""

    data: WebhookSubscriptionData


class ExternalRecipientAttributes(msgspec.Struct, frozen=True, kw_only=True):
    """An external recipient; only the fields of its own kind are present.

    `recipient_reference` identifies the recipient in later requests when the API returns it.
    """

    status: str | None = None
    type: str | None = None
    recipient_type: str | None = None
    recipient_reference: str | None = None
    nickname: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    email: str | None = None
    network: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    bank_branch_ref: str | None = None
    settlement_method: str | None = None
    till_name: str | None = None
    till_number: str | None = None
    paybill_name: str | None = None
    paybill_number: str | None = None
    paybill_account_number: str | None = None


class ExternalRecipientData(msgspec.Struct, frozen=True):
    """The `data` object of an external recipient status."""

    id: str
    type: str
    attributes: ExternalRecipientAttributes


class ExternalRecipientStatus(msgspec.Struct, frozen=True):
    """The response to `GET` on an external recipient URL."""

    data: ExternalRecipientData


class MerchantWalletAttributes(msgspec.Struct, frozen=True, kw_only=True):
    """A merchant's own M-PESA wallet. `account_reference` is the value to send as a
    `merchant_wallet` destination's `reference`."""

    status: str | None = None
    account_reference: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone_number: str | None = None
    network: str | None = None
    nickname: str | None = None


class MerchantWalletData(msgspec.Struct, frozen=True):
    """The `data` object of a merchant wallet status."""

    id: str
    type: str
    attributes: MerchantWalletAttributes


class MerchantWalletStatus(msgspec.Struct, frozen=True):
    """The response to `GET` on a merchant wallet URL."""

    data: MerchantWalletData


class MerchantBankAccountAttributes(msgspec.Struct, frozen=True, kw_only=True):
    """A merchant's own bank account. `account_reference` is the value to send as a
    `merchant_bank_account` destination's `reference`."""

    status: str | None = None
    account_reference: str | None = None
    account_name: str | None = None
    account_number: str | None = None
    bank_branch_ref: str | None = None
    settlement_method: str | None = None
    nickname: str | None = None


class MerchantBankAccountData(msgspec.Struct, frozen=True):
    """The `data` object of a merchant bank account status."""

    id: str
    type: str
    attributes: MerchantBankAccountAttributes


class MerchantBankAccountStatus(msgspec.Struct, frozen=True):
    """The response to `GET` on a merchant bank account URL."""

    data: MerchantBankAccountData
