"""Drill one alert after another: make it fire, follow it through a real Alertmanager, resolve it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from futuramon.drill import client
from futuramon.drill.capture import Capture
from futuramon.drill.live import live as live_drill
from futuramon.drill.result import Drill
from futuramon.drill.servers import Server
from futuramon.drill.simulated import simulated
from futuramon.errors import SpecError
from futuramon.model import Stack


def drill(stack: Stack, names: list[str], live: bool = False) -> list[Drill]:
    known = {a.name: a for _, a in stack.representatives()}  # a stamped alert as its first copy
    for name in names:
        if name not in known:
            raise SpecError(f"no alert named {name!r}; `futuramon list alerts` shows them")
    with tempfile.TemporaryDirectory(prefix="futuramon-drill-") as scratch:
        folder = Path(scratch)
        routes = client.routes_config(stack, folder / "routes")
        if live:
            return [live_drill(stack, known[name], folder / name, routes) for name in names]
        with Capture() as capture, Server("alertmanager", client.arguments(stack, folder, capture), folder) as am:
            return [simulated(stack, known[name], folder, routes, capture, am) for name in names]
