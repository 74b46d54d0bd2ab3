"""Python source for model objects, written as a person would: the DSL's own calls, only the fields that
differ from their defaults, one argument per line when a call does not fit on one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from futuramon.model import Alert, Route

WIDTH = 110


@dataclass(frozen=True)
class Code:
    """Source text placed as it is (a name bound earlier, an expression)."""

    text: str


@dataclass(frozen=True)
class Call:
    name: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


def literal(value: Any, indent: int = 0) -> str:
    """A value as Python source, wrapped over lines below `indent` when it is too long."""
    if isinstance(value, Code):
        return value.text
    if isinstance(value, BaseModel):
        return literal(as_call(value), indent)
    if isinstance(value, Call):
        parts = [literal(a, indent + 4) for a in value.args]
        parts += [f"{k}={literal(v, indent + 4)}" for k, v in value.kwargs.items()]
        return _wrap(f"{value.name}(", parts, ")", indent)
    if isinstance(value, tuple | list):
        parts = [literal(v, indent + 4) for v in value]
        if isinstance(value, tuple) and len(parts) == 1:
            return _wrap("(", parts, ",)", indent)
        return _wrap("(" if isinstance(value, tuple) else "[", parts, ")" if isinstance(value, tuple) else "]", indent)
    if isinstance(value, dict):
        return _wrap("{", [f"{literal(k)}: {literal(v, indent + 4)}" for k, v in value.items()], "}", indent)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _string(value: str) -> str:
    """Double quotes unless the text holds them, as PromQL matchers often do."""
    if '"' in value and "'" not in value:
        return repr(value) if repr(value).startswith("'") else "'" + value.replace("\\", "\\\\") + "'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _wrap(opening: str, parts: list[str], closing: str, indent: int) -> str:
    flat = f"{opening}{', '.join(parts)}{closing}"
    if "\n" not in flat and indent + len(flat) <= WIDTH:
        return flat
    inner = " " * (indent + 4)
    return f"{opening}\n" + ",\n".join(inner + p for p in parts) + f",\n{' ' * indent}{closing.lstrip(',')}"


def as_call(obj: BaseModel) -> Call:
    """A model object as the call that builds it, default values left out: `alert(...)` and `route(...)` as
    specs write them, the class itself for the rest (fields named by their Python names, `for_`)."""
    values = {
        name: getattr(obj, name)
        for name, info in type(obj).model_fields.items()
        if getattr(obj, name) != info.default and not (info.default is None and getattr(obj, name) is None)
    }
    if isinstance(obj, Alert):
        values["for_"] = values.pop("for_", obj.for_)
        return Call("alert", [values.pop("name")], _ordered(values, ["signal", "op", "threshold", "for_"]))
    if isinstance(obj, Route):
        return Call("route", list(values.pop("matchers")), values)
    return Call(type(obj).__name__, [], values)


def _ordered(values: dict[str, Any], first: list[str]) -> dict[str, Any]:
    return {**{k: values[k] for k in first if k in values}, **{k: v for k, v in values.items() if k not in first}}


def assignment(name: str, value: Any) -> str:
    return f"{name} = {literal(value)}\n"


def comment(text: str) -> str:
    """Every line of `text` as a Python comment."""
    return "".join(f"# {line}".rstrip() + "\n" for line in text.splitlines())
