"""The association JSON writer gives exactly what ``json.dumps(indent=4)`` gives."""

from __future__ import annotations

import gc
import json
import math

from hypothesis import given
from hypothesis import strategies as st

from asnrules.io.jsontext import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(), inner, max_size=4)
    ),
    max_leaves=30,
)


def reference(data: object) -> str:
    return json.dumps(data, indent=4, separators=(",", ": "))


@given(documents)
def test_same_text_as_json_dumps(data: object) -> None:
    assert dumps(data) == reference(data)


def test_association_shape() -> None:
    data = {
        "asn_type": "image3",
        "asn_pool": "jw00001_pool",
        "products": [
            {
                "name": "jw00001-o001_t001_nircam_clear-f200w",
                "members": [
                    {"expname": "jw00001001001_02101_00001_nrca1_cal.fits", "exptype": "science"},
                ],
            },
            {"name": "empty", "members": []},
        ],
        "degraded_status": "No known degraded exposures in association.",
        "empty": {},
        "ünïcode": 'naïve \u2603 "quoted" \\ \n',
    }
    assert dumps(data) == reference(data)


def test_unusual_values_fall_back_to_the_standard_library() -> None:
    for data in ({1: "int key"}, {"nan": math.nan}, [math.inf], {"set": {1}}.get("set")):
        try:
            expected: object = reference(data)
        except (TypeError, ValueError) as error:
            expected = type(error)
        try:
            got: object = dumps(data)
        except (TypeError, ValueError) as error:
            got = type(error)
        assert got == expected


def test_leaves_no_cycles_for_the_collector() -> None:
    data = {"products": [{"name": "p", "members": [{"a": "b"}] * 3}]}
    gc.collect()
    gc.disable()
    try:
        for _ in range(50):
            dumps(data)
        assert gc.collect() == 0
    finally:
        gc.enable()
