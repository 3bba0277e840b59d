# Order search (sales/search.py): the search columns, filled for the orders that exist, their GIN indexes, the
# candidate function and fresh statistics (the function reads them). The columns are filled before the generated
# tsvector is added, so each row is rewritten once. About six minutes at a million orders.

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models

from tradeloom.sales.search import CreateOrderSearchFunction, order_search_columns

BATCH = 5000
SEPARATOR = "\x1f"  # no trigram or code contains it: lets a batch send each order's arrays as one text each


def fill_search_columns(apps, schema_editor):
    """Every existing order's document and trigrams, in batches by id (as the owner role, which sees every
    organisation)."""
    with schema_editor.connection.cursor() as cursor:
        last = None
        while True:
            cursor.execute(
                "SELECT id, number, po_number, buyer_name FROM sales_order"
                " WHERE %s::uuid IS NULL OR id > %s ORDER BY id LIMIT %s",
                [last, last, BATCH],
            )
            orders = cursor.fetchall()
            if not orders:
                return
            ids = [row[0] for row in orders]
            cursor.execute(
                "SELECT order_id, style_number FROM sales_style WHERE order_id = ANY(%s) ORDER BY order_id, position",
                [ids],
            )
            styles: dict = {}
            for order_id, number in cursor.fetchall():
                styles.setdefault(order_id, []).append(number)
            cursor.execute(
                "SELECT order_id, colour_code, colour_name, cad_code, cad_name FROM sales_line"
                " WHERE order_id = ANY(%s) ORDER BY order_id, position",
                [ids],
            )
            lines: dict = {}
            for order_id, *parts in cursor.fetchall():
                lines.setdefault(order_id, []).append(parts)
            documents, grams, codes = [], [], []
            for order_id, number, po_number, buyer_name in orders:
                columns = order_search_columns(
                    number=number,
                    po_number=po_number,
                    buyer_name=buyer_name,
                    styles=styles.get(order_id, []),
                    lines=lines.get(order_id, []),
                )
                documents.append(columns["search_document"])
                grams.append(SEPARATOR.join(columns["search_trigrams"]))
                codes.append(SEPARATOR.join(columns["search_codes"]))
            cursor.execute(
                "UPDATE sales_order o SET search_document = v.document,"
                " search_trigrams = string_to_array(v.grams, %s)::varchar(3)[],"
                " search_codes = string_to_array(v.codes, %s)::varchar(32)[]"
                " FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[]) AS v(id, document, grams, codes)"
                " WHERE o.id = v.id",
                [SEPARATOR, SEPARATOR, ids, documents, grams, codes],
            )
            last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_time_ordered_ids"),
        ("sales", "0007_delivery_corrections"),
        ("tenancy", "0004_time_ordered_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="order",
            name="search_trigrams",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=3), default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="search_codes",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=32), default=list, editable=False, size=None
            ),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="order",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector("search_document", config="simple"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="sales_order_search_fts"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_trigrams"], name="sales_order_search_trgm"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_codes"], name="sales_order_search_codes"),
        ),
        CreateOrderSearchFunction(),
        migrations.RunSQL("ANALYZE sales_order", migrations.RunSQL.noop, elidable=True),
    ]
