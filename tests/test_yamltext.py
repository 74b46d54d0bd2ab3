"""The direct YAML walk writes exactly what PyYAML writes, for any data futuramon could emit."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from futuramon.render.yamltext import _pyyaml, to_yaml

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
