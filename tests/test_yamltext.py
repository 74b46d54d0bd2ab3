"""The direct YAML walk writes exactly what PyYAML writes, for any data futuramon could emit."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from futuramon.model import filler
from futuramon.render.yamltext import _pyyaml, stamped, to_yaml

# Characters that steer PyYAML's choice of style: indicators, quotes, spaces, line breaks, controls, unicode.
_ALPHABET = st.sampled_from(list("ab01-?:#,[]{}&*!|>'\"%@` \n\t\r.~=<+\\/é→\u2028\x85\ufeff"))
_TEXT = st.text(_ALPHABET, max_size=12) | st.sampled_from(
    ["true", "no", "null", "~", "1.5", "0x1f", "2024-01-01", "<<", "=", "---", "...", "a: b", "a #b", "-1", " x"]
)
_SCALAR = _TEXT | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_DATA = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _DATA, min_size=1, max_size=4))
def test_same_text_as_pyyaml(data: dict[str, Any]) -> None:
    assert to_yaml(data, header=False) == _pyyaml(data)


def test_rules_of_many_alerts_are_written_without_pyyaml(rendered: Any) -> None:
    """The shapes futuramon emits take the direct walk (PyYAML is only the fallback)."""
    from futuramon.render import yamltext

    data = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": 'sum(rate(x{a="b"}[5m])) > 1',
                                                "labels": {}, "annotations": {"d": "line\nnext\n"}}]}]}  # fmt: skip
    assert yamltext._fast(data) == _pyyaml(data)


# Strings of a stamped template: the alphabet above and placeholders; values that read as other types, or hold
# characters that steer PyYAML's style, beside plain ones.
# a key holding "qZ", and text like the end of a marker
_PLACEHOLDER = st.sampled_from(["{service}", "{team}", "{aqZb}", "bqZ", "-qZ"])
_TEMPLATE_TEXT = st.lists(_PLACEHOLDER | _TEXT, max_size=4).map("".join)
_TEMPLATE = st.recursive(
    _TEMPLATE_TEXT | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=10,
)
_VALUE = st.sampled_from(["api", "svc0001", "web-2", "a.b/c", "123", "true", "yes", "1e3", "2024-01-01", "0x1f",
                          "null", "a b", "x: y", "#1", "-", "é", "Zq"])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _TEMPLATE, min_size=1, max_size=3), st.lists(st.tuples(_VALUE, _VALUE), max_size=4))
def test_a_stamped_template_is_written_as_each_filled_copy(template: dict[str, Any], values: list[Any]) -> None:
    rows = [{"service": service, "team": team, "aqZb": team} for service, team in values]
    assert stamped(template, rows) == [to_yaml(filler(row)(template), header=False) for row in rows]
