"""The benchmark data set: three organisations with realistic, varied data, deterministic for a seed.

``big`` is the largest organisation (orders, lines, gate histories, deliveries, tasks, shipments), ``search`` holds the
partners the search benchmark looks through, ``small`` proves the others stay invisible to it. Organisations,
members, customers and suppliers go through the ORM (their search columns are computed by the models);
everything else is streamed with COPY over a superuser connection with ``session_replication_role = replica``
(no per-row foreign-key triggers: the generator writes consistent ids itself; an order's search columns come
from ``sales.search.order_search_columns``, as the services compute them), then ANALYZEd.

Each part is made only when its organisation has none of it yet, so a data set made before a part existed is topped
up by running the generator again: shipments (``shipments.py``, about one per three orders) are read from the
orders already there.
"""

from __future__ import annotations

import random
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tradeloom.accounts.models import User
from tradeloom.approvals import waiting
from tradeloom.approvals.models import Gate, GateEntry, LineGate
from tradeloom.bench.finance import generate_finance
from tradeloom.bench.production import generate_production
from tradeloom.bench.purchasing import generate_purchasing
from tradeloom.bench.shipments import generate_shipments
from tradeloom.bench.streams import Copy, Ids, superuser_conn
from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core.context import tenant_context
from tradeloom.core.models import NumberSequence
from tradeloom.logistics import departures
from tradeloom.partners.models import Contact, Customer, Supplier
from tradeloom.sales import totals
from tradeloom.sales.models import Delivery, Line, Order, Style, Task
from tradeloom.sales.search import order_search_columns
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.services import organization_create

PASSWORD = "bench-password-1"  # noqa: S105 - a throw-away local data set


@dataclass(frozen=True)
class Size:
    orders: int
    customers: int
    suppliers: int
    contacts: int
    search_partners: int
    small_orders: int


SIZES = {
    "full": Size(
        orders=1_000_000, customers=1_000, suppliers=2_000, contacts=50_000, search_partners=100_000, small_orders=2_000
    ),
    "small": Size(
        orders=20_000, customers=100, suppliers=200, contacts=2_000, search_partners=10_000, small_orders=200
    ),
}

SLUGS = {"big": "bench-big", "search": "bench-search", "small": "bench-small"}
COLOURS = ["NAVY", "WHITE", "BLACK", "RED", "OLIVE", "KHAKI", "SKY", "ROSE", "SAND", "GREY", "TEAL", "WINE"]
WORDS = [
    "Arvind",
    "Square",
    "Beximco",
    "Nordic",
    "Home",
    "Textile",
    "Mills",
    "Denim",
    "Knit",
    "Cotton",
    "Fabrics",
    "Spinning",
    "Dyeing",
    "Apparel",
    "Trading",
    "Global",
    "Eastern",
    "Pacific",
    "Royal",
    "United",
    "Sunrise",
    "Delta",
    "Crescent",
    "Asian",
    "Linen",
    "Silk",
    "Weaving",
    "Garments",
    "Exports",
    "Sourcing",
]
FABRICS = ["Poplin", "Twill", "Oxford", "Jersey", "Pique", "Denim", "Voile", "Canvas", "Satin", "Fleece"]
STAGES = ["enquiry", "development", "sampling", "pre-production", "production", "shipment", "closed"]
LINE_STATUSES = [
    ("upcoming", 20),
    ("in_development", 25),
    ("running", 20),
    ("bulk", 15),
    ("completed", 15),
    ("archived", 5),
]
GATE_STATES_BY_STATUS = {
    "upcoming": "not_started",
    "in_development": "submission",
    "running": "approved",
    "bulk": "approved",
    "completed": "approved",
    "archived": "rejected",
}


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _log(message: str, started: float) -> None:
    pass


def _organization(slug: str, name: str, members: int) -> tuple[Organization, list[Membership]]:
    existing = Organization.objects.using("owner").filter(slug=slug).first()
    if existing is not None:
        return existing, list(Membership.objects.using("owner").filter(organization=existing).order_by("created_at"))
    owner = User.objects.create_user(email=f"owner@{slug}.example", password=PASSWORD, full_name=f"{name} owner")
    with transaction.atomic():
        organization, membership = organization_create(name=name, owner=owner, slug=slug)
        people = [membership]
        for n in range(members):
            user = User.objects.create_user(email=f"merch{n}@{slug}.example", password=PASSWORD, full_name=f"Merch {n}")
            people.append(
                Membership.objects.create(
                    organization=organization, user=user, role=Role.MERCHANDISER, created_by=owner
                )
            )
    return organization, people


SYLLABLES = [
    "ka",
    "ri",
    "mon",
    "ta",
    "vo",
    "ra",
    "sun",
    "del",
    "ar",
    "vin",
    "be",
    "xim",
    "co",
    "na",
    "lu",
    "pe",
    "shan",
    "go",
    "ti",
    "ex",
    "ma",
    "dra",
    "si",
    "len",
    "ho",
    "pa",
    "cif",
    "ro",
    "yal",
    "ni",
    "te",
    "bo",
]
SUFFIXES = [
    "Mills",
    "Textiles",
    "Fabrics",
    "Knitwear",
    "Apparels",
    "Industries",
    "Spinning",
    "Dyeing",
    "Garments",
    "Exports",
    "Trading",
    "Group",
    "Weaving",
    "Denim",
    "Sourcing",
]


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    """Pronounceable, varied company words (real partner names share suffixes, not their first words)."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(words)


def _company(rng: random.Random, vocabulary: list[str]) -> str:
    first = rng.choice(vocabulary)
    middle = f" {rng.choice(vocabulary)}" if rng.random() < 0.4 else ""
    return f"{first}{middle} {rng.choice(SUFFIXES)} Ltd"


def _partners(organization: Organization, by: Membership, customers: int, suppliers: int, rng: random.Random) -> None:
    """Customers and suppliers through the models (their search columns are the models' own)."""
    if Customer.objects.using("owner").filter(organization=organization).exists():
        return
    vocabulary = _vocabulary(rng)
    for model, count, prefix in ((Customer, customers, "C"), (Supplier, suppliers, "S")):
        batch: list[Any] = []
        for n in range(count):
            partner = model(
                organization=organization,
                created_by_id=by.user_id,
                code=f"{prefix}{n:06d}",
                legal_name=_company(rng, vocabulary),
                email=f"info{n}@{prefix.lower()}{n}.example",
                country=rng.choice(["BD", "IN", "CN", "TR", "PK", "VN", "DE", "SE"]),
            )
            partner.fill_search_columns()
            batch.append(partner)
            if len(batch) == 5000:
                model.objects.using("owner").bulk_create(batch)
                batch = []
        model.objects.using("owner").bulk_create(batch)


def _contacts(conn: Any, organization: Organization, count: int, rng: random.Random, ids: Ids) -> None:
    customers = list(Customer.objects.using("owner").filter(organization=organization).values_list("pk", flat=True))
    suppliers = list(Supplier.objects.using("owner").filter(organization=organization).values_list("pk", flat=True))
    if Contact.objects.using("owner").filter(organization=organization).exists():
        return
    with ExitStack() as stack:
        copy = Copy(stack, conn, Contact)
        for n in range(count):
            owner = {"customer_id": rng.choice(customers)} if n % 3 == 0 else {"supplier_id": rng.choice(suppliers)}
            copy.write(
                {
                    "id": ids(),
                    "organization_id": organization.pk,
                    "name": f"{rng.choice(WORDS)} Person {n}",
                    "email": f"person{n}@example.com",
                    "phone": f"+880 1{rng.randrange(10**9):09d}",
                    **owner,
                }
            )
    conn.commit()


def _orders(
    conn: Any,
    organization: Organization,
    members: list[Membership],
    count: int,
    rng: random.Random,
    ids: Ids,
    started: float,
) -> None:
    """Orders with their styles, lines, gates (with histories), deliveries and tasks, in one pass of COPY streams."""
    if Order.objects.using("owner").filter(organization=organization).exists():
        return
    org_id = organization.pk
    customers = list(Customer.objects.using("owner").filter(organization=organization).values_list("pk", flat=True))
    mills = list(Supplier.objects.using("owner").filter(organization=organization).values_list("pk", flat=True))
    metre = UnitOfMeasure.objects.using("owner").get(organization=organization, code="m").pk
    gates = {g.code: g.pk for g in Gate.objects.using("owner").filter(organization=organization)}
    merchandisers = [m.pk for m in members]
    today = timezone.localdate()
    start = today - timedelta(days=3 * 365)
    span = (today - start).days
    with ExitStack() as stack:
        conns = [conn] + [stack.enter_context(superuser_conn()) for _ in range(6)]
        orders = Copy(stack, conns[0], Order)
        styles = Copy(stack, conns[1], Style)
        lines = Copy(stack, conns[2], Line)
        line_gates = Copy(stack, conns[3], LineGate)
        entries = Copy(stack, conns[4], GateEntry)
        deliveries = Copy(stack, conns[5], Delivery)
        tasks = Copy(stack, conns[6], Task)
        for n in range(count):
            order_id = ids()
            # orders arrive in time order, so the newest-first list reads the most recent ones
            order_date = start + timedelta(days=span * n // max(count, 1))
            created = datetime.combine(order_date, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=n % 86400)
            etd = order_date + timedelta(days=rng.randint(30, 150))
            po = f"PO-{rng.randint(1, count // 2 + 1)}"
            order: dict[str, Any] = {
                "id": order_id,
                "organization_id": org_id,
                "created_at": created,
                "updated_at": created,
                "number": f"SO-{n + 1:06d}",
                "po_number": po,
                "customer_id": rng.choice(customers),
                "buyer_name": f"{rng.choice(WORDS)} buyer",
                "merchandiser_id": rng.choice(merchandisers),
                "order_type": "foreign" if rng.random() < 0.8 else "local",
                "currency": "USD",
                "order_date": order_date,
                "etd": etd,
                "eta": etd + timedelta(days=rng.randint(14, 40)),
                "status": "closed" if order_date < today - timedelta(days=400) else "open",
                "stage": rng.choice(STAGES),
                "version": 1,
            }
            style_numbers: list[str] = []
            line_names: list[tuple[str, str]] = []
            position = 0
            for s in range(1 if rng.random() < 0.5 else 2):
                style_id = ids()
                style_numbers.append(f"{po}-{s + 1:02d}")
                styles.write(
                    {
                        "id": style_id,
                        "organization_id": org_id,
                        "created_at": created,
                        "updated_at": created,
                        "order_id": order_id,
                        "style_number": style_numbers[-1],
                        "position": s,
                        "description": f"{rng.choice(FABRICS)} {rng.choice([40, 60, 80])}s",
                        "fabric_type": rng.choice(FABRICS),
                        "composition": "100% cotton",
                        "gsm": Decimal(rng.randint(90, 320)),
                    }
                )
                for colour in rng.sample(COLOURS, rng.randint(1, 3)):
                    line_id = ids()
                    status = _weighted(rng, LINE_STATUSES)
                    quantity = Decimal(rng.randint(5, 500) * 10)
                    delivered = Decimal(0)
                    if status in ("bulk", "completed") and rng.random() < 0.6:
                        delivered = (quantity * Decimal(rng.randint(40, 110)) / 100).quantize(Decimal("1"))
                        deliveries.write(
                            {
                                "id": ids(),
                                "organization_id": org_id,
                                "created_at": created,
                                "updated_at": created,
                                "line_id": line_id,
                                "date": min(etd, today),
                                "quantity": delivered,
                                "unit_id": metre,
                                "quantity_in_line_unit": delivered,
                            }
                        )
                    price = Decimal(rng.randint(250, 900)) / 100
                    lines.write(
                        {
                            "id": line_id,
                            "organization_id": org_id,
                            "created_at": created,
                            "updated_at": created,
                            "order_id": order_id,
                            "style_id": style_id,
                            "colour_code": colour,
                            "cad_code": "",
                            "colour_name": colour.title(),
                            "quantity": quantity,
                            "unit_id": metre,
                            "selling_price": price,
                            "supplier_id": rng.choice(mills),
                            "mill_price": (price * Decimal("0.8")).quantize(Decimal("0.0001")),
                            "commission_per_unit": Decimal("0.05"),
                            "etd": etd,
                            "status": status,
                            "delivered_quantity": delivered,
                            "position": position,
                        }
                    )
                    position += 1
                    line_names.append((colour, colour.title()))
                    state = GATE_STATES_BY_STATUS[status]
                    lg_id = ids()
                    since = order_date + timedelta(days=rng.randint(3, 25)) if state != "not_started" else None
                    if since is not None and since > today:
                        since = today
                    line_gates.write(
                        {
                            "id": lg_id,
                            "organization_id": org_id,
                            "created_at": created,
                            "updated_at": created,
                            "line_id": line_id,
                            "gate_id": gates["lab_dip"],
                            "state": state,
                            "round": 0 if state == "not_started" else 1,
                            "state_since": since,
                        }
                    )
                    if since is not None and rng.random() < 0.2:  # a full history for a fifth of them
                        recorded = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
                        first = since - timedelta(days=7) if state != "submission" else since
                        entries.write(
                            {
                                "id": ids(),
                                "organization_id": org_id,
                                "line_gate_id": lg_id,
                                "state": "submission",
                                "round": 1,
                                "effective_date": first,
                                "recorded_at": recorded,
                                "note": "Sent by courier",
                            }
                        )
                        if state != "submission":
                            entries.write(
                                {
                                    "id": ids(),
                                    "organization_id": org_id,
                                    "line_gate_id": lg_id,
                                    "state": state,
                                    "round": 1,
                                    "effective_date": since,
                                    "recorded_at": recorded + timedelta(hours=1),
                                }
                            )
                    if rng.random() < 0.5:
                        line_gates.write(
                            {
                                "id": ids(),
                                "organization_id": org_id,
                                "created_at": created,
                                "updated_at": created,
                                "line_id": line_id,
                                "gate_id": gates["pp_sample"],
                                "state": "approved" if status in ("bulk", "completed") else "not_started",
                                "round": 1 if status in ("bulk", "completed") else 0,
                                "state_since": min(etd, today) if status in ("bulk", "completed") else None,
                            }
                        )
            order |= order_search_columns(
                number=str(order["number"]),
                po_number=po,
                buyer_name=str(order["buyer_name"]),
                styles=style_numbers,
                lines=line_names,
            )
            orders.write(order)
            if n % 5 == 0:
                tasks.write(
                    {
                        "id": ids(),
                        "organization_id": org_id,
                        "created_at": created,
                        "updated_at": created,
                        "order_id": order_id,
                        "title": "Chase lab dips",
                        "assignee_id": rng.choice(merchandisers),
                        "due_date": order_date + timedelta(days=10),
                        "priority": "normal",
                        "status": "done" if order_date < today - timedelta(days=30) else "open",
                    }
                )
            if n and n % 100_000 == 0:
                _log(f"{n:,} orders streamed", started)
    conn.commit()  # the other connections committed when the stack closed them
    _log(
        f"{orders.count:,} orders, {styles.count:,} styles, {lines.count:,} lines, {line_gates.count:,} line gates, "
        f"{entries.count:,} gate entries, {deliveries.count:,} deliveries, {tasks.count:,} tasks",
        started,
    )
    with tenant_context(organization):
        NumberSequence.objects.update_or_create(
            organization=organization, kind="sales_order", year=0, defaults={"next_value": count + 1}
        )


def generate(*, size: str, seed: int = 42) -> dict[str, Any]:
    """Fill the benchmark database (idempotent: what exists is kept). Returns what the benchmark needs."""
    spec = SIZES[size]
    rng = random.Random(seed)
    ids = Ids(rng)
    started = time.monotonic()
    big, big_members = _organization(SLUGS["big"], "Bench Buying House", members=20)
    search, search_members = _organization(SLUGS["search"], "Bench Search Agency", members=2)
    small, small_members = _organization(SLUGS["small"], "Bench Small Broker", members=2)
    _log("organisations and members", started)
    _partners(big, big_members[0], spec.customers, spec.suppliers, rng)
    _partners(search, search_members[0], spec.search_partners // 2, spec.search_partners // 2, rng)
    _partners(small, small_members[0], 20, 20, rng)
    _log("customers and suppliers", started)
    with superuser_conn() as conn:
        _contacts(conn, big, spec.contacts, rng, ids)
        _log("contacts", started)
        fresh = not Order.objects.using("owner").filter(organization__in=[big, small]).exists()
        _orders(conn, big, big_members, spec.orders, rng, ids, started)
        _orders(conn, small, small_members, spec.small_orders, rng, ids, started)
        conn.commit()
        if fresh:
            # COPY with replication role replica fired no trigger: every order's totals and the stage rollup
            # (``sales.totals``, the dashboard's) computed once for all
            conn.execute(totals.REBUILD_SQL)
            conn.execute(waiting.REBUILD_SQL)  # the orders' gates waiting for the buyer (approvals.waiting)
            conn.commit()
            _log("order totals", started)
        today = timezone.localdate()
        shipped = False
        for organization, members in ((big, big_members), (small, small_members)):
            counts = generate_shipments(
                organization=organization, by=members[0], seed=seed, today=today, connect=superuser_conn
            )
            if counts:
                shipped = True
                _log(f"{organization.slug}: {counts}", started)
            counts = generate_finance(
                organization=organization, by=members[0], seed=seed, today=today, connect=superuser_conn
            )
            if counts:
                _log(f"{organization.slug}: {counts}", started)
            counts = generate_purchasing(
                organization=organization,
                by=members[1],  # a merchandiser raises the POs, the owner approves those above the limit
                approver=members[0],
                seed=seed,
                today=today,
                connect=superuser_conn,
                orders=spec.orders if organization == big else spec.small_orders,
            )
            if counts:
                _log(f"{organization.slug}: {counts}", started)
            counts = generate_production(
                organization=organization, by=members[1], seed=seed, today=today, connect=superuser_conn
            )
            if counts:
                _log(f"{organization.slug}: {counts}", started)
        if fresh or shipped:
            # what departed of every due line (logistics.departures), once the shipments are all written
            conn.execute(departures.REBUILD_SQL)
            conn.commit()
            _log("line departures", started)
        conn.autocommit = True
        conn.execute("ANALYZE")
    _log("analyzed", started)
    return {"big": big, "search": search, "small": small, "members": big_members, "search_members": search_members}
