"""Readable sentences for audit events — "Ann recorded lab dip submission for NAVY (round 1), effective 3 Nov" —
with the changes the sentence does not tell shown as rows ("Quantity 5,000 → 6,000").

Every catalogued action has a sentence (a test holds it), declared next to its ``Action`` enum in the app's
``events.py``::

    sentences_register({
        LineAction.STATUS_CHANGED: "{actor} moved {target} from {status.old} to {status}",
        LineGateAction.RECORDED: recorded,  # a function of the event's ``Told``, for sentences a template cannot say
    })

A template names ``{actor}``, ``{target}`` (the record's label, ``audit.labels``) and changed fields: ``{status}``
is the new value, ``{status.old}`` the old one, both read as people read them (choices by their labels, days as
"3 Nov", numbers grouped, references to other records by those records' labels, ``audit.formats``). What a value
is comes from the target model's field of that name, or from a ``Field`` hint given with the sentences. The fields
a sentence names are not repeated as rows.

``describe(events)`` reads every label the sentences need in one statement, whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from tradeloom.audit import formats
from tradeloom.audit.labels import Label, kind_of, labels_read
from tradeloom.audit.models import AuditEvent


@dataclass(frozen=True)
class Field:
    """What a changed value is, when the target model's field of that name does not say (or says it wrong)."""

    label: str = ""  # the row's label; default: the model field's verbose name, else the key humanized
    values: Mapping[str, str] | None = None  # labels of coded values
    refers_to: str = ""  # a value is the id of a record of this kind (``tenancy.membership``)
    hidden: bool = False  # never shown as a row (ids the sentence has no use for)
    plain: bool = False  # shown as it is, even where the target model has a field of that name
    number: bool = False  # a number recorded as text: grouped, without trailing zeros
    money: bool = False  # a price: two decimals at least


Sentence = str | Callable[["Told"], str]


@dataclass(frozen=True)
class _Declared:
    sentence: Sentence
    fields: Mapping[str, Field]


_SENTENCES: dict[str, _Declared] = {}


def sentences_register(
    sentences: Mapping[str, Sentence], *, fields: Mapping[str, Field] | None = None, replace: bool = True
) -> None:
    """Declare the sentence of each action (with hints for the fields its events change). ``replace=False``: keep a
    sentence already declared (the generic record verbs give way to an app's own)."""
    for action, sentence in sentences.items():
        if replace or str(action) not in _SENTENCES:
            _SENTENCES[str(action)] = _Declared(sentence, dict(fields or {}))


def sentence_actions() -> set[str]:
    """The actions that have a sentence."""
    return set(_SENTENCES)


@dataclass(frozen=True)
class Scope:
    """The record a page is about (an order): named ``name`` ("this order"), and the context its records'
    labels leave out ("NAVY", not "NAVY on SO-2026-0012")."""

    id: str
    name: str
    context: str = ""


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Described:
    """An event as people read it: its sentence and the changes the sentence did not tell."""

    event: AuditEvent
    text: str
    changes: tuple[Change, ...] = ()

    @property
    def created_at(self) -> Any:
        return self.event.created_at

    @property
    def action(self) -> str:
        return self.event.action

    @property
    def day(self) -> Any:
        """The day it happened in the current (the organisation's) time zone: timelines group by it."""
        return timezone.localdate(self.event.created_at)


class Pair:
    """A changed value, read: ``str()`` is the new value, ``.old`` the old one."""

    __slots__ = ("new", "old")

    def __init__(self, old: str = "", new: str = "") -> None:
        self.old, self.new = old, new

    def __str__(self) -> str:
        return self.new

    def __format__(self, spec: str) -> str:
        return format(self.new, spec)

    def __bool__(self) -> bool:
        return bool(self.old or self.new)


EMPTY = Pair()


class Told:
    """What a sentence is made of: the actor, the target's label and the event's changed values, read. Every value a
    sentence asks for is marked as told (and not repeated as a row)."""

    def __init__(
        self,
        *,
        event: AuditEvent,
        actor: str,
        target: str,
        label: Label | None,
        noun: str,
        values: dict[str, Pair],
        raw: dict[str, tuple[Any, Any]],
        scope: Scope | None,
    ) -> None:
        self.event, self.actor, self.target, self.label, self.noun = event, actor, target, label, noun
        self._values, self._raw, self._scope = values, raw, scope
        self.told: set[str] = set()

    def __getitem__(self, key: str) -> Any:  # for ``str.format_map``
        if key == "actor":
            return self.actor
        if key == "target":
            return self.target
        return self.value(key)

    def value(self, key: str) -> Pair:
        self.told.add(key)
        return self._values.get(key, EMPTY)

    def raw(self, key: str) -> Any:
        """The new value as recorded (a code, an id, a number)."""
        self.told.add(key)
        return self._raw.get(key, (None, None))[1]

    def raw_old(self, key: str) -> Any:
        self.told.add(key)
        return self._raw.get(key, (None, None))[0]

    def has(self, key: str) -> bool:
        return bool(self._values.get(key))

    def part(self, name: str, default: str = "") -> str:
        """A named part of the target's label (a line gate's ``gate``, ``line``)."""
        return self.label.part(name, default) if self.label is not None else default

    @property
    def name(self) -> str:
        """The target's own name, without where it belongs (``place``)."""
        if self.is_scope or self.label is None:
            return self.target
        return self.label.text

    def called(self, noun: str, *, quoted: bool = False) -> str:
        """``the task “Chase lab dips”`` (``quoted``), ``the gate Lab dip``; ``a task`` when the record is gone."""
        if not self.labelled:
            return formats.an(noun)
        return f"the {noun} “{self.name}”" if quoted else f"the {noun} {self.name}"

    @property
    def labelled(self) -> bool:
        return self.label is not None or self.is_scope

    @property
    def is_scope(self) -> bool:
        return self._scope is not None and self.event.target_id == self._scope.id

    @property
    def place(self) -> str:
        """`` on SO-2026-0012``: where the target belongs, unless the page is about that already."""
        context = self.label.context if self.label is not None else ""
        if not context or (self._scope is not None and context == self._scope.context) or self.is_scope:
            return ""
        return f" on {context}"

    @property
    def named(self) -> str:
        """The target with its kind: ``customer Bayside``, ``a customer`` (when it is gone), ``this order``."""
        if self.is_scope or self.label is None:
            return self.target
        return f"{self.noun} {self.target}"


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return value[0], value[1]
    return None, value


@cache
def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except LookupError:
        return None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _refers_to(hint: Field | None, model_field: models.Field | None) -> str:
    if hint is not None and (hint.refers_to or hint.plain or hint.values is not None):
        return hint.refers_to
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        related: Any = model_field.related_model
        return kind_of(related) if isinstance(related, type) else ""
    return ""


def _reference(value: Any, kind: str, labels: Mapping[str, Label]) -> str:
    label = labels.get(str(value))
    if label is not None:
        return label.text
    model = _model(kind)
    return formats.an(f"removed {model._meta.verbose_name}") if model is not None else str(value)


def _read(value: Any, *, hint: Field | None, model_field: models.Field | None, labels: Mapping[str, Label]) -> str:
    """A recorded value as people read it."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, list):
        return ", ".join(_read(v, hint=hint, model_field=model_field, labels=labels) for v in value)
    if hint is not None and hint.values is not None:
        return hint.values.get(str(value), formats.humanize(str(value)))
    kind = _refers_to(hint, model_field)
    if kind:
        return _reference(value, kind, labels)
    if hint is not None and (hint.money or hint.number):
        return formats.number(value, money=hint.money)
    if model_field is not None and not (hint is not None and hint.plain):
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
            return formats.when(value)
        if isinstance(model_field, models.DateField) and isinstance(value, str) and formats.ISO_DAY.match(value):
            return formats.day(value)
        if isinstance(model_field, models.DecimalField):
            return formats.number(value, money=(model_field.decimal_places or 0) >= 4)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return formats.number(value)
    if isinstance(value, dict):
        return ", ".join(
            f"{formats.humanize(k)}: {_read(v, hint=None, model_field=None, labels={})}" for k, v in value.items()
        )
    if isinstance(value, str) and formats.ISO_DAY.match(value):
        return formats.day(value)
    if isinstance(value, str) and formats.ISO_TIME.match(value):
        try:
            return formats.when(value)
        except ValueError:
            return value
    return str(value)


def _label_of(key: str, hint: Field | None, model_field: models.Field | None) -> str:
    if hint is not None and hint.label:
        return hint.label
    if model_field is not None and not (hint is not None and hint.plain):
        return str(capfirst(model_field.verbose_name))
    return formats.humanize(key)


def _actor(event: AuditEvent) -> str:
    user = event.actor if event.actor_id else None
    if user is None:
        return "Someone" if event.actor_id else "System"
    return user.full_name or user.email


def _noun(model: type[models.Model] | None) -> str:
    return str(model._meta.verbose_name) if model is not None else "record"


def _fallback(told: Told) -> str:
    """An action without a sentence (a name from before a rename): what it says, humanized."""
    prefix, _, verb = told.event.action.partition(".")
    return f"{told.actor}: {prefix.replace('_', ' ')} {verb.replace('_', ' ')}".strip()


def _rows(event: AuditEvent, declared: _Declared | None, told: Told, labels: Mapping[str, Label]) -> list[Change]:
    fields = declared.fields if declared is not None else {}
    model = _model(event.target_type)
    rows = []
    for key, recorded in (event.changes or {}).items():
        hint = fields.get(key)
        if key in told.told or (hint is not None and hint.hidden):
            continue
        model_field = _model_field(model, key)
        old, new = _pair(recorded)
        label = _label_of(key, hint, model_field)
        if isinstance(old, dict) or isinstance(new, dict):  # settings: one row per key that changed
            before, after = old or {}, new or {}
            for sub in sorted(set(before) | set(after), key=str):
                if before.get(sub) != after.get(sub):
                    o = _read(before.get(sub), hint=None, model_field=None, labels=labels)
                    n = _read(after.get(sub), hint=None, model_field=None, labels=labels)
                    rows.append(Change(f"{label}: {formats.humanize(sub).lower()}", o, n))
            continue
        pair = Pair(
            _read(old, hint=hint, model_field=model_field, labels=labels),
            _read(new, hint=hint, model_field=model_field, labels=labels),
        )
        if pair:
            rows.append(Change(label, pair.old, pair.new))
    return rows


def _target(event: AuditEvent, label: Label | None, noun: str, scope: Scope | None) -> str:
    if scope is not None and event.target_id and event.target_id == scope.id:
        return scope.name
    if label is None:
        return formats.an(noun)
    if label.context and (scope is None or label.context != scope.context):
        return f"{label.text} on {label.context}"
    return label.text


def _describe(event: AuditEvent, labels: Mapping[str, Label], scope: Scope | None) -> Described:
    declared = _SENTENCES.get(event.action)
    fields = declared.fields if declared is not None else {}
    model = _model(event.target_type)
    values: dict[str, Pair] = {}
    raw: dict[str, tuple[Any, Any]] = {}
    for key, recorded in (event.changes or {}).items():
        hint, model_field = fields.get(key), _model_field(model, key)
        old, new = _pair(recorded)
        raw[key] = (old, new)
        values[key] = Pair(
            _read(old, hint=hint, model_field=model_field, labels=labels),
            _read(new, hint=hint, model_field=model_field, labels=labels),
        )
    label = labels.get(event.target_id) if event.target_id else None
    noun = _noun(model)
    told = Told(
        event=event,
        actor=_actor(event),
        target=_target(event, label, noun, scope),
        label=label,
        noun=noun,
        values=values,
        raw=raw,
        scope=scope,
    )
    if declared is None:
        text = _fallback(told)
    elif callable(declared.sentence):
        text = declared.sentence(told)
    else:
        text = declared.sentence.format_map(told)
    text = text[:1].upper() + text[1:]  # a sentence may start with a record's name ("a line …")
    return Described(event=event, text=text, changes=tuple(_rows(event, declared, told, labels)))


def describe(
    events: Iterable[AuditEvent], *, labels: Mapping[str, Label] | None = None, scope: Scope | None = None
) -> list[Described]:
    """The events as sentences. ``labels`` are labels the caller knows already (by id); the others — of the events'
    targets and of the records their changes refer to — are read in one statement. Read the events with their
    actors (``select_related("actor")``)."""
    events = list(events)
    known: dict[str, Label] = dict(labels or {})
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_id and event.target_id not in known and not (scope and event.target_id == scope.id):
            wanted.setdefault(event.target_type, set()).add(event.target_id)
        declared = _SENTENCES.get(event.action)
        fields = declared.fields if declared is not None else {}
        model = _model(event.target_type)
        for key, recorded in (event.changes or {}).items():
            kind = _refers_to(fields.get(key), _model_field(model, key))
            if kind:
                ids = {str(v) for v in _pair(recorded) if v not in (None, "") and not isinstance(v, list | dict)}
                wanted.setdefault(kind, set()).update(ids - set(known))
    wanted = {kind: ids for kind, ids in wanted.items() if ids}
    if wanted:
        known.update(labels_read(wanted))
    return [_describe(event, known, scope) for event in events]


def describe_one(event: AuditEvent, **kwargs: Any) -> Described:
    return describe([event], **kwargs)[0]
