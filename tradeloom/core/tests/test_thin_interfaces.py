"""Thin interfaces (docs: ``style.md``, "Where code lives"): a view, an API view or a page resolves, calls a
service or a selector and renders — it reads no rows itself — and every address of an organisation's page or
endpoint comes from ``reverse()`` / ``redirect(name, …)`` / ``{% url %}``, never from a hand-built ``/o/…`` string.

The modules are found on disk for every installed Tradeloom app (``views.py``, ``*_views.py``, ``pages.py``,
``api/views.py`` and the generic ``records/api.py``), so a new app or module is held to the same rules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps

# Attributes that reach the database: a model's managers.
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
# Relations no page prefetches: any read of them, even ``.all()``, is a query of its own (the app's selectors
# read them: ``sales.selectors.task_list_of_order`` …).
UNPREFETCHED = frozenset({"tasks", "deliveries", "activity_notes", "deletion_requests", "offers"})
# What a related manager reads with (``.all()`` is allowed on other relations: pages read prefetched ones so).
QUERY_METHODS = frozenset(
    {
        "aggregate",
        "annotate",
        "count",
        "create",
        "defer",
        "delete",
        "distinct",
        "earliest",
        "exclude",
        "exists",
        "filter",
        "first",
        "get",
        "get_or_create",
        "in_bulk",
        "iterator",
        "last",
        "latest",
        "none",
        "only",
        "order_by",
        "prefetch_related",
        "select_related",
        "update",
        "update_or_create",
        "values",
        "values_list",
    }
)
# Hand-built organisation addresses: ``f"/o/{org.slug}/…"``, ``"/o/{org}/"``, ``"/o/" + slug``, the API's
# ``f"/api/v1/o/{…}"`` in Python; ``/o/{{ organization.slug }}/…`` (or ``/o/{% … %}``) in a template.
HAND_BUILT_PY = re.compile(r"""/o/\{|["']/o/["']\s*\+""")
HAND_BUILT_HTML = re.compile(r"/o/\{[{%]")
NOT_PRODUCT = frozenset({"tests", "testing", "e2e", "bench", "migrations"})  # test code and local tools

ROOT = Path(__file__).resolve().parents[2]  # the ``tradeloom`` package


def _app_dirs() -> list[Path]:
    return [Path(c.path) for c in apps.get_app_configs() if c.name.startswith("tradeloom.")]


def _is_interface(path: Path, app: Path) -> bool:
    relative = path.relative_to(app)
    if NOT_PRODUCT & set(relative.parts):
        return False
    name = relative.name
    return (
        name in ("views.py", "pages.py")
        or name.endswith("_views.py")
        or relative.as_posix() == "api/views.py"
        or (app.name == "records" and name == "api.py")
    )


def interface_modules() -> list[Path]:
    return sorted(p for app in _app_dirs() for p in app.rglob("*.py") if _is_interface(p, app))


def related_accessors() -> frozenset[str]:
    """The names of every relation a Tradeloom model is reached by (``order.lines``, ``line.offers`` …)."""
    names = set()
    for model in apps.get_models():
        if not model.__module__.startswith("tradeloom."):
            continue
        for relation in model._meta.related_objects:
            accessor = relation.get_accessor_name()
            if accessor and not accessor.endswith("+"):
                names.add(accessor)
        names.update(field.name for field in model._meta.many_to_many)
    return frozenset(names)


def orm_reads(source: str, accessors: frozenset[str]) -> Iterator[tuple[int, str]]:
    """(line, what) for each read of rows in ``source``: a manager, a relation no page prefetches, or a query
    method called on a related manager."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in MANAGERS:
            yield node.lineno, f".{node.attr}"
        elif isinstance(node.value, ast.Attribute):
            relation = node.value.attr
            if relation in UNPREFETCHED or (relation in accessors and node.attr in QUERY_METHODS):
                yield node.lineno, f".{relation}.{node.attr}"


def hand_built_urls(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            yield number, line.strip()


def product_files(suffix: str) -> list[Path]:
    return sorted(p for p in ROOT.rglob(f"*{suffix}") if not NOT_PRODUCT & set(p.relative_to(ROOT).parts))


def _report(found: list[str], what: str) -> str:
    return f"{what}:\n" + "\n".join(found)


# -- the rules ---------------------------------------------------------------------------------------------------------
def test_the_interface_modules_are_found():
    # given / when
    found = {p.relative_to(ROOT).as_posix() for p in interface_modules()}
    # then: the scan reaches every kind of interface module (an empty scan would pass anything)
    for expected in (
        "sales/views.py",
        "sales/work_views.py",
        "sales/form_views.py",
        "sales/api/views.py",
        "approvals/views.py",
        "approvals/api/views.py",
        "partners/pages.py",
        "records/pages.py",
        "records/api.py",
        "tenancy/views.py",
        "accounts/api/views.py",
    ):
        assert expected in found


def test_views_api_views_and_pages_read_rows_only_through_selectors():
    # given
    accessors = related_accessors()
    # when
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {what}"
        for path in interface_modules()
        for line, what in orm_reads(path.read_text(), accessors)
    ]
    # then
    assert not found, _report(found, "ORM reads in views, API views or pages (move them into the app's selectors.py)")


@pytest.mark.parametrize(("suffix", "pattern"), [(".py", HAND_BUILT_PY), (".html", HAND_BUILT_HTML)])
def test_organisation_addresses_come_from_the_url_names(suffix, pattern):
    # given
    files = product_files(suffix)
    assert files
    # when
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {text}"
        for path in files
        for line, text in hand_built_urls(path.read_text(), pattern)
    ]
    # then
    assert not found, _report(found, "Hand-built organisation URLs (use reverse(), redirect(name, …) or {% url %})")


# -- the detectors catch what they are for ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "task = Task.objects.filter(order=order, pk=task_id).first()",
        "qs = self.model._default_manager.filter(organization=org)",
        "tasks = order.tasks.all()",
        "notes = order.activity_notes.prefetch_related('revisions')",
        "pending = order.deletion_requests.filter(status='pending').first()",
        "rows = line.deliveries.select_related('unit')",
        "offers = line.offers.order_by('price')",
        "contacts = customer.contacts.filter(is_primary=True)",
    ],
)
def test_an_orm_read_is_found(line):
    # when
    found = list(orm_reads(f"def view(request, order, line, customer, self):\n    {line}\n", related_accessors()))
    # then
    assert found
    assert found[0][0] == 2


@pytest.mark.parametrize(
    "line",
    [
        "lines = list(order.lines.all())  # prefetched by the selector",
        "tasks = selectors.task_list_of_order(order=order)",
        'context["offers"] = offers',
    ],
)
def test_a_selector_call_or_a_prefetched_read_is_not_an_orm_read(line):
    assert not list(orm_reads(f"def view(request, order):\n    {line}\n", related_accessors()))


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('    return redirect(f"/o/{request.organization.slug}/orders/{order.pk}/?tab=lines")', HAND_BUILT_PY),
        ('    base = "/o/{org}/"', HAND_BUILT_PY),
        ('    url = "/o/" + slug + "/orders/"', HAND_BUILT_PY),
        ("        return f\"/api/v1/o/{self.context['org_slug']}/approvals/attachments/{pk}/\"", HAND_BUILT_PY),
        ('<a href="/o/{{ organization.slug }}/orders/new/">New order</a>', HAND_BUILT_HTML),
        ('<a href="/o/{{ m.organization.slug }}/">', HAND_BUILT_HTML),
        ('<form action="/api/v1/o/{{ organization.slug }}/orders/">', HAND_BUILT_HTML),
    ],
)
def test_a_hand_built_address_is_found(text, pattern):
    assert list(hand_built_urls(f"first line\n{text}\n", pattern)) == [(2, text.strip())]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('"""Guard a web view under ``/o/<org_slug>/``."""', HAND_BUILT_PY),
        ('    return redirect("sales:order", org_slug=org.slug, order_id=order.pk)', HAND_BUILT_PY),
        ("<a href=\"{% url 'sales:orders' org_slug=organization.slug %}\">Orders</a>", HAND_BUILT_HTML),
    ],
)
def test_a_named_address_is_not_hand_built(text, pattern):
    assert not list(hand_built_urls(text, pattern))
