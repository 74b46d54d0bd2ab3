"""Import the spec modules of a folder and assemble the `Stack` of each environment they declare.

The modules run in a forked child process (`forked.run`): a spec that calls `sys.exit` or `os._exit`,
crashes or hangs cannot end futuramon's run, and every error names the spec file and line it came from.
The folder is a package named after it, so `from .alerts import X` and `from specs.alerts import X`
both reach the same module.
"""

from __future__ import annotations

import importlib.util
import keyword
import os
import re
import signal
import sys
import traceback
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from futuramon import cases, environments, forked
from futuramon.errors import Interrupted, Place, SpecError, redact
from futuramon.model import (
    Dashboard,
    Environment,
    Metric,
    Model,
    Receiver,
    Routing,
    RuleGroup,
    Settings,
    Stack,
    build_validators,
)
from futuramon.secretscan import IN_SPECS

COLLECTED = (Settings, RuleGroup, Dashboard, Receiver, Routing, Metric, Environment)
# where a declared object must be listed to be rendered
_HOME = {"Alert": "RuleGroup", "Panel": "Dashboard", "Route": "Routing's routes", "Inhibit": "Routing's inhibit",
         "Runbook": "Alert", "RouteCase": "Routing's tests", "TimeInterval": "Routing"}  # fmt: skip


_begun: dict[tuple[Path, tuple[Path, ...]], forked.Child[list[Stack]]] = {}  # folder and modules → its load


class _SpecExit(BaseException):
    """os._exit called by a spec module, turned into an exception so its line is known."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def load(folder: Path, meanwhile: Callable[[], object] = lambda: None) -> list[Stack]:
    """Import every `*.py` in `folder` (not those starting with `_`), in name order, and collect:
    one stack per declared `Environment`, in declaration order (one default environment when none is).
    This process runs `meanwhile()` (say, the renderers' imports) while the child loads them, on another core."""
    if not folder.is_dir():
        raise SpecError(f"specs folder {str(folder)!r} does not exist (pass --specs DIR)")
    folder, files = _modules(folder)
    if not files:
        raise SpecError(f"specs folder {str(folder)!r} holds no spec modules (*.py)")
    begun = _begun.pop((folder, tuple(files)), None)
    abandon()  # one begun for other specs (none when the command line was read right)
    try:
        return begun.result(meanwhile) if begun else forked.run(lambda note: _load(folder, files, note), meanwhile)
    except forked.Ended as ended:
        _ended(ended)


def begin(folder: Path) -> None:
    """Start loading `folder` in the child now, before the command line is parsed (`futuramon.__main__`), for
    the `load` of the same folder and modules to take. Nothing is begun for a folder `load` would refuse."""
    if folder.is_dir():
        folder, files = _modules(folder)
        if files:
            _begun[(folder, tuple(files))] = forked.start(lambda note: _load(folder, files, note))


def abandon() -> None:
    """Stop a load begun for nothing (the command ended before it loaded the specs)."""
    while _begun:
        _begun.popitem()[1].stop()


def _modules(folder: Path) -> tuple[Path, list[Path]]:
    folder = folder.absolute()
    return folder, sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def _ended(ended: forked.Ended) -> NoReturn:
    place = Place(file=ended.note or "")
    if ended.interrupted or ended.code in (-signal.SIGINT, -signal.SIGTERM):
        raise Interrupted(f"interrupted while loading {place.prefix() or 'the specs'}: nothing was changed")
    how = f"was killed by signal {-ended.code}" if ended.code < 0 else f"ended with exit code {ended.code}"
    raise SpecError(f"the process loading the spec module {how}; a spec module must only declare objects", place)


def _load(folder: Path, files: list[Path], note: forked.Note) -> list[Stack]:
    """In the child process: import, collect, check that every declared object is reached, assemble."""

    def refuse_exit(status: int) -> NoReturn:
        raise _SpecExit(status)

    build_validators()
    os._exit = refuse_exit  # this process is ours alone: a spec that ends it is reported with its line
    package = _package(folder)
    found: list[Any] = []
    declared: list[Model] = []
    for file in files:
        note(str(file))
        module = _import(package, folder, file)
        found.extend(_collect(vars(module).values()))
        declared.extend(_models(v for k, v in vars(module).items() if not k.startswith("_")))  # _x: a helper
    found = _unique_objects(found)
    reached = list(_walk(found))
    _refuse_unreached(declared, reached)
    _refuse_secrets(reached)
    stacks = _assemble(folder, found)
    for stack in stacks:  # worked out here, once, and sent along: what cannot be stops every command that loads
        stack.cases(cases.derive)
    return stacks


def _package(folder: Path) -> str:
    """Register the folder as a package, so that spec modules can import each other (`from .alerts import X`).

    It is named after the folder when that name is free, so `from specs.alerts import X` works too."""
    name = folder.name
    if not name.isidentifier() or keyword.iskeyword(name) or name in sys.modules or name in sys.stdlib_module_names:
        name = "futuramon_specs"
    package = types.ModuleType(name)
    package.__path__ = [str(folder)]
    sys.modules[name] = package
    return name


def _import(package: str, folder: Path, file: Path) -> types.ModuleType:
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
    except KeyboardInterrupt as error:
        where = _where(error, folder, file)
        raise Interrupted(f"interrupted while loading {where.prefix()}: nothing was changed") from None
    except (SystemExit, _SpecExit) as error:
        call = f"os._exit({error.code})" if isinstance(error, _SpecExit) else f"sys.exit({error.code!r}) or SystemExit"
        raise SpecError(
            f"the spec module ends the run with {call}: a spec module must only declare objects",
            _where(error, folder, file),
        ) from None
    except Exception as error:  # a spec module is user code: report where it broke
        message = re.sub(rf"'{re.escape(package)}\.(\w+)'", lambda m: f"{m.group(1)}.py", str(error))
        if isinstance(error, ImportError) and error.path and Path(error.path).parent == folder:
            message = (
                f"{message.split(' (', 1)[0]}: it is not defined there, or not yet (spec modules that import each "
            )
            message += "other see only what is defined above the import)"
        raise SpecError(
            f"{type(error).__name__} while importing the spec module: {message}", _where(error, folder, file)
        ) from error
    return module


def _where(error: BaseException, folder: Path, file: Path) -> Place:
    """The innermost line of a spec module in the traceback: the module that broke, not the one importing it."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if Path(frame.filename).parent == folder:
            return Place(file=frame.filename, line=frame.lineno)
    return Place(file=str(file))


def _collect(values: Any) -> list[Any]:
    found: list[Any] = []
    for value in values:
        if isinstance(value, COLLECTED):
            found.append(value)
        elif isinstance(value, list | tuple):
            found.extend(v for v in value if isinstance(v, COLLECTED))
    return found


def _models(values: Any) -> Iterator[Model]:
    """The model objects among `values`, also inside lists, tuples and dicts (one level, as specs declare them)."""
    for value in values:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
        yield from (item for item in items if isinstance(item, Model))


def _walk(roots: list[Any]) -> Iterator[Model]:
    """Every model object reachable from `roots`, each once."""
    seen: set[int] = set()
    pending = list(roots)
    while pending:
        current = pending.pop()
        if id(current) not in seen:
            seen.add(id(current))
            yield current
            pending.extend(_models(vars(current).values()))


def _place(subject: Model, field: str = "") -> Place:
    kind = type(subject).__name__
    name = getattr(subject, "name", None) or getattr(subject, "title", None)
    file, line = subject.origin
    return Place(file=file, line=line or None, obj=f"{kind} {name!r}" if isinstance(name, str) else kind, field=field)


def _refuse_unreached(declared: list[Model], reached: list[Model]) -> None:
    """Every declared object is rendered: an Alert in no RuleGroup, a Panel in no Dashboard... is an error."""
    rendered = {id(subject) for subject in reached}
    for subject in declared:
        if id(subject) not in rendered:
            home = _HOME.get(type(subject).__name__, "object the specs render")
            raise SpecError(f"declared but in no {home}: add it to one, or futuramon would silently drop it",
                            _place(subject))  # fmt: skip


def _refuse_secrets(reached: list[Model]) -> None:
    """No string of a spec may hold a webhook URL or a token: it would land in out/, a diff, a log."""
    texts = [(subject, where, text) for subject in reached for field, value in vars(subject).items()
             for where, text in _texts(field, value) if isinstance(text, str)]  # fmt: skip
    if IN_SPECS.first("\n".join(text for _, _, text in texts)) is None:  # all at once: the common case
        return
    for subject, where, text in texts:
        what = IN_SPECS.first(text)
        if what:
            message = f"holds {what} ({redact(text)}): secrets never belong in a spec; put it in the "
            raise SpecError(message + "webhook Secret and name its key in a *_file field", _place(subject, where))


def _texts(where: str, value: Any) -> Iterator[tuple[str, Any]]:
    """A field's value, and each key and item inside it (a RuleGroup's for_each: a tuple of dicts), with where."""
    yield where, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, tuple) else []
    for key, item in items:
        yield f"{where}.{key}", str(key)
        yield from _texts(f"{where}.{key}", item) if isinstance(item, dict) else [(f"{where}.{key}", item)]


def _unique_objects(found: list[Any]) -> list[Any]:
    """The same object imported into several modules counts once."""
    seen: set[int] = set()
    return [o for o in found if not (id(o) in seen or seen.add(id(o)))]  # type: ignore[func-returns-value]


def _assemble(folder: Path, found: list[Any]) -> list[Stack]:
    declared = [o for o in found if isinstance(o, Environment)]
    # receivers and routings an environment holds are its own, not shared
    owned = {id(o) for e in declared for o in (*e.receivers, e.routing) if o is not None}
    found = [o for o in found if id(o) not in owned]
    settings = [o for o in found if isinstance(o, Settings)]
    routings = [o for o in found if isinstance(o, Routing)]
    _count(folder, "Settings", settings, exactly_one=True)
    _count(folder, "Routing", routings, exactly_one=not declared)
    _unique_names(declared)
    shared = environments.Shared(
        settings=settings[0],
        routing=routings[0] if routings else None,
        rule_groups=tuple(o for o in found if isinstance(o, RuleGroup)),
        dashboards=tuple(o for o in found if isinstance(o, Dashboard)),
        receivers=tuple(o for o in found if isinstance(o, Receiver)),
        metrics=tuple(o for o in found if isinstance(o, Metric)),
    )
    try:
        return [environments.stack(shared, e) for e in declared or [Environment(name="default")]]
    except SpecError as error:
        if error.place.file.startswith(str(folder.resolve())):
            raise
        raise SpecError(error.message, Place(file=str(folder), obj=error.place.obj, field=error.place.field)) from None


def _count(folder: Path, kind: str, objects: list[Any], exactly_one: bool) -> None:
    if len(objects) > 1 or (exactly_one and not objects):
        expected = "exactly one" if exactly_one else "at most one shared"
        hint = ": declare one, and an Environment for each place the stack runs" if len(objects) > 1 else ""
        raise SpecError(
            f"the specs must declare {expected} {kind}, found {len(objects)}{hint}", Place(file=str(folder), obj=kind)
        )


def _unique_names(declared: list[Environment]) -> None:
    seen: set[str] = set()
    for environment in declared:
        if environment.name in seen:
            file, line = environment.origin
            raise SpecError(
                f"{environment.name!r} is declared more than once; each name must be unique",
                Place(file=file, line=line, obj=f"Environment {environment.name!r}", field="name"),
            )
        seen.add(environment.name)
