"""Counting failures in the rate-limit store (memory, or Redis across servers).

Used where there is no database row to count on: sign-in attempts for an
email address that has no account, and guesses at class and link codes.
"""
from __future__ import annotations

from limits import parse

from ..extensions import limiter


def _item(rule: str):
    return parse(rule)


def blocked(rule: str, scope: str, key: str) -> bool:
    """True when `key` has used up `rule` (e.g. "5 per 15 minutes")."""
    return not limiter.limiter.test(_item(rule), scope, key)


def record(rule: str, scope: str, key: str) -> None:
    limiter.limiter.hit(_item(rule), scope, key)


def clear(rule: str, scope: str, key: str) -> None:
    limiter.limiter.clear(_item(rule), scope, key)
