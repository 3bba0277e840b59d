"""Typo-tolerant, ranked, index-backed search without database extensions.

PostgreSQL full-text search (built in) finds whole words; for typos ("Arvnd" → "Arvind") we need trigram
similarity, which PostgreSQL offers through the pg_trgm extension — not shipped with the embedded server. So the
trigrams are computed here, the same way pg_trgm does (lower-case words, padded with two spaces in front and one
behind), and stored per row in a ``text[]`` column with a GIN index (docs/decisions/0005-search.md):

* candidates: rows whose trigram array overlaps the query's (``&&``, answered by the GIN index), or whose
  ``tsvector`` matches the query (``@@``, GIN index too);
* rank: ``ts_rank`` plus the share of the query's trigrams the row contains (like pg_trgm's ``word_similarity``);
* a row qualifies when it matches as words or its trigram share reaches ``TRIGRAM_THRESHOLD``.

Common trigrams: in partner names, suffixes ("Mills", "Textiles", "Ltd") give trigrams many rows share, and an
overlap on them would make half the table a candidate. The function therefore overlaps only the query's *rare*
trigrams — those below ``COMMON_TRIGRAM_SHARE`` of rows in PostgreSQL's own statistics
(``pg_stats.most_common_elems``, which only the owner may read on a table under row-level security) — while the
share that qualifies a row still counts all of them. When every trigram of the query is common, all are used.

Row-level security and indexes: ``&&`` and ``@@`` are not "leakproof" operators, so PostgreSQL will not use them
as index conditions below a row-level-security policy, and a search would scan the whole organisation. The
candidate step therefore runs in a ``SECURITY DEFINER`` function per table (``CreateSearchFunction``, owned by the
owner role, which bypasses RLS), restricted inside to ``tradeloom_current_organization()`` — the caller's own
organisation, exactly what the policy would allow — so the GIN indexes answer it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import migrations, models
from django.db.models import F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest

TRIGRAM_THRESHOLD = 0.5
COMMON_TRIGRAM_SHARE = 0.02  # a trigram in more than 2 % of a table's rows does not make a row a candidate
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def trigrams(text: str) -> list[str]:
    """pg_trgm's trigrams of ``text`` (accents folded), sorted and unique."""
    grams: set[str] = set()
    for word in _WORD.findall(_fold(text)):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return sorted(grams)


def words(text: str) -> str:
    """The document as lower-case, accent-folded words, for the ``simple`` text-search configuration."""
    return " ".join(_WORD.findall(_fold(text)))


CODE_LENGTHS = range(4, 33)  # the words, with a digit, that count as codes (``code_variants``)


def code_variants(text: str) -> list[str]:
    """The codes in ``text`` (accent-folded words with a digit, of ``CODE_LENGTHS``) and each of them with one
    character left out, sorted and unique.

    Two codes one edit apart — a digit wrong, two swapped, one missing or extra — share a variant ("242601" and
    "242610" both give "24261"), so an overlap of the rows' variants with the query's finds a mistyped order or PO
    number through a GIN index, where trigrams cannot: "242610" shares half its trigrams with thousands of numbers.
    """
    variants: set[str] = set()
    for word in _WORD.findall(_fold(text)):
        if len(word) in CODE_LENGTHS and any(c.isdigit() for c in word):
            variants.add(word)
            variants.update(word[:i] + word[i + 1 :] for i in range(len(word)))
    return sorted(variants)


class SearchableModel(models.Model):
    """Adds the search columns. The model builds its document in ``search_text()``, fills the columns on save
    (``fill_search_columns``) and calls ``reindex()`` when a child that feeds the document changes."""

    search_document = models.TextField(blank=True, default="", editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("search_document", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )
    search_trigrams = ArrayField(models.CharField(max_length=3), default=list, editable=False)

    class Meta:
        abstract = True

    def search_text(self) -> str:
        raise NotImplementedError

    @classmethod
    def search_columns(cls, text: str) -> dict[str, Any]:
        """The stored search columns for a document's text (a model with more search columns adds them)."""
        return {"search_document": words(text), "search_trigrams": trigrams(text)}

    def fill_search_columns(self) -> None:
        for column, value in self.search_columns(self.search_text()).items():
            setattr(self, column, value)

    def reindex(self) -> None:
        """Recompute the stored document from the row and its children (after a contact changes …)."""
        columns = self.search_columns(self.search_text())
        for column, value in columns.items():
            setattr(self, column, value)
        type(self)._default_manager.filter(pk=self.pk).update(**columns)


def search_indexes(prefix: str) -> list[models.Index]:
    return [
        GinIndex(fields=["search_vector"], name=f"{prefix}_search_fts"),
        GinIndex(fields=["search_trigrams"], name=f"{prefix}_search_trgm"),
    ]


# What the planner expects a search to return: few rows, so it fetches them by primary key instead of hashing
# the whole table (PostgreSQL assumes 1,000 rows for a set-returning function otherwise).
SEARCH_FUNCTION_ROWS = 20


def search_function_name(table: str) -> str:
    return f"tradeloom_search_{table}"[:63]


def common_element_sql(table: str, column: str, element: str) -> str:
    """SQL that is true when ``element`` (a trigram, a lexeme) is in more than ``COMMON_TRIGRAM_SHARE`` of the
    rows of ``table.column``, by PostgreSQL's own statistics (``pg_stats.most_common_elems``, which only the owner
    may read on a table under row-level security). ``table`` and ``column`` are our own names."""
    return f"""EXISTS (
                    SELECT 1 FROM pg_stats s,
                           unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(element, share)
                     WHERE s.schemaname = 'public' AND s.tablename = '{table}' AND s.attname = '{column}'
                       AND u.element = {element} AND u.share > {COMMON_TRIGRAM_SHARE})"""  # noqa: S608


def rare_trigrams_sql(table: str) -> str:
    """PL/pgSQL that sets ``rare`` to the ``grams`` not common in ``table`` (``common_element_sql``), or to all of
    them when every one is common."""
    return f"""SELECT coalesce(array_agg(g), grams) INTO rare FROM unnest(grams) AS g
                 WHERE NOT {common_element_sql(table, "search_trigrams", "g")};"""  # noqa: S608


class CreateSearchFunction(migrations.operations.base.Operation):
    """The index-backed candidate step for one searchable table (see the module docstring)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        name, q = search_function_name(table), schema_editor.quote_name
        # Only quoted identifiers and the literal name of our own table are interpolated.
        sql = f"""CREATE OR REPLACE FUNCTION {q(name)}(grams text[], query tsquery, threshold float8)
            RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
            ROWS {SEARCH_FUNCTION_ROWS} AS $fn$
            DECLARE
                rare text[];
            BEGIN
                {rare_trigrams_sql(table)}
                -- planned with the actual values on every call (EXECUTE), so the GIN indexes answer it
                RETURN QUERY EXECUTE
                    'SELECT t.id FROM {q(table)} t
                      WHERE t.organization_id = tradeloom_current_organization()
                        AND (t.search_vector @@ $1
                             OR (t.search_trigrams && $2::varchar(3)[]
                                 AND (SELECT count(*) FROM unnest(t.search_trigrams) x WHERE x = ANY($3))
                                     >= $4 * cardinality($3)))'
                    USING query, rare, grams, threshold;
            END
            $fn$"""  # noqa: S608
        schema_editor.execute(sql)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        name = schema_editor.quote_name(search_function_name(table))
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}(text[], tsquery, float8)")

    def describe(self) -> str:
        return f"Create the search function of {self.model_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {"model_name": self.model_name})


def search_filter(queryset: QuerySet[Any], term: str) -> QuerySet[Any]:
    """Rows matching ``term`` as words or by trigram share, ranked best first (annotation ``search_rank``).

    A term without letters or digits matches nothing (still annotated, so ordering by rank works).
    """
    term = term.strip()
    grams = trigrams(term)
    folded = words(term)
    if not grams or not folded:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    table = queryset.model._meta.db_table
    # Only the model's own table name is interpolated; the trigrams are parameters.
    share = RawSQL(  # noqa: S611
        f'(SELECT count(*) FROM unnest("{table}"."search_trigrams") AS t(g) WHERE t.g = ANY(%s::text[]))::float'  # noqa: S608
        " / %s",
        [grams, len(grams)],
        output_field=FloatField(),
    )
    query = SearchQuery(folded, config="simple", search_type="plain")
    prefix_text = " & ".join(f"{w}:*" for w in folded.split())
    candidates = RawSQL(  # noqa: S611 - the function name is derived from our own table name
        f"SELECT * FROM {search_function_name(table)}(%s::text[], to_tsquery('simple', %s), %s)",  # noqa: S608
        [grams, prefix_text, TRIGRAM_THRESHOLD],
    )
    return (
        queryset.filter(pk__in=candidates)
        .annotate(_share=share, _fts=Coalesce(SearchRank(F("search_vector"), query), Value(0.0)))
        .annotate(search_rank=Greatest(F("_fts") + F("_share"), Value(0.0)))
    )
