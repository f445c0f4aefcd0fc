"""Bounded readers: any bytes give a value or a clear refusal, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.standards import StandardsError
from fabrique.standards.safeload import Budget, load_json, load_toml, load_yaml

SMALL = Budget(max_bytes=4096, max_nodes=200, max_depth=8)
anything = st.binary(max_size=400) | st.text(max_size=400).map(str.encode)


@settings(max_examples=150, deadline=None)
@given(anything)
def test_any_bytes_parse_or_are_refused_clearly(data: bytes) -> None:
    for reader in (load_yaml, load_toml, load_json):
        message = "parsed"
        try:
            reader(data, SMALL)
        except StandardsError as exc:
            message = str(exc)
        assert message


@settings(max_examples=50, deadline=None)
@given(
    st.recursive(st.integers() | st.text(max_size=5), lambda c: st.lists(c, max_size=4))
)
def test_nesting_and_counts_are_bounded(value: object) -> None:
    import json

    message = "refused: none"
    try:
        load_json(json.dumps(value).encode(), SMALL)
    except StandardsError as exc:
        message = str(exc)
    assert "refused" in message


def test_limits() -> None:
    with pytest.raises(StandardsError, match="too large"):
        load_json(b"[" + b"1," * 5000 + b"1]", SMALL)
    with pytest.raises(StandardsError, match="more than 200 values"):
        load_toml(b"a = [" + b"1," * 300 + b"1]", SMALL)
    with pytest.raises(StandardsError, match="deeper"):
        load_json(b"[" * 20 + b"]" * 20, SMALL)
    with pytest.raises(StandardsError, match="refused"):
        load_yaml(b"a: !!python/object/apply:os.system [echo]\n", SMALL)
    assert load_yaml(b"on: yes\nd: 2024-01-01\n", SMALL) == {
        "on": "yes",
        "d": "2024-01-01",
    }
