"""Route selection as API Gateway's HTTP API does it, over the routes in ``shared.resources``.

Paths are matched as given: the caller decodes them first (once; local/http_api.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shared.resources import FunctionSpec, RouteSpec


@dataclass(frozen=True)
class _Route:
    function: FunctionSpec
    route: RouteSpec
    segments: tuple[str, ...]

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if method != self.route.method or len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, value in zip(self.segments, segments, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not value:
                    return None
                params[pattern[1:-1]] = value
            elif pattern != value:
                return None
        return params

    @property
    def specificity(self) -> tuple[int, ...]:
        """Literal segments beat ``{param}`` segments, left to right, as in API Gateway."""
        return tuple(1 if s.startswith("{") else 0 for s in self.segments)


class RouteTable:
    """HTTP API route selection: ``{param}`` matches exactly one non-empty path segment."""

    def __init__(self, routes: Sequence[tuple[FunctionSpec, RouteSpec]]) -> None:
        self._routes = [_Route(f, r, tuple(r.path.split("/")[1:])) for f, r in routes]

    def match(self, method: str, path: str) -> tuple[FunctionSpec, RouteSpec, dict[str, str]] | None:
        """The function, route and path parameters for a decoded path; ``None`` is API Gateway's 404."""
        segments = path.split("/")[1:]
        found = [(route, params) for route in self._routes if (params := route.match(method, segments)) is not None]
        if not found:
            return None
        route, params = min(found, key=lambda item: item[0].specificity)
        return route.function, route.route, params
