"""How to make "an object of another organisation" for every id a tenant URL carries.

Each app's ``tests/factories.py`` declares, next to its factories, the URL kwargs that name its objects and the
factory of each of its tenant models::

    register_url_object("order_id", lambda org: OrderFactory(organization=org))
    register_factory(Order, OrderFactory)

The walls tests (``tradeloom/testing/tests/``) call ``load_all()``, which imports ``<app>.tests.factories`` of
every installed ``tradeloom.*`` app, so they never name an app: a new route whose id has no declaration here fails
``test_every_id_in_tenant_urls_has_a_cross_tenant_fixture`` instead of going untested.

A URL kwarg is looked up by its name first (``order_id``), then — for a route whose view names its model, such as
a ``RecordViewSet``'s ``<uuid:pk>`` — by that model's registered factory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

# org → a new object of that organisation (a model instance; its ``pk`` goes into the URL)
Maker = Callable[[Any], Any]

_URL_OBJECTS: dict[str, Maker] = {}
_FACTORIES: dict[type[models.Model], Callable[..., Any]] = {}


def _origin(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def register_url_object(kwarg: str, make: Maker) -> Maker:
    """Declare how to make an object of a given organisation for the URL kwarg ``kwarg`` (e.g. ``"order_id"``)."""
    existing = _URL_OBJECTS.get(kwarg)
    if existing is not None and _origin(existing) != _origin(make):
        raise ValueError(f"The URL kwarg {kwarg!r} is already declared by {_origin(existing)}.")
    _URL_OBJECTS[kwarg] = make
    return make


def register_factory(model: type[models.Model], factory_class: Callable[..., Any]) -> None:
    """Declare the factory of a tenant model; it is called as ``factory_class(organization=org)``."""
    existing = _FACTORIES.get(model)
    if existing is not None and _origin(existing) != _origin(factory_class):
        raise ValueError(f"{model.__name__} already has the factory {_origin(existing)}.")
    _FACTORIES[model] = factory_class


def factory_for(model: type[models.Model]) -> Callable[..., Any]:
    """The registered factory of ``model`` (KeyError naming the model when there is none)."""
    try:
        return _FACTORIES[model]
    except KeyError:
        raise KeyError(f"No factory for {model.__name__}: register_factory() in its app's tests/factories.py") from None


def url_kwargs() -> frozenset[str]:
    """The URL kwargs that have a declared maker."""
    return frozenset(_URL_OBJECTS)


def has_object_for(kwarg: str, model: type[models.Model] | None = None) -> bool:
    return kwarg in _URL_OBJECTS or (model is not None and model in _FACTORIES)


def other_org_object(kwarg: str, organization: Any, model: type[models.Model] | None = None) -> Any:
    """A new object of ``organization`` for the URL kwarg ``kwarg``: by the kwarg's name, else by ``model``."""
    if kwarg in _URL_OBJECTS:
        return _URL_OBJECTS[kwarg](organization)
    if model is not None and model in _FACTORIES:
        return _FACTORIES[model](organization=organization)
    raise LookupError(
        f"Nothing makes an object for the URL kwarg {kwarg!r} (model {model}): register_url_object() or "
        "register_factory() in the app's tests/factories.py"
    )


def load_all() -> list[str]:
    """Import ``<app>.tests.factories`` of every installed ``tradeloom.*`` app; the names of the imported modules."""
    loaded = []
    for config in apps.get_app_configs():
        if not config.name.startswith("tradeloom."):
            continue
        name = f"{config.name}.tests.factories"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name not in (name, f"{config.name}.tests"):
                raise  # the module exists but imports something missing: that is a real error
            continue
        loaded.append(name)
    return loaded
