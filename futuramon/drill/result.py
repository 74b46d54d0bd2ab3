"""What a drill found for one alert, and how it reads: as text for people, as a dict for JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from futuramon.drill.capture import Notification


@dataclass
class Drill:
    alert: str
    mode: str
    labels: dict[str, str] = field(default_factory=dict)
    expected: list[str] = field(default_factory=list)
    fired_after: str = ""
    fired: list[Notification] = field(default_factory=list)  # in the order they arrived
    resolved: list[Notification] = field(default_factory=list)
    inhibits: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what did not behave: it did not fire, ...

    @property
    def delivered(self) -> list[str]:
        """Receivers that got the firing message, in the order their first message arrived."""
        return list(dict.fromkeys(n.receiver for n in self.fired))

    @property
    def ok(self) -> bool:
        routed = sorted(self.delivered) == sorted(self.expected)
        return not self.problems and routed and {n.receiver for n in self.resolved} == set(self.expected)

    def as_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "mode": self.mode,
            "fired_after": self.fired_after,
            "labels": self.labels,
            "expected_receivers": self.expected,
            "delivered_receivers": self.delivered,
            "inhibits": self.inhibits,
            "problems": self.problems,
            "ok": self.ok,
            "firing": [n.__dict__ for n in self.fired],
            "resolved": [n.__dict__ for n in self.resolved],
        }

    def text(self) -> str:
        if self.problems and not self.fired_after:
            return "\n".join([f"{self.alert}: {self.problems[0]} [FAILED]", *(f"  {p}" for p in self.problems[1:])])
        verdict = "ok" if self.ok else "FAILED" if self.problems else "NOT DELIVERED AS ROUTED"
        lines = [
            f"{self.alert}: fired after {self.fired_after}; expected {' → '.join(self.expected)}, "
            f"delivered {' → '.join(self.delivered) or 'nowhere'} [{verdict}]"
        ]
        lines.extend(f"  {problem}" for problem in self.problems)
        for n in self.fired:
            lines.append(f"  {n.receiver} {n.channel} ({n.color}): {n.title}")
            lines.extend(f"    {line}" for line in n.text.strip().splitlines())
        if self.inhibits:
            lines.append(f"  inhibits: {', '.join(self.inhibits)}")
        resolved = sorted({f"{n.receiver} {n.channel}" for n in self.resolved})
        lines.append(f"  resolved message: {', '.join(resolved) or 'none arrived'}")
        return "\n".join(lines)
