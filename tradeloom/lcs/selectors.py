"""Every read of letters of credit for a page or an endpoint: the organisation first, projections and the related
rows each read needs in a fixed number of statements — and ``lc_terms``, the LC as of its latest accepted
amendment.

A merchandiser restricted to their own orders (``sales.selectors.merchandiser_restricted``) sees the LCs linked
(``LcOrder``) to one of them; ``membership=None`` is a read with no member (the system's own)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, Round, TruncMonth

from tradeloom.core.prepared import PreparedQuery
from tradeloom.lcs import states, terms
from tradeloom.lcs.models import (
    AMENDABLE_TERMS,
    Amendment,
    Discrepancy,
    LcOrder,
    LcProforma,
    LetterOfCredit,
    Presentation,
    Utilisation,
)
from tradeloom.lcs.terms import Terms, term_text
from tradeloom.partners.models import Customer
from tradeloom.sales.selectors import merchandiser_restricted, orders_visible
from tradeloom.tenancy.models import Membership

MONEY = DecimalField(max_digits=18, decimal_places=2)


def lc_terms(lc: LetterOfCredit, amendments: list[Amendment] | None = None) -> Terms:
    """The LC's terms as of now — its row, which holds them as of the latest accepted amendment — with which
    revision last changed each amended term. ``amendments``: the LC's, when the caller has them (else one
    statement)."""
    if amendments is None:
        amendments = list(Amendment.objects.filter(letter_of_credit=lc).order_by("revision"))
    amended: dict[str, int] = {}
    for amendment in amendments:
        if amendment.status == Amendment.Status.ACCEPTED:
            for name in amendment.changes:
                amended[name] = amendment.revision
    return Terms(
        values={name: getattr(lc, name) for name in AMENDABLE_TERMS},
        revision=lc.revision,
        amended=amended,
        cap=terms.amount_cap(lc),
        floor=terms.amount_floor(lc),
        expiry=terms.effective_expiry(lc),
    )


def lc_original_terms(lc: LetterOfCredit, amendments: list[Amendment]) -> dict[str, Any]:
    """Revision 0: the LC's terms with its accepted amendments taken back, latest first (JSON values)."""
    values = {name: term_text(getattr(lc, name)) for name in AMENDABLE_TERMS}
    for amendment in sorted(amendments, key=lambda a: a.revision, reverse=True):
        if amendment.status == Amendment.Status.ACCEPTED:
            for name, (old, _new) in amendment.changes.items():
                values[name] = old
    return values


def cap_expression() -> ExpressionWrapper:
    """amount + the plus tolerance, rounded to cents in SQL the way ``terms.amount_cap`` does in Python."""
    return ExpressionWrapper(
        F("amount") + Round(F("amount") * F("tolerance_percent") / Value(Decimal(100)), 2), output_field=MONEY
    )


def open_expression() -> ExpressionWrapper:
    """What is still open: cap - utilised."""
    return ExpressionWrapper(cap_expression() - F("utilised_amount"), output_field=MONEY)


def _customer_name() -> Subquery:
    return Subquery(
        Customer.objects.filter(pk=OuterRef("customer_id"))
        .annotate(label=Coalesce(NullIf("trade_name", Value("")), "legal_name"))
        .values("label")[:1]
    )


def _restrict_to_member(
    qs: QuerySet[LetterOfCredit], *, organization: Any, membership: Membership | None
) -> QuerySet[LetterOfCredit]:
    """``qs`` narrowed, when the member is ``merchandiser_restricted``, to the LCs linked to one of their orders (an
    ``Exists`` subquery in the same statement)."""
    if membership is None or not merchandiser_restricted(organization=organization, membership=membership):
        return qs
    theirs = LcOrder.objects.filter(letter_of_credit=OuterRef("pk"), order__merchandiser=membership)
    return qs.filter(Exists(theirs))


def lcs_visible(*, organization: Any, membership: Membership | None) -> QuerySet[LetterOfCredit]:
    """The organisation's LCs this member may see (``membership=None``: all of them)."""
    qs = LetterOfCredit.objects.filter(organization=organization)
    return _restrict_to_member(qs, organization=organization, membership=membership)


@cache
def _lc_list_columns() -> QuerySet[LetterOfCredit]:
    return (
        LetterOfCredit.objects.defer("notes", "status_reason", "required_documents")
        .annotate(customer_name=_customer_name(), cap=cap_expression(), open_amount=open_expression())
        .order_by("-created_at", "-id")
    )


def lc_list(*, organization: Any, membership: Membership | None) -> QuerySet[LetterOfCredit]:
    """The list's rows with the applicant's name, the cap and what is open: one statement whatever the page size
    (filter and page it: ``filters.LcFilter``); only those linked to the member's orders when restricted."""
    qs = _lc_list_columns().filter(organization=organization)
    return _restrict_to_member(qs, organization=organization, membership=membership)


def lc_get(*, organization: Any, membership: Membership | None, lc_id: Any) -> LetterOfCredit:
    """One LC the member may see with its applicant, supplier and master (``LetterOfCredit.DoesNotExist``)."""
    return (
        lcs_visible(organization=organization, membership=membership)
        .select_related("customer", "supplier", "master")
        .get(pk=lc_id)
    )


@dataclass(frozen=True)
class LcDetail:
    lc: LetterOfCredit
    terms: Terms
    original: dict[str, Any]
    amendments: list[Amendment]
    utilisations: list[Utilisation]
    presentations: list[Presentation]
    orders: list[LcOrder]
    proformas: list[LcProforma]
    back_to_backs: list[LetterOfCredit]

    @property
    def proposed(self) -> Amendment | None:
        return next((a for a in self.amendments if a.status == Amendment.Status.PROPOSED), None)

    @property
    def live_drawings(self) -> list[Utilisation]:
        return [u for u in self.utilisations if u.released_at is None]

    @property
    def figures(self) -> dict[str, Any]:
        lc = self.lc
        cap = self.terms.cap
        utilised = Decimal(lc.utilised_amount)
        return {
            "amount": Decimal(lc.amount),
            "tolerance": cap - Decimal(lc.amount),
            "cap": cap,
            "floor": self.terms.floor,
            "utilised": utilised,
            "available": max(cap - utilised, Decimal(0)),
            "utilised_percent": terms.utilisation_percent(lc),
            "bar_percent": min(int(utilised * 100 / cap), 100) if cap else 0,
            "amount_percent": int(Decimal(lc.amount) * 100 / cap) if cap else 100,
        }


def _visible_lc(org: Any, pk: Any, merchandiser: Any = None) -> QuerySet[LetterOfCredit]:
    """``lc_get`` for one LC: a restricted merchandiser sees it only when it is linked to one of their orders."""
    qs = LetterOfCredit.objects.filter(organization_id=org, pk=pk).select_related("customer", "supplier", "master")
    if merchandiser is not None:
        qs = qs.filter(
            Exists(LcOrder.objects.filter(letter_of_credit=OuterRef("pk"), order__merchandiser_id=merchandiser))
        )
    return qs


# The detail's reads, each compiled once per process (``core.prepared``): building their SQL cost more than running it.
_LC = PreparedQuery(_visible_lc, org=UUID, pk=UUID)
_OWN_LC = PreparedQuery(_visible_lc, org=UUID, pk=UUID, merchandiser=UUID)
_AMENDMENTS = PreparedQuery(
    lambda lc: Amendment.objects.filter(letter_of_credit_id=lc).select_related("decided_by").order_by("revision"),
    lc=UUID,
)
_UTILISATIONS = PreparedQuery(
    lambda lc: (
        Utilisation.objects.filter(letter_of_credit_id=lc).select_related("shipment").order_by("created_at", "id")
    ),
    lc=UUID,
)
_PRESENTATIONS = PreparedQuery(
    lambda lc: Presentation.objects.filter(letter_of_credit_id=lc).order_by("presented_on", "created_at", "id"),
    lc=UUID,
)
_DISCREPANCIES = PreparedQuery(
    lambda lc: Discrepancy.objects.filter(presentation__letter_of_credit_id=lc).order_by(
        "raised_on", "created_at", "id"
    ),
    lc=UUID,
)
_ORDERS = PreparedQuery(
    lambda lc: LcOrder.objects.filter(letter_of_credit_id=lc).select_related("order").order_by("created_at", "id"),
    lc=UUID,
)
_PROFORMAS = PreparedQuery(
    lambda lc: (
        LcProforma.objects.filter(letter_of_credit_id=lc).select_related("proforma").order_by("created_at", "id")
    ),
    lc=UUID,
)
_BACK_TO_BACKS = PreparedQuery(
    lambda lc: LetterOfCredit.objects.filter(master_id=lc).order_by("created_at", "id"), lc=UUID
)
# where a presentation's related manager looks for its prefetched discrepancies
_DISCREPANCIES_CACHE = Presentation.discrepancies.field.remote_field.cache_name


def _presentations(lc_id: Any) -> list[Presentation]:
    """The LC's presentations with their discrepancies (two statements, one without presentations), as
    ``prefetch_related`` leaves them."""
    presentations = _PRESENTATIONS.all(lc=lc_id)
    if not presentations:
        return presentations
    by_presentation: dict[Any, list[Discrepancy]] = {p.pk: [] for p in presentations}
    for discrepancy in _DISCREPANCIES.all(lc=lc_id):
        by_presentation[discrepancy.presentation_id].append(discrepancy)
    for presentation in presentations:
        found = presentation.discrepancies.all()
        found._result_cache = by_presentation[presentation.pk]
        found._prefetch_done = True
        presentation._prefetched_objects_cache = {_DISCREPANCIES_CACHE: found}
    return presentations


def lc_detail(*, organization: Any, membership: Membership | None, lc_id: Any) -> LcDetail:
    """Everything an LC's page and API detail show, in a constant number of statements (at most eight) whatever the
    number of amendments, drawings, presentations and links — each compiled once per process
    (``LetterOfCredit.DoesNotExist`` when the member may not see it)."""
    if membership is not None and merchandiser_restricted(organization=organization, membership=membership):
        lc = _OWN_LC.first(org=organization.pk, pk=lc_id, merchandiser=membership.pk)
    else:
        lc = _LC.first(org=organization.pk, pk=lc_id)
    if lc is None:
        raise LetterOfCredit.DoesNotExist("No such letter of credit.")
    amendments = _AMENDMENTS.all(lc=lc.pk)
    return LcDetail(
        lc=lc,
        terms=lc_terms(lc, amendments),
        original=lc_original_terms(lc, amendments),
        amendments=amendments,
        utilisations=_UTILISATIONS.all(lc=lc.pk),
        presentations=_presentations(lc.pk),
        orders=_ORDERS.all(lc=lc.pk),
        proformas=_PROFORMAS.all(lc=lc.pk),
        back_to_backs=_BACK_TO_BACKS.all(lc=lc.pk),
    )


def order_lcs(*, organization: Any, order: Any) -> list[LetterOfCredit]:
    """The LCs linked to an order (the Finance tab): each with its cap and what is open (``cap``,
    ``open_amount``), newest first — one statement."""
    linked = LcOrder.objects.filter(organization=organization, order=order).values("letter_of_credit_id")
    return list(
        LetterOfCredit.objects.filter(organization=organization, pk__in=linked)
        .annotate(cap=cap_expression(), open_amount=open_expression())
        .order_by("-created_at", "-id")
    )


# --- the exposure report ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exposure:
    """Open LC amounts (cap - utilised of LCs issued, confirmed or utilised), per currency: never added across
    currencies."""

    by_bank: list[dict[str, Any]]
    by_customer: list[dict[str, Any]]
    by_month: list[dict[str, Any]]


def _exposed(organization: Any) -> QuerySet[LetterOfCredit]:
    return LetterOfCredit.objects.filter(organization=organization, status__in=sorted(states.AVAILABLE)).order_by()


def _grouped(qs: QuerySet[LetterOfCredit], *keys: str) -> list[dict[str, Any]]:
    """Per ``keys`` and currency: the number of LCs, their amounts (``total``), drawn (``utilised``) and open."""
    return list(
        qs.annotate(open_each=open_expression())
        .values(*keys, "currency")
        .annotate(
            count=Count("id"),
            total=Sum("amount"),
            utilised=Sum("utilised_amount"),
            open=Sum("open_each"),
        )
        .order_by(*keys, "currency")
    )


def lc_exposure(*, organization: Any) -> Exposure:
    """The exposure by issuing bank, by applicant and by expiry month: three statements."""
    qs = _exposed(organization)
    by_customer = _grouped(qs.annotate(customer_name=_customer_name()), "customer_id", "customer_name")
    by_month = _grouped(qs.annotate(month=TruncMonth("expiry_date")), "month")
    for row in by_month:
        if isinstance(row["month"], datetime.datetime):
            row["month"] = row["month"].date()
    return Exposure(by_bank=_grouped(qs, "issuing_bank"), by_customer=by_customer, by_month=by_month)


def lc_of(*, organization: Any, membership: Membership | None, pk: Any) -> LetterOfCredit | None:
    """An LC the member may see, or None."""
    return lcs_visible(organization=organization, membership=membership).filter(pk=pk).first()


def amendment_of(*, lc: LetterOfCredit, pk: Any) -> Amendment | None:
    return Amendment.objects.filter(letter_of_credit=lc, pk=pk).first()


def utilisation_of(*, lc: LetterOfCredit, pk: Any) -> Utilisation | None:
    return Utilisation.objects.filter(letter_of_credit=lc, pk=pk).first()


def presentation_of(*, lc: LetterOfCredit, pk: Any) -> Presentation | None:
    return Presentation.objects.filter(letter_of_credit=lc, pk=pk).first()


def discrepancy_of(*, presentation: Presentation, pk: Any) -> Discrepancy | None:
    found = Discrepancy.objects.filter(presentation=presentation, pk=pk).first()
    if found is not None:
        found.presentation = presentation
    return found


def lc_order_link(*, lc: LetterOfCredit, order_id: Any) -> LcOrder | None:
    """The LC's link to that order (with the order), or None when the LC does not carry it."""
    return lc.order_links.filter(order_id=order_id).select_related("order").first()


def order_for_new_lc(*, organization: Any, membership: Membership, order_id: Any) -> Any:
    """The order a new LC starts from (``?order=``): one the member may see, or None."""
    return orders_visible(organization=organization, membership=membership).filter(pk=order_id).first()
