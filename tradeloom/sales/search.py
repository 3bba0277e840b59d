"""Order search: typo-tolerant, index-backed, at a million orders (docs/decisions/0005-search.md, "Orders").

An order's search document holds its number, the buyer's PO, the buyer, its style numbers and its lines' colour
and CAD codes and names (``order_search_text``), kept in the order's search columns by the services that change
them: the document and its trigrams (``core.search``) and its codes' one-edit variants (``search_codes``,
``core.search.code_variants``). The customer's name is not copied into every order: the customers matching the
term are found by the partners' own search function, and their orders join the candidates — so renaming a
customer changes nothing here.

Candidates come from one ``SECURITY DEFINER`` function per call (row-level security keeps the GIN indexes from
answering otherwise). An order is a candidate in four ways, each looked up in its own index and keeping its newest
``CANDIDATES`` orders:

* its words: the term's *rare* words (not in 2 % of orders by PostgreSQL's statistics, three letters or more) as
  prefixes, then every word of the term — "SO-004217" is looked up by ``004217:*``, never by ``so:*``;
* its names, with a typo: the term's rare trigrams without digits, then half of all its trigrams ("Helna");
* its codes, with a typo: a shared one-edit variant ("PO-242610" finds PO-242601);
* its customer's name, by whole words or by a share of the term's trigrams (``CUSTOMER_THRESHOLD``, stricter than
  the partners' own: "Baysde" finds Bayside Clothing's orders, a PO number or a lone "s" finds no customer).

A term with nothing rare in it ("navy", "SO-5") is answered from the newest ``PROBE`` orders instead: it matches
too many orders for any index to be quicker than reading the newest. So is a term whose lookups find nothing: a
typo in a common word ("navvy") has rare trigrams that no order holds, and its common ones are not looked up.

The outer query, under row-level security, applies the list's other filters and ranks the candidates: text rank +
trigram share, plus ``CUSTOMER_MATCH_BONUS`` times the share of the term's trigrams in the customer's name when the
customer matches, plus ``EXACT_MATCH_BONUS`` when the term is the order's number or PO whole.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from django.db import migrations
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from tradeloom.core.search import (
    TRIGRAM_THRESHOLD,
    code_variants,
    common_element_sql,
    search_function_name,
    trigrams,
    words,
)

CANDIDATES = 200  # per way of matching, the newest orders the candidate step keeps
PROBE = 2000  # the newest orders a term with nothing rare in it is tested against
CUSTOMER_THRESHOLD = 0.7  # the trigram share that makes a customer's name a match
CUSTOMER_MATCH_BONUS = 1.0  # a match on the customer's name counts as the order's own text matching in full
EXACT_MATCH_BONUS = 1.0  # and the term being the order's number or PO, whole (case aside)
RARE_WORD_LENGTH = 3  # shorter words are never looked up alone ("5:*" is every number starting with 5)
ORDER_SEARCH_FUNCTION = "tradeloom_search_sales_orders"


def order_search_text(
    *, number: str, po_number: str, buyer_name: str, styles: Iterable[str], lines: Iterable[Iterable[str]]
) -> str:
    """The words an order is found by: its numbers and buyer, its styles, its lines' colours and CADs."""
    parts = [number, po_number, buyer_name, *styles]
    for line in lines:
        parts += [part for part in line if part]
    return " ".join(part for part in parts if part)


def order_search_columns(
    *, number: str, po_number: str, buyer_name: str, styles: Iterable[str], lines: Iterable[Iterable[str]]
) -> dict[str, Any]:
    """An order's stored search columns (``Order.search_columns`` of its ``order_search_text``)."""
    return search_columns(
        order_search_text(number=number, po_number=po_number, buyer_name=buyer_name, styles=styles, lines=lines)
    )


SEARCH_COLUMNS = ("search_document", "search_trigrams", "search_codes")  # what the services store


def search_columns(text: str) -> dict[str, Any]:
    """The document, its trigrams and its codes' variants."""
    return dict(zip(SEARCH_COLUMNS, (words(text), trigrams(text), code_variants(text)), strict=True))


# The ways an order matches, as conditions on a row ``t`` of ``sales_order``, with the function's values:
# $1 every word of the term as a prefix query, $2 its rare words as one, $3 its rare trigrams without digits,
# $4 all its trigrams, $5 the share of them that qualifies, $6 its codes' variants, $7 the customers whose names
# match, $8 the merchandiser whose orders alone the caller sees (or NULL), $9 how many to keep, $10 how many of the
# newest to probe, $11 the list's other filters on the order's own columns (``SEARCH_FILTERS``; absent: any).
_MATCHES = {
    "words": "t.search_vector @@ $2 AND ts_match_vq(t.search_vector, $1)",  # the index answers the first
    "names": "t.search_trigrams && $3::varchar(3)[] AND {share}",
    "codes": "t.search_codes && $6::varchar(32)[]",
    "customer": "t.customer_id = ANY($7)",
}
_SHARE = "(SELECT count(*) FROM unnest(t.search_trigrams) x WHERE x = ANY($4)) >= $5 * cardinality($4)"
_VISIBLE = (
    "t.organization_id = tradeloom_current_organization() AND t.archived_at IS NULL"
    " AND ($8::uuid IS NULL OR t.merchandiser_id = $8)"
    " AND ($11->>'status' IS NULL OR t.status = $11->>'status')"
    " AND ($11->>'order_type' IS NULL OR t.order_type = $11->>'order_type')"
    " AND ($11->>'customer' IS NULL OR t.customer_id = ($11->>'customer')::uuid)"
    " AND ($11->>'merchandiser' IS NULL OR t.merchandiser_id = ($11->>'merchandiser')::uuid)"
    " AND ($11->>'stage' IS NULL OR t.stage = $11->>'stage')"
    " AND ($11->>'etd_from' IS NULL OR t.etd >= ($11->>'etd_from')::date)"
    " AND ($11->>'etd_to' IS NULL OR t.etd <= ($11->>'etd_to')::date)"
    " AND ($11->>'eta_from' IS NULL OR t.eta >= ($11->>'eta_from')::date)"
    " AND ($11->>'eta_to' IS NULL OR t.eta <= ($11->>'eta_to')::date)"
)
# The orders list's filters on an order's own columns, applied in the candidate step too: each way keeps its newest
# CANDIDATES among the orders the list would show ("Bayside" with status closed: Bayside's newest closed orders, not
# its newest orders of which none is closed). The outer query applies every filter again, these included.
SEARCH_FILTERS = (
    *("status", "order_type", "customer", "merchandiser", "stage"),
    *("etd_from", "etd_to", "eta_from", "eta_to"),
)


def _lookup(match: str) -> str:
    """One way's newest ``$9`` candidates through its index. ``created_at + interval '0'`` keeps the planner from
    walking the list's ``created_at`` index instead, which for a rare term means reading every order."""
    condition = _MATCHES[match].format(share=_SHARE)
    return (
        f"SELECT t.id FROM sales_order t WHERE {_VISIBLE} AND {condition}"  # noqa: S608 - constant SQL
        " ORDER BY t.created_at + interval '0 s' DESC, t.id DESC LIMIT $9"
    )


def _newest() -> str:
    """The newest ``$9`` of the newest ``$10`` orders that match as words, by trigram share or by a code."""
    return (
        "SELECT t.id FROM (SELECT t.id, t.search_vector, t.search_trigrams, t.search_codes FROM sales_order t"  # noqa: S608
        f" WHERE {_VISIBLE} ORDER BY t.created_at DESC, t.id DESC LIMIT $10) t"
        f" WHERE t.search_vector @@ $1 OR {_SHARE} OR t.search_codes && $6::varchar(32)[] LIMIT $9"
    )


def order_search_function_sql() -> str:
    """``CREATE FUNCTION`` of the candidate step (see the module docstring)."""
    customers = search_function_name("partners_customer")
    values = "USING " + ", ".join(
        (
            *("query", "rare_query", "rare_grams", "grams", "threshold", "codes", "matching", "merchandiser"),
            *("candidates", "probe", "filters"),
        )
    )

    def run(match: str) -> str:
        return f"RETURN QUERY EXECUTE {_quote(_lookup(match))} {values};"

    return f"""CREATE OR REPLACE FUNCTION {ORDER_SEARCH_FUNCTION}(
            grams text[], terms text[], codes text[], threshold float8, customer_threshold float8,
            merchandiser uuid, candidates integer, probe integer, filters jsonb)
        RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
        ROWS {4 * CANDIDATES} AS $fn$
        DECLARE
            query tsquery := to_tsquery('simple', array_to_string(ARRAY(SELECT w || ':*' FROM unnest(terms) w), ' & '));
            rare_query tsquery;
            rare_words text[];
            rare_grams text[];
            matching uuid[];
            found_any boolean := false;
        BEGIN
            SELECT array_agg(w) INTO rare_words FROM unnest(terms) AS w
             WHERE length(w) >= {RARE_WORD_LENGTH} AND NOT {common_element_sql("sales_order", "search_vector", "w")};
            SELECT array_agg(g) INTO rare_grams FROM unnest(grams) AS g
             WHERE g !~ '[0-9]' AND NOT {common_element_sql("sales_order", "search_trigrams", "g")};
            -- customers by whole words, or by a share of the term's trigrams: a prefix ("s:*") would be every
            -- customer with a word starting with s
            SELECT coalesce(array_agg(c), '{{}}') INTO matching
              FROM {customers}(grams, to_tsquery('simple', array_to_string(terms, ' & ')), customer_threshold) AS c;
            IF rare_words IS NULL AND rare_grams IS NULL AND cardinality(codes) = 0 AND cardinality(matching) = 0
            THEN
                RETURN QUERY EXECUTE {_quote(_newest())} {values};
                RETURN;
            END IF;
            IF rare_words IS NOT NULL THEN
                rare_query := to_tsquery(
                    'simple', array_to_string(ARRAY(SELECT w || ':*' FROM unnest(rare_words) w), ' & '));
                {run("words")}
                found_any := found_any OR FOUND;
            END IF;
            IF rare_grams IS NOT NULL THEN
                {run("names")}
                found_any := found_any OR FOUND;
            END IF;
            IF cardinality(codes) > 0 THEN
                {run("codes")}
                found_any := found_any OR FOUND;
            END IF;
            IF cardinality(matching) > 0 THEN
                {run("customer")}
                found_any := found_any OR FOUND;
            END IF;
            IF NOT found_any THEN  -- a typo in a common word ("navvy"): its rare trigrams are in no order
                RETURN QUERY EXECUTE {_quote(_newest())} {values};
            END IF;
        END
        $fn$"""  # noqa: S608 - only constant SQL and our own table and function names are interpolated


def _quote(sql: str) -> str:
    return "'" + sql.replace("'", "''") + "'"


class CreateOrderSearchFunction(migrations.operations.base.Operation):
    """The candidate step of order search (see the module docstring)."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        schema_editor.execute(order_search_function_sql())

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        schema_editor.execute(
            f"DROP FUNCTION IF EXISTS {ORDER_SEARCH_FUNCTION}"
            "(text[], text[], text[], float8, float8, uuid, integer, integer, jsonb)"
        )

    def describe(self) -> str:
        return "Create the order search function"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {})


def _filters_json(filters: dict[str, Any] | None) -> str:
    """The ``SEARCH_FILTERS`` given (a record by its id, a date as ISO), as the function's ``filters``."""
    chosen: dict[str, str] = {}
    for name in SEARCH_FILTERS:
        value = (filters or {}).get(name)
        if value in (None, ""):
            continue
        chosen[name] = str(getattr(value, "pk", None) or (value.isoformat() if hasattr(value, "isoformat") else value))
    return orjson.dumps(chosen).decode()


def order_search_filter(
    queryset: QuerySet[Any], term: str, *, merchandiser: Any = None, filters: dict[str, Any] | None = None
) -> QuerySet[Any]:
    """Orders matching ``term`` (see the module docstring), annotated ``search_rank`` (best first). ``merchandiser``:
    the membership whose orders alone the member may see, when the organisation restricts merchandisers;
    ``filters``: the list's other filters (``SEARCH_FILTERS`` are applied while choosing candidates too)."""
    term = term.strip()
    grams = trigrams(term)
    folded = words(term).split()
    if not grams or not folded:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    prefix = " & ".join(f"{w}:*" for w in folded)
    candidates = RawSQL(  # noqa: S611 - a constant function name; the values are parameters
        f"SELECT * FROM {ORDER_SEARCH_FUNCTION}"  # noqa: S608
        "(%s::text[], %s::text[], %s::text[], %s, %s, %s::uuid, %s, %s, %s::jsonb)",
        [
            grams,
            folded,
            code_variants(term),
            TRIGRAM_THRESHOLD,
            CUSTOMER_THRESHOLD,
            getattr(merchandiser, "pk", merchandiser),
            CANDIDATES,
            PROBE,
            _filters_json(filters),
        ],
    )
    share = RawSQL(
        '(SELECT count(*) FROM unnest("sales_order"."search_trigrams") AS t(g) WHERE t.g = ANY(%s::text[]))::float'
        " / %s",
        [grams, len(grams)],
        output_field=FloatField(),
    )
    text_rank = RawSQL(
        """ts_rank("sales_order"."search_vector", to_tsquery('simple', %s))""", [prefix], output_field=FloatField()
    )
    # the share of the term's trigrams in the customer's name when the customer matches: Lumonna Sourcing's orders
    # before Shannaka Sourcing's for "Lumonna Sourcing Ltd", though both names pass the threshold
    customer = RawSQL(  # noqa: S611 - a constant function name; the values are parameters
        "(SELECT (SELECT count(*) FROM unnest(c.search_trigrams) AS t(g) WHERE t.g = ANY(%s::text[]))::float / %s"  # noqa: S608
        ' FROM partners_customer c WHERE c.id = "sales_order"."customer_id"'
        f" AND c.id IN (SELECT * FROM {search_function_name('partners_customer')}"
        "(%s::text[], to_tsquery('simple', %s), %s)))",
        [grams, len(grams), grams, " & ".join(folded), CUSTOMER_THRESHOLD],
        output_field=FloatField(),
    )
    return queryset.filter(pk__in=candidates).annotate(
        search_rank=Coalesce(text_rank, Value(0.0))
        + share
        + Coalesce(customer, Value(0.0)) * Value(CUSTOMER_MATCH_BONUS)
        + Case(
            When(Q(number__iexact=term) | Q(po_number__iexact=term), then=Value(EXACT_MATCH_BONUS)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
