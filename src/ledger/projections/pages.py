"""Keyset paging for read-model lists: a limit, and an opaque cursor to the next page."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select
from sqlalchemy.engine import Connection

from ledger.domain.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_POSITION = 2**63 - 1  # the largest BIGINT: positions beyond it cannot exist
Item = TypeVar("Item")
NOT_OURS = "is not a cursor this API returned; start again without it"
# What a cursor looks like (URL-safe base64); an empty one is refused, never read as absent.
CURSOR = r"^[A-Za-z0-9_-]{1,200}={0,2}$"


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; absent on the last.")


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str | None, kind: type[int] | type[str]) -> int | str | None:
    """The sort key a cursor stands for, checked to be of the key's ``kind``: a cursor is
    opaque, so anything this API did not return is the client's error, never a query."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor", NOT_OURS) from None
    if not isinstance(key, list) or len(key) != 1 or type(key[0]) is not kind:
        raise InvalidInput("cursor", NOT_OURS)
    value: int | str = key[0]
    if isinstance(value, int) and not 0 <= value <= MAX_POSITION:
        raise InvalidInput("cursor", NOT_OURS)
    if isinstance(value, str) and not re.fullmatch(r"[\w.:-]{1,64}", value):
        raise InvalidInput("cursor", NOT_OURS)
    return value


def keyset_page(connection: Connection, query: Select[Any], key: ColumnElement[Any],
                limit: int, cursor: str | None,
                to_item: Callable[[Any], Item]) -> Page[Item]:
    """One page of ``query`` ordered by the unique ``key``, starting after the cursor."""
    after = decode_cursor(cursor, key.type.python_type)
    if after is not None:
        query = query.where(key > after)
    rows = connection.execute(query.order_by(key).limit(check_limit(limit) + 1)).all()
    more = len(rows) > limit
    last = rows[limit - 1]._mapping[key] if more else None
    return Page(items=[to_item(r) for r in rows[:limit]],
                next_cursor=encode_cursor([last]) if more else None)
