"""The futuramon model: what a spec declares, checked as it is built.

Every object is a frozen pydantic model that refuses unknown fields. Checks that
need one object live on it; checks across objects (names that must be unique,
references by name) live on `Stack`, which the loader assembles from the spec
modules.

No `from __future__ import annotations` here: pydantic would compile every field's annotation from its text
when each class is built, on every start (≈ 4 ms); only the few names a class uses before it is defined are
quoted.
"""

import calendar
import difflib
import functools
import math
import re
import sys
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, TypeVar, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import re2
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from futuramon import promql
from futuramon.errors import Place, SpecError
from futuramon.grafana_units import UNITS

# --- field types ----------------------------------------------------------------

_DURATION = re.compile(r"^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$")
_DURATION_SECONDS = {"y": 365 * 86400, "w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_MATCHER = re.compile(r'^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$')


def is_duration(value: str) -> bool:
    """Whether `value` is a Prometheus duration, its units in order (`1h30m`, not `30m1h`)."""
    return bool(value) and value != "0" and bool(_DURATION.match(value))


def _duration(value: str) -> str:
    if not is_duration(value):
        raise ValueError(f"expected a Prometheus duration like 30s, 5m or 1h30m, got {value!r}")
    return value


def duration_seconds(value: str) -> float:
    """Seconds in a Prometheus duration such as `1h30m` or `500ms`."""
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|[ywdhms])", value):
        total += int(number) / 1000 if unit == "ms" else int(number) * _DURATION_SECONDS[unit]
    return total


def _label_name(value: str) -> str:
    if not _LABEL_NAME.match(value):
        raise ValueError(f"expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), got {value!r}")
    return value


def _label_names(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        _label_name(key)
    return dict(sorted(value.items()))


def _promql(value: str) -> str:
    problem = promql.syntax_error(value)
    if problem:
        raise ValueError(problem)
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return value


def _matcher(value: str) -> str:
    if not _MATCHER.match(value):
        raise ValueError(f'expected a matcher like severity="critical" or alertname=~"A|B", got {value!r}')
    _, op, pattern = matcher_parts(value)
    if op in ("=~", "!~"):
        try:
            _regex(pattern)
        except re2.error as error:
            reason = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
            raise ValueError(f"the regular expression in {value!r} does not compile as RE2, the syntax Alertmanager "
                             f"uses (no look-arounds, no backreferences): {reason}") from None  # fmt: skip
    return value


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # the error is raised, and reported with the matcher; nothing on stderr


@functools.cache
def _regex(pattern: str) -> Any:
    """A matcher's regular expression as Alertmanager compiles it: RE2 (Go's regexp), anchored at both ends."""
    return re2.compile(f"^(?:{pattern})$", _RE2_OPTIONS)


def _secret_file(value: str) -> str:
    if "://" in value:
        raise ValueError(
            "expected the name of a key in the webhook Secret (a file mounted into Alertmanager), "
            "got what looks like a URL: webhook URLs are secrets and must never be written into a spec"
        )
    if not re.match(r"^[-._a-zA-Z0-9]+$", value):
        raise ValueError(f"expected a Secret key name like slack-webhook-url, got {value!r}")
    return value


def _interval(value: str) -> str:
    if duration_seconds(value) == 0:
        raise ValueError(f"expected an interval longer than zero, got {value!r}")
    return value


def _namespace(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", value):
        raise ValueError(
            "expected a Kubernetes namespace (a DNS-1123 label: at most 63 lowercase letters, digits and '-', "
            f"starting and ending with a letter or digit), got {value!r}"
        )
    return value


def _unit(value: str) -> str:
    if value not in UNITS and not re.fullmatch(r"(prefix|suffix|si|count|currency|time|bool):.+", value):
        close = difflib.get_close_matches(value, sorted(UNITS), n=3)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise ValueError(f"expected a Grafana unit id like short, percentunit, reqps or s, got {value!r}{hint}")
    return value


def _url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value


def _absolute(value: str) -> str:
    if not value.startswith("/"):
        raise ValueError(f"expected an absolute path (where Alertmanager mounts the Secret), got {value!r}")
    return value


Duration = Annotated[str, AfterValidator(_duration)]
Interval = Annotated[str, AfterValidator(_duration), AfterValidator(_interval)]  # a duration that is not zero
Unit = Annotated[str, AfterValidator(_unit)]
URL = Annotated[str, AfterValidator(_url)]
LabelName = Annotated[str, AfterValidator(_label_name)]
Labels = Annotated[dict[str, str], AfterValidator(_label_names)]
PromQL = Annotated[str, AfterValidator(_promql)]
Finite = Annotated[float, AfterValidator(_finite)]
Matcher = Annotated[str, AfterValidator(_matcher)]
SecretKey = Annotated[str, AfterValidator(_secret_file)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
Key = Annotated[str, Field(pattern=r"^[A-Za-z][-A-Za-z0-9_]*$")]  # a name that may hold dashes
Text = Annotated[str, Field(min_length=1)]
KubernetesName = Annotated[str, Field(pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63)]
DashboardUid = Annotated[str, Field(pattern=r"^[a-zA-Z0-9-_]{1,40}$")]


def matcher_parts(matcher: str) -> tuple[str, str, str]:
    """`severity="critical"` → ("severity", "=", "critical")."""
    found = _MATCHER.match(matcher)
    assert found, matcher
    return found.group(1), found.group(2), found.group(3).replace('\\"', '"').replace("\\\\", "\\")


def matches(matcher: str, labels: dict[str, str]) -> bool:
    """Whether a label set satisfies one Alertmanager matcher."""
    name, op, value = matcher_parts(matcher)
    actual = labels.get(name, "")
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    return (_regex(value).search(actual) is not None) == (op == "=~")


# --- the base of every model ----------------------------------------------------


_LIBRARY = str(Path(__file__).parent)


def _caller() -> tuple[str, int]:
    """The file and line, outside futuramon itself, that is building an object."""
    frame = sys._getframe(1)
    while frame.f_back is not None and (
        frame.f_code.co_filename.startswith(_LIBRARY) or "pydantic" in frame.f_code.co_filename
    ):
        frame = frame.f_back
    return frame.f_code.co_filename, frame.f_lineno


class Model(BaseModel):
    """Frozen, strict about fields, and raising `SpecError` that names the object."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)
    _origin: tuple[str, int] = PrivateAttr(default=("", 0))

    def __init__(self, **data: Any) -> None:
        origin = _caller()
        try:
            _refuse_booleans(type(self), data)
            super().__init__(**data)
        except ValidationError as error:
            raise spec_error(type(self).__name__, data, error).at(file=origin[0], line=origin[1]) from None
        except SpecError as error:
            raise error.at(file=origin[0], line=origin[1]) from None
        self._origin = origin

    @property
    def origin(self) -> tuple[str, int]:
        """Where in the specs this object was declared (file, line)."""
        return self._origin


def _refuse_booleans(model: type[BaseModel], data: dict[str, Any]) -> None:
    """`threshold=True` is not 1: a boolean where a number is expected is an error (pydantic would convert it)."""
    for key in _number_fields(model) & data.keys():
        if isinstance(data[key], bool):
            raise SpecError(f"expected a number, got {data[key]!r} (a boolean)",
                            Place(obj=_object(model.__name__, data), field=key))  # fmt: skip


@functools.cache
def _number_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields (by name and alias) that hold a number and do not accept a boolean."""
    found = set()
    for name, field in model.model_fields.items():  # `Finite | None` too: the number is inside an Annotated
        kinds = {field.annotation, *(get_args(a)[0] if get_origin(a) is Annotated else a
                                     for a in get_args(field.annotation))}  # fmt: skip
        if bool not in kinds and kinds & {int, float}:
            found |= {name, field.alias or name}
    return frozenset(found)


def _object(kind: str, data: dict[str, Any]) -> str:
    name = data.get("name") or data.get("title")
    return f"{kind} {name!r}" if isinstance(name, str) else kind


def spec_error(kind: str, data: dict[str, Any], error: ValidationError) -> SpecError:
    """Turn pydantic's first complaint into a message that names object, field, expected, found."""
    first = error.errors(include_url=False)[0]
    obj = _object(kind, data)
    names = {info.alias: name for name, info in _model_fields(kind).items() if info.alias}
    field = ".".join(names.get(str(part), str(part)) for part in first["loc"])  # `for_` as users write it
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = f"unknown field (known fields: {', '.join(_field_names(kind))})"
    elif first["type"] == "missing":
        message = "required field is missing"
    elif "input" in first and first["type"] not in ("value_error", "assertion_error"):
        message = f"{message}, got {first['input']!r}"
    return SpecError(message, Place(obj=obj, field=field))


def _field_names(kind: str) -> list[str]:
    """The fields as spec authors write them (`for_`, `continue_`)."""
    return sorted(_model_fields(kind))


def _model_fields(kind: str) -> dict[str, Any]:
    model = next((m for m in Model.__subclasses__() if m.__name__ == kind), None)
    return dict(model.model_fields) if model is not None else {}


T = TypeVar("T")


def filler(values: dict[str, str]) -> Callable[[T], T]:
    """Replace every `{name}` of `values` in every string of a value: a model (and the models inside it), a
    tuple, list or dict of them. `{{name}}` (a Go template or a Grafana legend) is left alone; whatever holds
    no placeholder stays the very same object."""
    if not values:
        return lambda value: value
    pattern = re.compile(r"(?<!\{)\{(" + "|".join(map(re.escape, values)) + r")\}(?!\})")

    def any_value(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda found: values[found.group(1)], value) if "{" in value else value
        if isinstance(value, Model):
            changes = {}
            for name in type(value).model_fields:
                before = getattr(value, name)
                after = any_value(before)
                if after is not before:
                    changes[name] = after
            return value.model_copy(update=changes) if changes else value
        if isinstance(value, tuple | list):
            items = [any_value(item) for item in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items)
        if isinstance(value, dict):
            pairs = [(any_value(k), any_value(v)) for k, v in value.items()]
            same = all(k is a and v is b for (k, v), (a, b) in zip(pairs, value.items(), strict=True))
            return value if same else dict(pairs)
        return value

    return any_value


# --- alerts ---------------------------------------------------------------------


class Series(Model):
    """One input series of an alert test, in promtool's expanding notation."""

    selector: PromQL  # e.g. http_requests_total{service="api", status="500"}
    values: Text  # e.g. "0+660x20"


class AlertCase(Model):
    """A behavioural test of one alert, run by `promtool test rules`.

    A firing case may leave out its name, its `at` (then: the first minute it fires) and its labels (then: the
    labels of the series that fires), all worked out from its series; futuramon derives from it a case quiet
    one minute before the alert fires (`hold`) and one just on the quiet side of the threshold (`below`)."""

    name: Text | None = None
    series: tuple[Series, ...] = Field(min_length=1)
    at: Duration | None = None
    fires: bool
    labels: Labels | None = None  # labels the firing alert must carry, besides the alert's own
    hold: bool = True  # derive "quiet before its `for` has passed" (firing cases only)
    below: bool = True  # derive "quiet just below the threshold" (firing cases only)

    def model_post_init(self, context: Any, /) -> None:
        missing = [field for field in ("name", "at") if getattr(self, field) is None]
        if not self.fires and missing:
            raise SpecError(f"a quiet case states its {' and '.join(missing)}",
                            Place(obj="AlertCase", field=missing[0]))  # fmt: skip


class Command(Model):
    """One investigation step of a runbook: a comment and the command to run."""

    say: Text
    run: str = ""


class Runbook(Model):
    symptom: Text
    investigation: tuple[Command, ...] = Field(min_length=1)
    resolution: tuple[Text, ...] = Field(min_length=1)


Op = Literal[">", "<", ">=", "<=", "==", "!="]


class Alert(Model):
    """A Prometheus alerting rule: `signal op threshold` held for `for`."""

    name: Name
    signal: PromQL
    op: Op
    threshold: Finite
    for_: Duration = Field(alias="for")
    keep_firing_for: Duration | None = None  # keep firing this long after the condition clears
    severity: LabelName
    category: LabelName
    summary: Text
    description: Text
    runbook: Runbook
    panel: Text  # the title of the dashboard panel that shows the signal
    unit: Unit = "short"  # a Grafana unit; also how {threshold} reads in the annotations
    labels: Labels = {}
    tests: tuple[AlertCase, ...] = ()

    @property
    def expr(self) -> str:
        """`signal op threshold`; a signal joined by and/or/unless is bracketed, as those bind looser."""
        signal = f"({self.signal})" if promql.top_level_set_operation(self.signal) else self.signal
        return f"{signal} {self.op} {number(self.threshold)}"

    def model_post_init(self, context: Any, /) -> None:
        problem = promql.syntax_error(self.expr)
        if problem:
            raise SpecError(f"the rule's expression is {problem}", Place(obj=f"Alert {self.name!r}", field="signal"))
        reserved = sorted({"alertname", "severity", "category"} & set(self.labels))
        if reserved:
            raise SpecError(f"sets {', '.join(reserved)}, which futuramon sets from the alert itself "
                            "(its name, severity and category fields): set those fields instead",
                            Place(obj=f"Alert {self.name!r}", field="labels"))  # fmt: skip


def number(value: float) -> str:
    """A threshold as PromQL writes it: 10, 0.9, 1e-06."""
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


_UNIT_SUFFIX = {"s": "s", "reqps": " req/s", "cps": "/s", "ops": " ops/s", "bytes": " B", "percent": "%"}


def reading(value: float, unit: str) -> str:
    """A value in a Grafana unit as a person reads it: 90%, 2s, 10 req/s."""
    if unit == "percentunit":
        return f"{number(round(value * 100, 6))}%"
    return number(value) + _UNIT_SUFFIX.get(unit, "")


class Recording(Model):
    """A Prometheus recording rule: `expr` evaluated every interval and stored as the series `record`.
    Alerts and panels read it by name (`signal=P95.record`), so both show the very same series."""

    record: Annotated[str, Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]  # by convention level:metric:operations
    expr: PromQL
    labels: Labels = {}


class VerbatimRule(Model):
    """An alerting or recording rule kept exactly as it was written elsewhere (what `futuramon import` cannot
    express as an `alert` or a `Recording`): rendered as is, outside futuramon's checks, with no panel, runbook
    page or test cases."""

    alert: str | None = None
    record: str | None = None
    expr: PromQL
    for_: Duration | None = Field(default=None, alias="for")
    keep_firing_for: Duration | None = None
    labels: Labels = {}
    annotations: dict[str, str] = {}

    def model_post_init(self, context: Any, /) -> None:
        if (self.alert is None) == (self.record is None):
            raise SpecError("a rule is either an `alert` or a `record`", Place(obj="VerbatimRule", field="alert"))


_STAMP_VALUE = re.compile(r"""[^"'`\\\n{}]+""")  # PromQL quotes a string with any of the three


class RuleGroup(Model):
    """Rules Prometheus evaluates together, in order: the recordings first (as declared), then the alerts,
    then the verbatim rules.

    With `for_each`, the group is declared once and stamped out once per parameter set: in each copy every
    `{key}` of the set, in the group's name and anywhere in its alerts, reads the set's value, and every alert
    carries each key as a label (`service="svc0001"`). The alerts keep their names, as Prometheus teams write
    it: one alertname, told apart by its labels. Each alert is validated, and its PromQL parsed, once."""

    name: Text
    interval: Interval | None = None
    limit: int | None = Field(default=None, ge=1)  # at most this many alerts or series per evaluation
    recordings: tuple[Recording, ...] = ()
    alerts: tuple[Alert, ...] = ()
    verbatim: tuple[VerbatimRule, ...] = ()
    for_each: tuple[dict[LabelName, str], ...] = ()  # e.g. ({"service": "api"}, {"service": "web"})

    def model_post_init(self, context: Any, /) -> None:
        if not self.recordings and not self.alerts and not self.verbatim:
            raise SpecError("a rule group needs at least one recording or alert, it has none",
                            Place(obj=f"RuleGroup {self.name!r}", field="alerts"))  # fmt: skip
        if self.for_each:
            self._check_stamp()

    @property
    def keys(self) -> tuple[str, ...]:
        """The parameters it is stamped out over (none for a plain group)."""
        return tuple(sorted(self.for_each[0])) if self.for_each else ()

    def names(self) -> list[str]:
        """The name of each group Prometheus evaluates: this one's, or one per parameter set."""
        return [filler(values)(self.name) for values in self.for_each] if self.for_each else [self.name]

    def stamp(self) -> "RuleGroup":
        """The template a stamped group is: each alert carries a label per parameter, `{key}` as its value."""
        placeholders = {key: f"{{{key}}}" for key in self.keys}
        alerts = tuple(a.model_copy(update={"labels": dict(sorted({**a.labels, **placeholders}.items()))})
                       for a in self.alerts)  # fmt: skip
        return self.model_copy(update={"alerts": alerts, "for_each": ()})

    def stamped(self) -> "tuple[RuleGroup, ...]":
        """The groups Prometheus evaluates: this one, or one per parameter set with its values filled in."""
        if not self.for_each:
            return (self,)
        template = self.stamp()
        return tuple(filler(values)(template) for values in self.for_each)

    def _check_stamp(self) -> None:
        """What a parameter set could break when filled in: the template itself was validated as declared."""

        def refuse(message: str, field: str = "for_each", subject: Model = self, obj: str = "") -> NoReturn:
            raise SpecError(message, _place(subject, obj or f"RuleGroup {self.name!r}", field))

        keys = self.for_each[0].keys()
        if self.recordings or self.verbatim:
            refuse("a group stamped out with for_each holds alerts only: declare its recordings and verbatim "
                   "rules in a group of their own", "recordings")  # fmt: skip
        reserved = sorted({"alertname", "severity", "category"} & keys)
        if reserved:
            refuse(f"names {', '.join(reserved)}, which futuramon sets from each alert itself")
        if not any(f"{{{key}}}" in self.name for key in keys):
            refuse(f"is stamped out once per parameter set, so its name must hold a parameter "
                   f"({', '.join(f'{{{k}}}' for k in sorted(keys))}) to name each copy", "name")  # fmt: skip
        for number, values in enumerate(self.for_each, start=1):
            if values.keys() != keys:
                refuse(f"parameter set #{number} names {sorted(values)}, the first one {sorted(keys)}: "
                       "every set names the same parameters")  # fmt: skip
            for key, value in values.items():
                if not _STAMP_VALUE.fullmatch(value):
                    refuse(f"parameter set #{number}: {key}={value!r}: a value is filled into quoted PromQL label "
                           "values and annotation templates, so it must be non-empty and hold no quote "
                           "(\", ' or `), backslash, brace or line break")  # fmt: skip
        for alert in self.alerts:
            obj = f"Alert {alert.name!r}"
            clash = sorted(keys & alert.labels.keys())
            if clash:
                refuse(f"sets {', '.join(clash)}, which its group's for_each sets per copy", "labels", alert, obj)
            if any(f"{{{key}}}" in alert.panel for key in keys):
                refuse("names the one panel that shows every copy: it cannot hold a parameter", "panel", alert, obj)


# --- routing --------------------------------------------------------------------


class Slack(Model):
    channel: Text
    webhook_file: SecretKey  # key in the webhook Secret, mounted as a file
    send_resolved: bool = True


class Discord(Model):
    webhook_file: SecretKey
    send_resolved: bool = True


class PagerDuty(Model):
    """PagerDuty Events API v2; the alert's `severity` label becomes the incident's severity."""

    routing_key_file: SecretKey  # the integration's routing key, a key in the Secret
    send_resolved: bool = True


class Opsgenie(Model):
    api_key_file: SecretKey
    priority: Literal["P1", "P2", "P3", "P4", "P5"] | None = None  # None: Opsgenie's default (P3)
    send_resolved: bool = True


class Email(Model):
    to: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]
    sender: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]  # the From: address
    smarthost: Annotated[str, Field(pattern=r"^[^:\s/]+:\d+$")]  # host:port of the SMTP server
    username: str = ""  # SMTP login, when the server wants one
    password_file: SecretKey | None = None  # its password, a key in the Secret
    send_resolved: bool = False


class Teams(Model):
    """Microsoft Teams through a Workflows (Power Automate) webhook."""

    webhook_file: SecretKey
    send_resolved: bool = True


class Webhook(Model):
    """A generic webhook: Alertmanager POSTs its JSON payload to the URL in the file."""

    url_file: SecretKey
    max_alerts: int = Field(default=0, ge=0)  # 0: all alerts of the group
    send_resolved: bool = True


Integration = Slack | Discord | PagerDuty | Opsgenie | Email | Teams | Webhook


class Receiver(Model):
    name: Name
    slack: tuple[Slack, ...] = ()
    discord: tuple[Discord, ...] = ()
    pagerduty: tuple[PagerDuty, ...] = ()
    opsgenie: tuple[Opsgenie, ...] = ()
    email: tuple[Email, ...] = ()
    teams: tuple[Teams, ...] = ()
    webhook: tuple[Webhook, ...] = ()

    @property
    def integrations(self) -> list[Integration]:
        """Every notification this receiver sends, in declaration order of kinds."""
        return [*self.slack, *self.discord, *self.pagerduty, *self.opsgenie, *self.email, *self.teams, *self.webhook]

    def model_post_init(self, context: Any, /) -> None:
        if not self.integrations:
            raise SpecError(
                "a receiver needs at least one integration (slack, discord, pagerduty, opsgenie, email, teams "
                "or webhook), it has none",
                Place(obj=f"Receiver {self.name!r}"),
            )


_WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):[0-5]\d|24:00)$")


def _range(value: str, parse: Any, what: str) -> tuple[int, int]:
    """`monday:friday` or `saturday` → (first, last), both included, in Alertmanager's numbering."""
    first, _, last = value.partition(":")
    try:
        begin, end = parse(first.strip()), parse((last or first).strip())
    except (ValueError, KeyError):
        raise ValueError(f"expected {what}, got {value!r}") from None
    if begin > end and not (begin > 0 > end):
        raise ValueError(f"the range {value!r} ends before it starts")
    return begin, end


def _weekday(value: str) -> int:
    return _WEEKDAYS.index(value.lower())


def _month(value: str) -> int:
    return int(value) if value.isdigit() and 1 <= int(value) <= 12 else _MONTHS.index(value.lower()) + 1


def _day(value: str) -> int:
    day = int(value)
    if not (1 <= abs(day) <= 31):
        raise ValueError(value)
    return day


def _year(value: str) -> int:
    return int(value)


def _checked(parse: Any, what: str) -> Any:
    return AfterValidator(lambda value: (_range(value, parse, what), value)[1])


def _clock(value: str) -> str:
    found = _CLOCK.match(value)
    if not found or value[:5] >= value[6:]:
        raise ValueError(f"expected a time range like 09:00-17:00 (end after start, at most 24:00), got {value!r}")
    return value


def _location(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected an IANA time zone like Europe/Madrid or UTC, got {value!r}") from None
    return value


Weekdays = Annotated[str, _checked(_weekday, "a weekday or a range like monday:friday")]
Months = Annotated[str, _checked(_month, "a month or a range like january:march (names or 1-12)")]
DaysOfMonth = Annotated[str, _checked(_day, "a day of the month or a range like 1:7 (-1 is the last day)")]
Years = Annotated[str, _checked(_year, "a year or a range like 2026:2027")]
Clock = Annotated[str, AfterValidator(_clock)]
Location = Annotated[str, AfterValidator(_location)]


class TimePeriod(Model):
    """When a period holds: every field given must match (an empty field matches always)."""

    weekdays: tuple[Weekdays, ...] = ()  # "monday:friday", "saturday"
    times: tuple[Clock, ...] = ()  # "09:00-17:00": start included, end excluded
    days_of_month: tuple[DaysOfMonth, ...] = ()  # "1:7", "-1" (the last day)
    months: tuple[Months, ...] = ()  # "january:march", "12"
    years: tuple[Years, ...] = ()  # "2026:2027"
    location: Location = "UTC"  # the time zone the fields are read in

    def contains(self, moment: datetime) -> bool:
        """Whether Alertmanager counts this moment as inside the period."""
        local = moment.astimezone(ZoneInfo(self.location))
        minute = local.hour * 60 + local.minute
        days = calendar.monthrange(local.year, local.month)[1]

        def day_in(text: str) -> bool:
            begin, end = (day + days + 1 if day < 0 else day for day in _range(text, _day, ""))
            return begin <= days and begin <= local.day <= min(end, days)

        return (
            (not self.times or any(_minutes(t[:5]) <= minute < _minutes(t[6:]) for t in self.times))
            and (not self.weekdays or any(_in(w, _weekday, (local.weekday() + 1) % 7) for w in self.weekdays))
            and (not self.days_of_month or any(day_in(d) for d in self.days_of_month))
            and (not self.months or any(_in(m, _month, local.month) for m in self.months))
            and (not self.years or any(_in(y, _year, local.year) for y in self.years))
        )


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _in(text: str, parse: Any, value: int) -> bool:
    begin, end = _range(text, parse, "")
    return begin <= value <= end


class TimeInterval(Model):
    """A named, recurring time: routes mute themselves in it, or are active only in it."""

    name: Key
    periods: tuple[TimePeriod, ...] = Field(min_length=1)

    def contains(self, moment: datetime) -> bool:
        return any(period.contains(moment) for period in self.periods)


_MOMENT = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})|(" + "|".join(_WEEKDAYS) + r")) ([01]\d|2[0-3]):([0-5]\d)$", re.I)
REFERENCE_WEEK = date(2030, 1, 6)  # a Sunday: "saturday 03:00" means 2030-01-12 03:00 UTC


def moment(value: str) -> datetime:
    """`saturday 03:00` (in the reference week) or `2030-12-24 18:00`, in UTC."""
    found = _MOMENT.match(value.strip())
    if not found:
        raise ValueError(f"expected a moment like 'saturday 03:00' or '2030-12-24 18:00' (UTC), got {value!r}")
    day = (
        date.fromisoformat(found.group(1))
        if found.group(1)
        else REFERENCE_WEEK + timedelta(days=_weekday(found.group(2)))
    )
    return datetime(day.year, day.month, day.day, int(found.group(3)), int(found.group(4)), tzinfo=UTC)


def _moment(value: str) -> str:
    moment(value)
    return value


Moment = Annotated[str, AfterValidator(_moment)]


class Route(Model):
    """A node of the routing tree: alerts matching every matcher go down it (and into its own routes)."""

    matchers: tuple[Matcher, ...] = Field(min_length=1)
    receiver: Name | None = None  # None: the parent's receiver
    group_by: tuple[LabelName, ...] | None = None  # None: the parent's; ("...",) is not supported
    group_wait: Duration | None = None
    group_interval: Interval | None = None
    repeat_interval: Interval | None = None
    mute_time_intervals: tuple[Key, ...] = ()  # not inherited by child routes (Alertmanager's rule)
    active_time_intervals: tuple[Key, ...] = ()
    routes: "tuple[Route, ...]" = ()
    continue_: bool = Field(default=False, alias="continue")


class RouteCase(Model):
    """A label set and the receivers it must reach, in order; at a stated moment, which of them are muted."""

    labels: Labels
    receivers: tuple[Name, ...] = Field(min_length=1)
    at: Moment | None = None  # "saturday 03:00" or "2030-12-24 18:00", UTC
    muted: tuple[Name, ...] = ()  # the receivers that stay silent `at` that moment

    def model_post_init(self, context: Any, /) -> None:
        if self.muted and self.at is None:
            raise SpecError("`muted` needs `at`: the moment the time intervals are read at",
                            Place(obj=f"RouteCase {self.labels}", field="muted"))  # fmt: skip
        for name in self.muted:
            if name not in self.receivers:
                raise SpecError(f"{name!r} is muted but not among the receivers {self.receivers}",
                                Place(obj=f"RouteCase {self.labels}", field="muted"))  # fmt: skip


class InhibitCase(Model):
    """A firing source alert and a target alert, and whether the target is muted."""

    source: Labels
    target: Labels
    inhibited: bool


class Inhibit(Model):
    source: tuple[Matcher, ...] = Field(min_length=1)
    target: tuple[Matcher, ...] = Field(min_length=1)
    equal: tuple[LabelName, ...] = Field(min_length=1)
    tests: tuple[InhibitCase, ...] = ()

    def describe(self) -> str:
        """`severity="critical" → severity="warning" (equal cluster, service)`."""
        return f"{', '.join(self.source)} → {', '.join(self.target)} (equal {', '.join(self.equal)})"

    def inhibits(self, source: dict[str, str], target: dict[str, str]) -> bool:
        """Alertmanager's rule: a label missing on both sides counts as equal (both are empty); and when the
        target matches the source matchers too, a source that also matches the target matchers does not count
        (two alerts that each match both sides never mute each other)."""
        both_sides = all(matches(m, target) for m in self.source) and all(matches(m, source) for m in self.target)
        return (
            all(matches(m, source) for m in self.source)
            and all(matches(m, target) for m in self.target)
            and all(source.get(label, "") == target.get(label, "") for label in self.equal)
            and not both_sides
        )


class Routing(Model):
    receiver: Name  # the root route's receiver: whatever no child takes goes here
    group_by: tuple[LabelName, ...]
    group_wait: Duration
    group_interval: Interval
    repeat_interval: Interval
    routes: tuple[Route, ...] = ()
    time_intervals: tuple[TimeInterval, ...] = ()
    inhibit: tuple[Inhibit, ...] = ()
    tests: tuple[RouteCase, ...] = ()

    def numbered(self) -> list[tuple[str, tuple[Route, ...]]]:
        """Every route of the tree, depth first, as its number (`2`, `2.1`) and its path from the top."""
        found: list[tuple[str, tuple[Route, ...]]] = []

        def visit(routes: tuple[Route, ...], prefix: str, above: tuple[Route, ...]) -> None:
            for index, route in enumerate(routes, start=1):
                found.append((f"{prefix}{index}", (*above, route)))
                visit(route.routes, f"{prefix}{index}.", (*above, route))

        visit(self.routes, "", ())
        return found

    def matched_labels(self) -> frozenset[str]:
        """The label names any route of the tree matches on."""
        return frozenset(matcher_parts(m)[0] for _, path in self.numbered() for m in path[-1].matchers)

    def inherited(self, path: tuple[Route, ...], field: str) -> Any:
        """A setting of the last route on a path: its own, else the nearest ancestor's, else the root's."""
        return next((getattr(r, field) for r in reversed(path) if getattr(r, field) is not None), getattr(self, field))

    def matching_paths(self, labels: dict[str, str]) -> list[tuple[Route, ...]]:
        """Each route a label set is delivered by, as the path from a top route down to it, in order
        (Alertmanager's rule: the deepest matching routes; a route without `continue` stops its siblings)."""
        return _descend(self.routes, labels, ())

    def receiver_of(self, path: tuple[Route, ...]) -> str:
        """The receiver of the last route on a path: its own, or the nearest ancestor's."""
        return str(self.inherited(path, "receiver"))

    def receivers_for(self, labels: dict[str, str]) -> list[str]:
        """The receivers a label set reaches, in order (what `amtool config routes test` prints)."""
        return [self.receiver_of(path) for path in self.matching_paths(labels)] or [self.receiver]

    def muted_at(self, labels: dict[str, str], at: datetime) -> list[str]:
        """The receivers a label set reaches that stay silent at a moment: their route is in a mute time
        interval, or outside all of its active ones (each route's own: they are not inherited)."""
        return [self.receiver_of(path) for path in self.matching_paths(labels) if self.silent(path[-1], at)]

    def silent(self, route: Route, at: datetime) -> bool:
        """Whether a route sends nothing at a moment: it is in one of its mute time intervals, or outside all
        of its active ones (each route's own: they are not inherited)."""
        intervals = {interval.name: interval for interval in self.time_intervals}
        return any(intervals[name].contains(at) for name in route.mute_time_intervals) or bool(
            route.active_time_intervals
            and not any(intervals[name].contains(at) for name in route.active_time_intervals)
        )


def _descend(routes: tuple[Route, ...], labels: dict[str, str], above: tuple[Route, ...]) -> list[tuple[Route, ...]]:
    reached: list[tuple[Route, ...]] = []
    for route in routes:
        if all(matches(m, labels) for m in route.matchers):
            path = (*above, route)
            reached.extend(_descend(route.routes, labels, path) or [path])
            if not route.continue_:
                break
    return reached


# --- dashboards -----------------------------------------------------------------


class Query(Model):
    expr: PromQL
    legend: str = ""


class Grid(Model):
    x: int = Field(ge=0, le=23)
    y: int = Field(ge=0)
    w: int = Field(ge=1, le=24)
    h: int = Field(ge=1)


PanelKind = Literal["timeseries", "stat", "gauge", "table", "bargauge", "heatmap", "text"]


class Panel(Model):
    title: Text
    kind: PanelKind
    queries: tuple[Query, ...] = ()  # at least one, except for a text panel
    content: str = ""  # the Markdown of a text panel
    unit: Unit = "short"
    description: str = ""
    width: int = Field(default=12, ge=1, le=24)
    height: int = Field(default=8, ge=1)
    grid: Grid | None = None  # explicit position; without it panels flow left to right
    thresholds_from: str | None = None  # the alert whose threshold this panel draws
    min: float | None = None
    max: float | None = None

    @property
    def id(self) -> int:
        """A stable Grafana panel id, from the title: inserting or moving a panel does not re-point links."""
        return zlib.crc32(self.title.encode()) % 100_000 + 1

    def model_post_init(self, context: Any, /) -> None:
        obj = f"Panel {self.title!r}"
        if self.kind == "text" and (self.queries or not self.content):
            raise SpecError("a text panel shows its `content` (Markdown) and has no queries", Place(obj=obj,
                            field="content"))  # fmt: skip
        if self.kind != "text" and not self.queries:
            raise SpecError(f"a {self.kind} panel needs at least one query", Place(obj=obj, field="queries"))
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise SpecError(f"min {self.min} is not below max {self.max}", Place(obj=obj, field="max"))


class Row(Model):
    """A titled band of panels across the dashboard; collapsed, it hides them until opened."""

    title: Text
    panels: tuple[Panel, ...] = Field(min_length=1)
    collapsed: bool = False


_LABEL_VALUES = re.compile(r"^label_values\((?:(.+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)$")


def _variable_query(value: str) -> str:
    found = _LABEL_VALUES.match(value.strip())
    if not found:
        raise ValueError(f"expected label_values(<series selector>, <label>), got {value!r}")
    if found.group(1):
        _promql(found.group(1))
    return value


class Variable(Model):
    """A dashboard variable filled from Prometheus: `label_values(up{job="api"}, service)`; queries use it
    as `$name` (`{service=~"$service"}`)."""

    name: LabelName
    query: Annotated[str, AfterValidator(_variable_query)]
    label: str = ""  # shown before the picker; the name when empty
    multi: bool = True
    include_all: bool = True  # "All" selects every value, as the regex .*


class Annotation(Model):
    """Events drawn across every time panel: a Prometheus expression, one marker where it has a value."""

    name: Text
    expr: PromQL
    title: str = ""  # Grafana's title format, e.g. "{{deployment}} rolled out"
    text: str = ""
    color: str = "rgba(255, 96, 96, 1)"
    step: Duration = "1m"


class Link(Model):
    """A link in the dashboard's header to another dashboard of the specs, keeping time range and variables."""

    title: Text
    to: Annotated[str, Field(pattern=r"^[a-zA-Z0-9-_]{1,40}$")]  # the uid of the dashboard it opens


_GRAFANA_VARIABLE = re.compile(r"\$(?:\{([a-zA-Z_]\w*)(?::\w+)?\}|([a-zA-Z_]\w*))")


def grafana_variables(expr: str) -> list[str]:
    """The dashboard variables an expression reads (`$service`, `${service}`), not Grafana's own `$__...`."""
    return [a or b for a, b in _GRAFANA_VARIABLE.findall(expr) if not (a or b).startswith("__")]


class Dashboard(Model):
    """`panels` holds every panel, those of `rows` included (after the panels above the first row)."""

    uid: DashboardUid
    title: Text
    panels: tuple[Panel, ...] = Field(min_length=1)
    rows: tuple[Row, ...] = ()
    variables: tuple[Variable, ...] = ()
    annotations: tuple[Annotation, ...] = ()
    links: tuple[Link, ...] = ()
    refresh: Interval = "30s"
    time_from: str = "now-6h"
    tags: tuple[str, ...] = ()
    refresh_intervals: tuple[Duration, ...] = ("10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d")

    @model_validator(mode="before")
    @classmethod
    def _panels_of_rows(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("rows"):
            rows = [row for row in data["rows"] if isinstance(row, Row)]
            data = {**data, "panels": (*data.get("panels", ()), *[p for row in rows for p in row.panels])}
        return data

    @property
    def top_panels(self) -> tuple[Panel, ...]:
        """The panels above the first row."""
        return self.panels[: len(self.panels) - sum(len(row.panels) for row in self.rows)]

    def positions(self) -> list[Grid]:
        """Each panel's grid position: its own, or the next free place in a 24-column flow."""
        return self.layout()[0]

    def layout(self) -> tuple[list[Grid], list[int]]:
        """Each panel's grid position, and the y of each row's title bar: a row starts below everything
        above it, its panels flow below its one-unit-high title bar."""
        placed: list[Grid] = []
        headers: list[int] = []
        bottom = 0
        for index, panels in enumerate([self.top_panels, *[row.panels for row in self.rows]]):
            if index:
                headers.append(bottom)
                bottom += 1
            x, y, row_height = 0, bottom, 0
            for panel in panels:
                if panel.grid is not None:
                    placed.append(panel.grid)
                    bottom = max(bottom, panel.grid.y + panel.grid.h)
                    continue
                if x + panel.width > 24:
                    x, y, row_height = 0, y + row_height, 0
                placed.append(Grid.model_construct(x=x, y=y, w=panel.width, h=panel.height))
                x, row_height = x + panel.width, max(row_height, panel.height)
                bottom = max(bottom, y + row_height)
        return placed, headers

    def model_post_init(self, context: Any, /) -> None:
        declared = [variable.name for variable in self.variables]
        for panel in self.panels:
            for query in panel.queries:
                for name in grafana_variables(query.expr):
                    if name not in declared:
                        raise SpecError(f"reads the dashboard variable ${name}, which the dashboard does not "
                                        f"declare (variables: {', '.join(declared) or 'none'})",
                                        Place(obj=f"Panel {panel.title!r}", field="queries"))  # fmt: skip


# --- the metrics catalog -----------------------------------------------------------


class Metric(Model):
    """A metric the expressions may read; a histogram also provides its _bucket, _sum and _count series."""

    name: Annotated[str, Field(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    type: Literal["counter", "gauge", "histogram"]
    labels: tuple[LabelName, ...] = ()
    source: str = ""

    def series(self) -> dict[str, str]:
        """Series name → the type a query sees it as."""
        if self.type == "histogram":
            return {f"{self.name}_bucket": "counter", f"{self.name}_sum": "counter", f"{self.name}_count": "counter"}
        return {self.name: self.type}


# --- the whole stack --------------------------------------------------------------


class Settings(Model):
    """House conventions: where things are deployed and linked, and the allowed label values."""

    namespace: Annotated[str, AfterValidator(_namespace)]
    labels: Labels = {}  # on every Kubernetes object
    runbook_base_url: URL
    grafana_url: URL
    severities: tuple[LabelName, ...] = ("critical", "warning")
    categories: tuple[LabelName, ...] = Field(min_length=1)
    secret_name: Text = "alertmanager-webhooks"
    secret_dir: Annotated[str, AfterValidator(_absolute)] = "/etc/alertmanager/secrets"


# --- environments -------------------------------------------------------------------

Target = Literal["configmaps", "prometheus-operator", "ruler"]


class AlertOverride(Model):
    """What one environment changes on one alert; the rest of the alert is shared."""

    threshold: Finite | None = None
    for_: Duration | None = Field(default=None, alias="for")
    severity: LabelName | None = None

    def changes(self, by_alias: bool = False) -> dict[str, Any]:
        """The fields it sets, by name (`for_`) or as specs write them (`for`): read without a serializer."""
        return {(field.alias or name) if by_alias else name: getattr(self, name)
                for name, field in type(self).model_fields.items() if getattr(self, name) is not None}  # fmt: skip


class DashboardOverride(Model):
    """One environment's uid and title for a shared dashboard."""

    uid: DashboardUid
    title: Text


class Environment(Model):
    """One place the stack runs: only what differs from the shared declarations.

    Strings anywhere in the specs may say `{namespace}`, `{cluster}`, `{environment}` or a key of
    `values`; each environment renders them with its own values (`{{namespace}}`, a Go template, is left alone).
    """

    name: KubernetesName
    target: Target = "configmaps"
    namespace: KubernetesName | None = None  # default: Settings.namespace
    cluster: str = ""  # the `cluster` label Prometheus adds here, for `{cluster}`
    runbook_base_url: Text | None = None  # default: Settings.runbook_base_url
    grafana_url: Text | None = None  # default: Settings.grafana_url
    values: dict[LabelName, str] = {}  # more placeholders: {"domain": "staging.example.com"} for `{domain}`
    alert_labels: Labels = {}  # static labels on every alert, e.g. {"namespace": "{namespace}"}
    overrides: dict[str, AlertOverride] = {}  # alert name → what changes
    disabled: tuple[str, ...] = ()  # alerts switched off here (their panels keep their thresholds)
    dashboards: dict[str, DashboardOverride] = {}  # shared uid → this environment's uid and title
    receivers: tuple[Receiver, ...] = ()  # empty: the shared receivers
    routing: Routing | None = None  # None: the shared routing
    rule_labels: Labels = {}  # prometheus-operator: the labels the Prometheus `ruleSelector` selects
    alertmanager_config_labels: Labels = {}  # prometheus-operator: what `alertmanagerConfigSelector` selects
    grafana_instance: Labels = {}  # prometheus-operator: GrafanaDashboard instanceSelector; empty: sidecar ConfigMaps
    tenant: str = ""  # ruler: the tenant (X-Scope-OrgID) the rules belong to; default: the environment's name

    def placeholders(self, namespace: str) -> dict[str, str]:
        return {"namespace": namespace, "cluster": self.cluster, "environment": self.name, **self.values}


# each declared alert's name → the keys its group is stamped out over, and its cases as promtool runs them
DerivedCases = dict[str, tuple[tuple[str, ...], tuple[AlertCase, ...]]]


class Stack(Model):
    """Everything the specs declare for one environment, with the references between objects checked."""

    settings: Settings
    rule_groups: tuple[RuleGroup, ...] = Field(min_length=1)
    dashboards: tuple[Dashboard, ...] = ()
    receivers: tuple[Receiver, ...] = Field(min_length=1)
    routing: Routing
    metrics: tuple[Metric, ...] = ()
    environment: Environment = Field(default_factory=lambda: Environment(name="default"))
    dormant: tuple[Alert, ...] = ()  # switched off in this environment: not rendered, but panels draw their thresholds
    _recordings: dict[str, Recording] | None = PrivateAttr(default=None)
    _stamped: tuple[tuple[RuleGroup, ...], ...] | None = PrivateAttr(default=None)
    _cases: DerivedCases | None = PrivateAttr(default=None)

    def __getstate__(self) -> dict[Any, Any]:
        """Pickled (from the loader's process) as declared: stamped groups stay templates, expanded on first use."""
        state = super().__getstate__()
        state["__pydantic_private__"] = {**state["__pydantic_private__"], "_stamped": None}
        return state

    def cases(self, derive: Callable[["Stack"], DerivedCases]) -> DerivedCases:
        """Each declared alert's cases as promtool runs them, by alert name, with the keys its group is stamped out
        over: worked out by `derive` once for this stack (by the loader's process, which sends them along)."""
        if self._cases is None:
            self._cases = derive(self)
        return self._cases

    def metric_types(self) -> dict[str, str]:
        """Every series name the catalog knows → counter or gauge; a recorded series is a gauge."""
        recorded = {recording.record: "gauge" for recording in self.recordings}
        return {name: kind for metric in self.metrics for name, kind in metric.series().items()} | recorded

    def series_labels(self) -> dict[str, tuple[str, ...]]:
        """Every series name the catalog knows → its labels; a recorded series carries what its expression
        keeps (only recordings whose inputs are all known)."""
        catalog = {series: metric.labels for metric in self.metrics for series in metric.series()}
        for recording in self.recordings:
            kept = promql.output_labels(recording.expr, catalog)
            if kept is not None:
                catalog[recording.record] = tuple(sorted(kept | set(recording.labels)))
        return catalog

    @property
    def recordings(self) -> list[Recording]:
        return list(self._recorded().values())

    def _recorded(self) -> dict[str, Recording]:
        """Every recording by its series name, in evaluation order; built once (15,000 runbooks ask for it)."""
        if self._recordings is None:
            self._recordings = {r.record: r for group in self.rule_groups for r in group.recordings}
        return self._recordings

    def inlined(self, expr: str) -> str:
        """An expression with each recorded series it reads written out as the recording's own expression,
        for history from before the recording rule existed (backtests query what Prometheus stored)."""
        for recording in reversed(self.recordings_read_by(expr)):
            expr = re.sub(rf"(?<![\w:]){re.escape(recording.record)}(?![\w:{{\[])", f"({recording.expr})", expr)
        return expr

    def recordings_read_by(self, expr: str) -> list[Recording]:
        """The recordings an expression reads, directly or through other recordings, in evaluation order."""
        by_name = self._recorded()
        pending = [name for name in promql.metric_names(expr) if name in by_name]
        if not pending:
            return []
        needed: set[str] = set()
        while pending:
            name = pending.pop()
            if name not in needed:
                needed.add(name)
                pending.extend(n for n in promql.metric_names(by_name[name].expr) if n in by_name)
        return [recording for record, recording in by_name.items() if record in needed]

    @property
    def groups(self) -> list[RuleGroup]:
        """The rule groups Prometheus evaluates: a group with `for_each` once per parameter set (built on first
        use; rendering works from the templates and never needs them)."""
        return [group for stamped in self._groups_stamped() for group in stamped]

    def _groups_stamped(self) -> tuple[tuple[RuleGroup, ...], ...]:
        if self._stamped is None:
            self._stamped = tuple(group.stamped() for group in self.rule_groups)
        return self._stamped

    @property
    def alerts(self) -> list[Alert]:
        """Every alert Prometheus evaluates: a stamped one once per parameter set, its values filled in."""
        return [alert for group in self.groups for alert in group.alerts]

    @property
    def declared_alerts(self) -> list[Alert]:
        """Every alert once, as declared (a stamped one with its `{key}` placeholders): names are unique here."""
        return [alert for group in self.rule_groups for alert in group.alerts]

    @property
    def stamp_keys(self) -> list[str]:
        """The parameters the groups are stamped out over (`for_each` keys): a dashboard shows them as variables."""
        return sorted({key for group in self.rule_groups for key in group.keys})

    def representatives(self) -> list[tuple[RuleGroup, Alert]]:
        """Every declared alert once, with its group: a stamped one as its first parameter set's copy, whose test
        cases stand for every copy (copies differ only in label values)."""
        return [(stamped[0], alert) for stamped in self._groups_stamped() for alert in stamped[0].alerts]

    def alert(self, name: str) -> Alert:
        """An alert by name, as declared, also one switched off in this environment (a panel may still draw its
        threshold)."""
        return next(a for a in [*self.declared_alerts, *self.dormant] if a.name == name)

    def panel_of(self, alert: Alert) -> tuple[Dashboard, Panel]:
        """The dashboard and the panel that show an alert's signal."""
        for dashboard in self.dashboards:
            for panel in dashboard.panels:
                if panel.title == alert.panel:
                    return dashboard, panel
        raise KeyError(alert.panel)

    def model_post_init(self, context: Any, /) -> None:
        self._check_unique()
        self._check_references()

    def _check_unique(self) -> None:
        _unique("RuleGroup", "name", [(name, g) for g in self.rule_groups for name in g.names()])
        _unique("Recording", "record", [(r.record, r) for group in self.rule_groups for r in group.recordings])
        _unique("Alert", "name", [(a.name, a) for a in self.declared_alerts])
        _unique("Receiver", "name", [(r.name, r) for r in self.receivers])
        _unique("Dashboard", "uid", [(d.uid, d) for d in self.dashboards])
        for dashboard in self.dashboards:
            _unique("Panel", "title", [(p.title, p) for p in dashboard.panels])
            _unique("Panel", "id (derived from the title: reword one of them)",
                    [(str(p.id), p) for p in dashboard.panels])  # fmt: skip

    def _check_recordings(self) -> None:
        """A series named like a recording rule (it has a colon) must be one; a rule reads recordings its own
        group evaluates before it (groups run concurrently: from another group it would read a stale value)."""
        declared = {recording.record: group for group in self.rule_groups for recording in group.recordings}
        users: list[tuple[Model, str, str, RuleGroup | None, list[str]]] = []
        for group in self.rule_groups:
            for index, recording in enumerate(group.recordings):
                earlier = [r.record for r in group.recordings[:index]]
                users.append((recording, f"Recording {recording.record!r}", recording.expr, group, earlier))
            ready = [r.record for r in group.recordings]
            users.extend((alert, f"Alert {alert.name!r}", alert.signal, group, ready) for alert in group.alerts)
        for dashboard in self.dashboards:
            for panel in dashboard.panels:
                users.extend((panel, f"Panel {panel.title!r}", q.expr, None, list(declared)) for q in panel.queries)
        for subject, obj, expr, owner, ready in users:
            field = "signal" if isinstance(subject, Alert) else "expr" if isinstance(subject, Recording) else "queries"
            for name in promql.metric_names(expr):
                if name in ready:
                    continue
                if name in declared and owner is not None:
                    where = "later in" if declared[name] is owner else f"in group {declared[name].name!r}, not"
                    raise SpecError(f"reads the recording {name!r}, which is evaluated {where} its own group "
                                    f"{owner.name!r}: declare it in that group, before its users",
                                    _place(subject, obj, field))  # fmt: skip
                if ":" in name and name not in declared:
                    known = ", ".join(map(repr, sorted(declared))) or "none"
                    raise SpecError(f"reads {name!r}, named like a recorded series (it has a colon), but no "
                                    f"Recording declares it (declared: {known})",
                                    _place(subject, obj, field))  # fmt: skip

    def _check_references(self) -> None:
        self._check_recordings()
        uids = [d.uid for d in self.dashboards]
        for dashboard in self.dashboards:
            for link in dashboard.links:
                _one_of(link.to, uids, dashboard, f"Dashboard {dashboard.uid!r}", f"links ({link.title!r})")
        settings = self.settings
        receivers = sorted(r.name for r in self.receivers)
        panels = {p.title: p for d in self.dashboards for p in d.panels}
        alerts = sorted(a.name for a in [*self.declared_alerts, *self.dormant])
        for alert in self.declared_alerts:
            obj = f"Alert {alert.name!r}"
            _one_of(alert.severity, settings.severities, alert, obj, "severity")
            _one_of(alert.category, settings.categories, alert, obj, "category")
            _one_of(alert.panel, sorted(panels), alert, obj, "panel")
            showing = [d.uid for d in self.dashboards if any(p.title == alert.panel for p in d.panels)]
            if len(showing) > 1:
                raise SpecError(f"links to the panel {alert.panel!r} by title, and dashboards {', '.join(showing)} "
                                "both have a panel so titled: retitle one so the alert's dashboard_url is certain",
                                _place(alert, obj, "panel"))  # fmt: skip
        self._check_stamped_panels()
        for panel in panels.values():
            if panel.thresholds_from is not None:
                obj = f"Panel {panel.title!r}"
                _one_of(panel.thresholds_from, alerts, panel, obj, "thresholds_from")
        routing = self.routing
        _one_of(routing.receiver, receivers, routing, "Routing", "receiver")
        _unique("TimeInterval", "name", [(t.name, t) for t in routing.time_intervals])
        intervals = [t.name for t in routing.time_intervals]
        for number, path in routing.numbered():
            route = path[-1]
            obj = f"Route #{number} ({', '.join(route.matchers)})"
            if route.receiver is not None:
                _one_of(route.receiver, receivers, route, obj, "receiver")
            for field in ("mute_time_intervals", "active_time_intervals"):
                for name in getattr(route, field):
                    _one_of(name, intervals, route, obj, field)
        for case in routing.tests:
            for name in case.receivers:
                _one_of(name, receivers, case, f"RouteCase {case.labels}", "receivers")
        routed = {routing.receiver} | {route.receiver for _, path in routing.numbered() for route in path}
        for receiver in self.receivers:
            if receiver.name not in routed:
                raise SpecError("declared but no route sends to it: name it in a route of the Routing, or remove it",
                                _place(receiver, f"Receiver {receiver.name!r}", "name"))  # fmt: skip
        self._check_matchers_reach_alerts()

    def _check_stamped_panels(self) -> None:
        """A panel that plots a stamped signal (`{service}` in it) shows it for the dashboard variable `$service`,
        which its dashboard must declare."""
        for dashboard in self.dashboards:
            declared = {variable.name for variable in dashboard.variables}
            for panel in dashboard.panels:
                for key in self.stamp_keys:
                    if key not in declared and any(f"{{{key}}}" in query.expr for query in panel.queries):
                        message = (f"plots a signal stamped out per {key}, which Grafana shows for the dashboard "
                                   f"variable ${key}: declare Variable(name={key!r}, ...) on dashboard "
                                   f"{dashboard.uid!r}")  # fmt: skip
                        raise SpecError(message, _place(panel, f"Panel {panel.title!r}", "queries"))

    def _check_matchers_reach_alerts(self) -> None:
        """A route or inhibit rule whose matchers no declared alert can satisfy is a typo (`severity="critcal"`).

        Only the labels an alert fixes itself (alertname, severity, category, its `labels`) are checked; a
        matcher on a label that comes from the series (service, cluster...) could match anything."""
        fixed = [{"alertname": a.name, "severity": a.severity, "category": a.category, **a.labels}
                 for a in self.declared_alerts]  # fmt: skip

        def reaches(matchers: Iterable[str]) -> bool:
            parts = [(m, matcher_parts(m)[0]) for m in matchers]
            return any(all(name not in labels or matches(m, labels) for m, name in parts) for labels in fixed)

        for number, path in self.routing.numbered():
            matchers = [m for route in path for m in route.matchers]
            if fixed and not reaches(matchers):
                obj = f"Route #{number} ({', '.join(path[-1].matchers)})"
                raise SpecError(_reaches_none(matchers, fixed), _place(path[-1], obj, "matchers"))
        for rule in self.routing.inhibit:
            for field in ("source", "target"):
                if fixed and not reaches(getattr(rule, field)):
                    raise SpecError(_reaches_none(getattr(rule, field), fixed),
                                    _place(rule, f"Inhibit {rule.describe()}", field))  # fmt: skip


def _reaches_none(matchers: Iterable[str], fixed: list[dict[str, str]]) -> str:
    names = sorted({matcher_parts(m)[0] for m in matchers} & {n for labels in fixed for n in labels})
    known = "; ".join(f"{n}: {', '.join(sorted({labels[n] for labels in fixed if n in labels}))}" for n in names)
    return f"matches no declared alert (a typo in a label value?); the alerts have {known}"


def _place(subject: Model, obj: str, field: str) -> Place:
    file, line = subject.origin
    return Place(file=file, line=line or None, obj=obj, field=field)


def _unique(kind: str, field: str, named: list[tuple[str, Model]]) -> None:
    seen: set[str] = set()
    for name, subject in named:
        if name in seen:
            raise SpecError(
                f"{name!r} is declared more than once; each {field} must be unique",
                _place(subject, f"{kind} {name!r}", field),
            )
        seen.add(name)


def _one_of(value: str, allowed: Iterable[str], subject: Model, obj: str, field: str) -> None:
    allowed = list(allowed)
    if value not in allowed:
        raise SpecError(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}", _place(subject, obj, field))


def build_validators() -> None:
    """Build every model class's validator, each after those its fields hold (pydantic reuses them).

    They are built where objects are validated: the loader's child, for the specs. The classes are defined
    without (`defer_build`), so that a process which only reads objects (render, list) never builds them."""
    pending = [Model]
    while pending:
        model = pending.pop(0)
        model.model_rebuild()
        pending.extend(model.__subclasses__())
