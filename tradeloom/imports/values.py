"""How an import reads one cell: numbers, dates, yes/no, choices, currencies, countries, e-mail addresses, and the
look-ups of records by code or name. The entities in ``imports.entities`` read every row through a ``Reader``,
which collects one message per field and raises them together as a ``RowError``.

The rules (docs/imports.md):

* **Numbers**: spaces (also no-break spaces), a leading ``+`` and a currency sign ($ € £ ¥ ₹) are ignored,
  ``(12.50)`` is ``-12.50``. With both ``.`` and ``,`` in a number, the one that comes last is the decimal mark and
  the other groups thousands (``1,234.50`` and ``1.234,50`` are both 1234.5). With only commas: ``1,234`` and
  ``1,234,567`` (groups of three) group thousands; a single comma followed by other than three digits is a decimal
  comma (``1234,5`` is 1234.5). Thousands groups must have three digits (``1,23.5`` is refused). Excel's ``1E+3`` is
  read too.
* **Dates**: ISO (``2026-11-25``, also with a time as Excel and Dataverse write it, the time dropped),
  ``25/11/2026``, ``25-11-2026``, ``25.11.2026``, ``25-Nov-2026`` / ``25 Nov 2026`` / ``Nov 25, 2026``, two-digit years
  as 20xx. A numeric date is day first unless its first number cannot be a day-of-month reading (``11/25/2026`` is
  25 November); when both readings are possible the organisation's ``settings["import_date_order"]`` decides
  (``"dmy"``, the default, or ``"mdy"`` for files from a US-locale export).
* **Yes/no**: yes/no, true/false, 1/0, y/n, active/inactive, x (yes) — any case.
* **Choices**: by value or label, any case (``"Finished goods"`` or ``finished_goods``), plus the entity's aliases.
* **Currencies**: an ISO 4217 code (any case) or its English name (``US Dollar``).
* **Countries**: an ISO 3166 alpha-2 or alpha-3 code or the English name (``Germany``, ``United States``).
* **Look-ups**: a customer, supplier, item, unit, warehouse, carrier or plant by its code (any case), else by its
  name (legal or trade name for partners) when exactly one has it; payment terms by name. An archived record is
  refused ("restore it first"); none found says so: "No customer with code or name “X”."
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Model, Q

from tradeloom.catalog.models import Item, PaymentTerms, UnitOfMeasure
from tradeloom.core.validators import currency_codes
from tradeloom.imports.registry import ImportContext, RowError
from tradeloom.inventory.models import Warehouse
from tradeloom.partners.models import Carrier, Customer, Plant, Supplier
from tradeloom.tenancy.models import Membership

ROW = "__row__"
YES = frozenset({"yes", "y", "true", "t", "1", "active", "x", "on"})
NO = frozenset({"no", "n", "false", "f", "0", "inactive", "off"})
MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
}
MONTHS["sept"] = 9
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
CURRENCY_SIGNS = "$€£¥₹"
LARGEST = Decimal(10) ** 14  # no amount, price or quantity the app keeps comes near it

_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_NAMED_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]{3,9})\.?[\s\-/.,]+(\d{2,4})$")
_NAMED_DATE_US = re.compile(r"^([a-z]{3,9})\.?[\s\-/.]+(\d{1,2}),?[\s\-/.]+(\d{2,4})$")
_TIME_TAIL = re.compile(r"[T\s]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s?[AaPp][Mm])?(Z|[+\-]\d{2}:?\d{2})?$")
_GROUPED = {",": re.compile(r"^\d{1,3}(,\d{3})+$"), ".": re.compile(r"^\d{1,3}(\.\d{3})+$")}


# --- the parsers: a text in, a value out, ``ValueError`` with the message for the user --------------------------------
def unneutralise(text: str) -> str:
    """A text cell as it was before an export neutralised it (``'=SUM`` → ``=SUM``, ``'+44`` → ``+44``)."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(DANGEROUS_FIRST):
        return text[1:]
    return text


def parse_decimal(text: str) -> Decimal:
    raw = text
    s = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    s = s.strip(CURRENCY_SIGNS)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    s = s.strip(CURRENCY_SIGNS)
    if not s:
        raise ValueError(f"“{raw}” is not a number.")
    if "e" in s.lower():
        number = _decimal_of(s, raw)
    else:
        decimal_mark, thousands = ".", ""
        if "," in s and "." in s:
            decimal_mark, thousands = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
        elif "," in s:
            if _GROUPED[","].match(s) or s.count(",") > 1:
                thousands = ","
            else:
                decimal_mark = ","
        whole, _, fraction = s.partition(decimal_mark)
        if thousands and thousands in whole:
            if not _GROUPED[thousands].match(whole):
                raise ValueError(f"“{raw}” is not a number (thousands are grouped by three).")
            whole = whole.replace(thousands, "")
        if not whole.isdigit() and not (whole == "" and fraction):
            raise ValueError(f"“{raw}” is not a number.")
        if fraction and not fraction.isdigit():
            raise ValueError(f"“{raw}” is not a number.")
        number = _decimal_of(f"{whole or '0'}.{fraction or '0'}", raw)
    return -number if negative else number


def _decimal_of(text: str, raw: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{raw}” is not a number.") from exc
    if not number.is_finite():
        raise ValueError(f"“{raw}” is not a number.")
    return number


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) <= 2 else year


def parse_date(text: str, *, month_first: bool = False) -> dt.date:
    raw = text
    s = _TIME_TAIL.sub("", text.strip()).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s)
        if match := _NUMERIC_DATE.match(s):
            a, b, c = match.groups()
            if len(a) == 4:  # 2026/11/25
                return dt.date(int(a), int(b), int(c))
            first, second, year = int(a), int(b), _year(c)
            if first > 12 or (not month_first and second <= 12):
                return dt.date(year, second, first)
            return dt.date(year, first, second)
        lowered = s.lower()
        if match := _NAMED_DATE.match(lowered):
            day, month, year_text = match.groups()
            return dt.date(_year(year_text), _month(month, raw), int(day))
        if match := _NAMED_DATE_US.match(lowered):
            month, day, year_text = match.groups()
            return dt.date(_year(year_text), _month(month, raw), int(day))
    except ValueError as exc:
        if str(exc).startswith("“"):
            raise
        raise ValueError(f"“{raw}” is not a date.") from exc
    raise ValueError(f"“{raw}” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.")


def _month(name: str, raw: str) -> int:
    if name not in MONTHS:
        raise ValueError(f"“{raw}” is not a date (unknown month).")
    return MONTHS[name]


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(f"“{text}” is not yes or no.")


def _plain(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def parse_choice(text: str, choices: Any, aliases: dict[str, str] | None = None) -> str:
    """A ``TextChoices`` value by its value or label (any case, spaces, dashes and underscores alike)."""
    wanted = _plain(text)
    for value, label in choices.choices:
        if wanted in (_plain(str(value)), _plain(str(label))):
            return str(value)
    for alias, value in (aliases or {}).items():
        if wanted == _plain(alias):
            return value
    shown = ", ".join(str(label) for _value, label in choices.choices)
    raise ValueError(f"“{text}” is not one of: {shown}.")


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if code in currency_codes():
        return code
    found = next((c for c in pycountry.currencies if c.name.lower() == text.strip().lower()), None)
    if found is not None and found.alpha_3 in currency_codes():
        return str(found.alpha_3)
    raise ValueError(f"“{text}” is not a currency: give its ISO code, e.g. USD.")


COUNTRY_NAMES = {"usa": "US", "uk": "GB", "england": "GB", "great britain": "GB", "south korea": "KR"}


def parse_country(text: str) -> str:
    value = text.strip()
    if value.lower() in COUNTRY_NAMES:
        return COUNTRY_NAMES[value.lower()]
    found = None
    if len(value) == 2:
        found = pycountry.countries.get(alpha_2=value.upper())
    elif len(value) == 3:
        found = pycountry.countries.get(alpha_3=value.upper())
    if found is None:
        try:
            found = pycountry.countries.lookup(value)
        except LookupError:
            found = None
    if found is None:
        raise ValueError(f"“{text}” is not a country: give its ISO code (DE) or its name.")
    return str(found.alpha_2)


def parse_email(text: str) -> str:
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    try:
        EmailValidator()(value)
    except ValidationError as exc:
        raise ValueError(f"“{text}” is not an e-mail address.") from exc
    return value


def parse_url(text: str) -> str:
    value = text.strip()
    if "://" not in value:
        value = f"https://{value}"
    try:
        URLValidator()(value)
    except ValidationError as exc:
        raise ValueError(f"“{text}” is not a web address.") from exc
    return value


def month_first(organization: Any) -> bool:
    return (getattr(organization, "settings", None) or {}).get("import_date_order") == "mdy"


# --- the reader of one row --------------------------------------------------------------------------------------------
class Reader:
    """Reads the fields of one row, collecting a message per field; ``done()`` raises them as one ``RowError``.

    Every reading returns ``None`` (or ``""`` for texts) when the cell is empty: an empty cell never clears a value.
    """

    def __init__(self, context: ImportContext, row: dict[str, str]) -> None:
        self.context = context
        self.organization = context.organization
        self.row = row
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def done(self) -> None:
        if self.errors:
            raise RowError(self.errors)

    def has(self, *names: str) -> bool:
        return any(self.raw(name) for name in names)

    def raw(self, name: str) -> str:
        return unneutralise((self.row.get(name) or "").strip())

    def text(self, name: str, max_length: int | None = None, *, required: bool = False, label: str = "") -> str:
        value = self.raw(name)
        if required and not value:
            self.fail(name, f"Give the {label or name.replace('_', ' ')}.")
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"Keep it to {max_length} characters.")
            return ""
        return value

    def _parse(self, name: str, parser: Any, *args: Any, **kwargs: Any) -> Any:
        value = self.raw(name)
        if not value:
            return None
        try:
            return parser(value, *args, **kwargs)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def decimal(
        self,
        name: str,
        *,
        places: int | None = None,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
    ) -> Decimal | None:
        number: Decimal | None = self._parse(name, parse_decimal)
        if number is None:
            return None
        if abs(number) >= LARGEST:
            self.fail(name, f"Give less than {LARGEST:,}.")
            return None
        if places is not None:
            rounded = number.quantize(Decimal(1).scaleb(-places))
            if rounded != number:
                self.fail(name, f"Give at most {places} decimals.")
                return None
            number = rounded
        if minimum is not None and number < minimum:
            self.fail(name, f"Give {minimum} or more.")
            return None
        if maximum is not None and number > maximum:
            self.fail(name, f"Give at most {maximum:,}.")
            return None
        return number

    def date(self, name: str) -> dt.date | None:
        return self._parse(name, parse_date, month_first=month_first(self.organization))

    def boolean(self, name: str) -> bool | None:
        return self._parse(name, parse_bool)

    def choice(self, name: str, choices: Any, aliases: dict[str, str] | None = None) -> str | None:
        return self._parse(name, parse_choice, choices, aliases)

    def currency(self, name: str) -> str | None:
        return self._parse(name, parse_currency)

    def country(self, name: str) -> str | None:
        return self._parse(name, parse_country)

    def email(self, name: str) -> str | None:
        return self._parse(name, parse_email)

    def url(self, name: str) -> str | None:
        return self._parse(name, parse_url)

    # --- look-ups -----------------------------------------------------------------------------------------------------
    def lookup(
        self,
        name: str,
        model: type[Model],
        *,
        what: str,
        code_field: str | None = "code",
        name_fields: tuple[str, ...] = ("name",),
        within: Q | None = None,
        required: bool = False,
        allow_archived: bool = False,
    ) -> Any:
        """The record whose code (any case) is the cell's text, else the one record whose name is; ``None`` and a
        message when the cell is empty (and ``required``), none or several match, or the one found is archived."""
        value = self.raw(name)
        if not value:
            if required:
                self.fail(name, f"Give the {what}.")
            return None
        key = f"lookup:{model._meta.label}:{within!r}:{value.lower()}"
        cache = self.context.cache
        if key in cache:
            return cache[key]
        qs = model._default_manager.filter(organization=self.organization)
        if within is not None:
            qs = qs.filter(within)
        found = None
        if code_field:
            found = list(qs.filter(**{f"{code_field}__iexact": value})[:2])
        if not found and name_fields:
            condition = Q()
            for field in name_fields:
                condition |= Q(**{f"{field}__iexact": value})
            found = list(qs.filter(condition)[:2])
        by = "code or name" if code_field and name_fields else ("code" if code_field else "name")
        if not found:
            self.fail(name, f"No {what} with {by} “{value}”.")
            return None
        if len(found) > 1:
            self.fail(name, f"More than one {what} is named “{value}”: give its code.")
            return None
        record = found[0]
        if not allow_archived and getattr(record, "archived_at", None) is not None:
            self.fail(name, f"The {what} “{value}” is archived: restore it first.")
            return None
        cache[key] = record  # it existed before this row: a rolled-back row cannot have made it
        return record

    def customer(self, name: str, *, required: bool = False) -> Any:
        return self.lookup(name, Customer, what="customer", name_fields=("legal_name", "trade_name"), required=required)

    def supplier(self, name: str, *, required: bool = False, what: str = "supplier") -> Any:
        return self.lookup(name, Supplier, what=what, name_fields=("legal_name", "trade_name"), required=required)

    def unit(self, name: str, *, required: bool = False) -> Any:
        return self.lookup(name, UnitOfMeasure, what="unit", required=required)

    def item(self, name: str, *, required: bool = False) -> Any:
        return self.lookup(name, Item, what="item", required=required)

    def payment_terms(self, name: str) -> Any:
        return self.lookup(name, PaymentTerms, what="payment terms", code_field=None)

    def warehouse(self, name: str, *, required: bool = False) -> Any:
        return self.lookup(name, Warehouse, what="warehouse", required=required)

    def carrier(self, name: str) -> Any:
        return self.lookup(name, Carrier, what="carrier")

    def plant(self, name: str, *, supplier: Any = None, required: bool = False) -> Any:
        return self.lookup(
            name,
            Plant,
            what="plant",
            within=Q(supplier=supplier) if supplier is not None else None,
            required=required,
        )

    def member(self, name: str) -> Any:
        """An active member of the organisation by e-mail address or full name."""
        value = self.raw(name)
        if not value:
            return None
        found = list(
            Membership.objects.filter(organization=self.organization, is_active=True)
            .filter(Q(user__email__iexact=value) | Q(user__full_name__iexact=value))
            .select_related("user")[:2]
        )
        if len(found) != 1:
            self.fail(
                name,
                f"No member with e-mail or name “{value}”."
                if not found
                else f"More than one member is named “{value}”: give the e-mail address.",
            )
            return None
        return found[0]
