"""A marker for personal data that stays masked wherever it is formatted.

Not a ``str`` subclass on purpose: JSON encoders write a ``str`` subclass's raw characters and
would leak it; this wrapper only reveals its value through :meth:`reveal`.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")

MASK = "***"


class Pii(Generic[T]):
    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        return self._value

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Pii({MASK})"

    def __format__(self, format_spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pii) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Pii", self._value))
