"""The trigrams are pg_trgm's, so similarity means what PostgreSQL users expect."""

from __future__ import annotations

from tradeloom.core.search import trigrams, words


def test_trigrams_match_pg_trgm():
    # pg_trgm: show_trgm('Arvind') = {"  a"," ar",arv,ind,"nd ",rvi,vin}
    assert trigrams("Arvind") == ["  a", " ar", "arv", "ind", "nd ", "rvi", "vin"]
    assert trigrams("Crème BRÛLÉE") == trigrams("creme brulee")
    assert words("Dhaka-Knits, Ltd.") == "dhaka knits ltd"
