"""Matches a request to a catalogue route, the way API Gateway matches route keys.

Literal segments win over ``{parameters}``, as API Gateway prefers the most specific
route. A route key is its method and path together: a known path under another method
matches nothing, as on an HTTP API (which answers both with 404, not 405).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from promptvault.catalogue import ROUTES, Route

_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PARAMETER.split(template)
    # split() alternates literal text and parameter names.
    regex = "".join(
        f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$")


def _specificity(route: Route) -> tuple[int, int]:
    """Fewer parameters first, then longer literal text: API Gateway's precedence."""
    return (len(_PARAMETER.findall(route.path)), -len(_PARAMETER.sub("", route.path)))


class RouteTable:
    def __init__(self, routes: tuple[Route, ...] = ROUTES) -> None:
        ordered = sorted(routes, key=_specificity)
        self._routes = [(route, _pattern(route.path)) for route in ordered]

    def match(self, method: str, raw_path: str) -> Match | None:
        for route, pattern in self._routes:
            found = pattern.match(raw_path) if route.method == method else None
            if found is not None:
                parameters = {k: unquote(v) for k, v in found.groupdict().items()}
                return Match(route, parameters)
        return None
