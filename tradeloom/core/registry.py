"""A registry: what apps contribute to a place another app owns (navigation links, list columns, job kinds, event
subscribers …), registered in each contributing app's ``AppConfig.ready()``.

Registering the same key twice with an equal item is a no-op (``ready()`` may run more than once in tests);
with a different item it is a mistake and raises. Items keep the order they were registered in, which is the
order of ``INSTALLED_APPS`` (floor by floor).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def register(self, key: str, item: T) -> T:
        if key in self._items and self._items[key] != item:
            existing = self._items[key]
            raise ValueError(f"{self.name}: {key!r} is already registered as {existing!r}.")
        self._items[key] = item
        return item

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[str, T]]:
        return list(self._items.items())

    def keys(self) -> list[str]:
        return list(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.name!r}, {list(self._items)})"
