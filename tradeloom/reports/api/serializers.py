from __future__ import annotations

from rest_framework import serializers

from tradeloom.reports.selectors import DATE, MONEY, MONTH, NUMBER, PERCENT, TEXT

KINDS = (TEXT, NUMBER, MONEY, PERCENT, MONTH, DATE)


class ColumnOutput(serializers.Serializer):
    key = serializers.CharField(help_text="The key of the column's value in each row.")
    title = serializers.CharField(help_text="The column's heading.")
    kind = serializers.ChoiceField(
        choices=KINDS, help_text="money: a string with two decimals in base currency; percent: 0-100, one decimal."
    )


class SectionOutput(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnOutput(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row: column key → value.")


class ReportOutput(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    base_currency = serializers.CharField()
    filters = serializers.DictField(help_text="The filters applied, the defaults included.")
    columns = ColumnOutput(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row: column key → value.")
    totals = serializers.DictField(allow_null=True, help_text="The totals row (same keys), or null.")
    chart = serializers.DictField(help_text="What the page's chart draws: labels and datasets.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="What is left out, and why.")
    sections = SectionOutput(many=True, help_text="Further tables (by customer, the oldest late lines …).")
