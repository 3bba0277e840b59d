"""Hypothesis strategies for a line's figures, shared by the property tests of the money rules and the totals.

Small whole quantities and three-decimal prices give half-cent ties (3 x 0.335 = 1.005), where the rounding rules
would part; the full ranges reach the largest figures a line takes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from tradeloom.sales.models import MAX_PRICE, MAX_QUANTITY

quantities = st.one_of(
    st.integers(min_value=0, max_value=50).map(Decimal),
    st.decimals(min_value=0, max_value=MAX_QUANTITY, places=3, allow_nan=False, allow_infinity=False),
)
prices = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=9999).map(lambda n: Decimal(n) / 1000),
    st.decimals(min_value=0, max_value=MAX_PRICE, places=4, allow_nan=False),
)
