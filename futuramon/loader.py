"""Import the spec modules of a folder and assemble the `Stack` they declare."""

from __future__ import annotations

import importlib.util
import sys
import traceback
import types
from pathlib import Path
from typing import Any

from futuramon.errors import Place, SpecError
from futuramon.model import Dashboard, Metric, Receiver, Routing, RuleGroup, Settings, Stack

COLLECTED = (Settings, RuleGroup, Dashboard, Receiver, Routing, Metric)


def load(folder: Path) -> Stack:
    """Import every `*.py` in `folder` (not those starting with `_`), in name order, and collect."""
    if not folder.is_dir():
        raise SpecError(f"specs folder {str(folder)!r} does not exist (pass --specs DIR)")
    files = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not files:
        raise SpecError(f"specs folder {str(folder)!r} holds no spec modules (*.py)")
    package = _package(folder)
    found: list[Any] = []
    try:
        for file in files:
            module = _import(package, file)
            found.extend(_collect(vars(module).values()))
    finally:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
    return _assemble(folder, _unique_objects(found))


def _package(folder: Path) -> str:
    """Register the folder as a package, so that spec modules can import each other (`from .alerts import X`)."""
    name = f"futuramon_specs_{abs(hash(str(folder.resolve()))):x}"
    package = types.ModuleType(name)
    package.__path__ = [str(folder)]
    sys.modules[name] = package
    return name


def _import(package: str, file: Path) -> types.ModuleType:
    name = f"{package}.{file.stem}"
    if name in sys.modules:  # already imported by an earlier spec module
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SpecError:
        raise
    except SyntaxError as error:
        raise SpecError(
            f"Python syntax error: {error.msg}", Place(file=str(error.filename or file), line=error.lineno)
        ) from None
    except Exception as error:  # a spec module is user code: report where it broke
        line = next(
            (f.lineno for f in reversed(traceback.extract_tb(error.__traceback__)) if f.filename == str(file)), None
        )
        raise SpecError(
            f"{type(error).__name__} while importing the spec module: {error}", Place(file=str(file), line=line)
        ) from error
    return module


def _collect(values: Any) -> list[Any]:
    found: list[Any] = []
    for value in values:
        if isinstance(value, COLLECTED):
            found.append(value)
        elif isinstance(value, list | tuple):
            found.extend(v for v in value if isinstance(v, COLLECTED))
    return found


def _unique_objects(found: list[Any]) -> list[Any]:
    """The same object imported into several modules counts once."""
    seen: set[int] = set()
    return [o for o in found if not (id(o) in seen or seen.add(id(o)))]  # type: ignore[func-returns-value]


def _assemble(folder: Path, found: list[Any]) -> Stack:
    settings = [o for o in found if isinstance(o, Settings)]
    routings = [o for o in found if isinstance(o, Routing)]
    for kind, objects in (("Settings", settings), ("Routing", routings)):
        if len(objects) != 1:
            raise SpecError(
                f"the specs must declare exactly one {kind}, found {len(objects)}", Place(file=str(folder), obj=kind)
            )
    try:
        return Stack(
            settings=settings[0],
            routing=routings[0],
            rule_groups=tuple(o for o in found if isinstance(o, RuleGroup)),
            dashboards=tuple(o for o in found if isinstance(o, Dashboard)),
            receivers=tuple(o for o in found if isinstance(o, Receiver)),
            metrics=tuple(o for o in found if isinstance(o, Metric)),
        )
    except SpecError as error:
        if error.place.file.startswith(str(folder.resolve())):
            raise
        raise SpecError(error.message, Place(file=str(folder), obj=error.place.obj, field=error.place.field)) from None
