"""The range's KYC exchange: public pages and a legal-request desk that answers account data
only to a request naming a case reference, a legal basis and an account, and logs every request
to WORLD/.range/exchange-requests.jsonl.

`build_app(context)` is the site factory for kind "exchange".
"""

from darkrange.sites.exchange._app import ExchangeSite, build_app, exchange_app
from darkrange.sites.exchange._desk import (
    IDENTIFIERS,
    LOG_NAME,
    REQUEST_FIELDS,
    CustomerAccount,
    CustomerBook,
    RequestLog,
    missing_parts,
    request_fields,
)

__all__ = [
    "IDENTIFIERS",
    "LOG_NAME",
    "REQUEST_FIELDS",
    "CustomerAccount",
    "CustomerBook",
    "ExchangeSite",
    "RequestLog",
    "build_app",
    "exchange_app",
    "missing_parts",
    "request_fields",
]
