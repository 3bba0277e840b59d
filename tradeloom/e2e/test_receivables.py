"""End to end: an owner makes an order with a proforma invoice and a letter of credit; an accounts member invoices
it twice (one invoice on open account, one under the LC), records a customer payment with its date, amount,
currency, rate, method, bank reference and bank charges and allocates it to the open-account invoice in part
(more than the invoice owes, then more than the payment holds, refused next to the rows, nothing changed), sees the
invoice partly paid with its balance and the credit left on the payment; the ageing report puts the invoices in
their buckets as of two days, LC-backed and open account apart; the customer statement runs the balance; the
order's Finance tab shows PI → LC → invoices → payments. Every page fits 1440 and 390 px without sideways
scrolling; screenshots in test-artifacts/screenshots.

Everything is set up through the pages, as the other browser tests do: the server runs in its own process on its
own database, so the test process's services would write elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tradeloom.e2e.conftest import unique
from tradeloom.e2e.test_shipments import SIZES, fits

CUSTOMER = "Bayside Apparel"


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def invoice_order(me: Any, order_url: str, *, quantities: tuple[str, str], issue_date: str, lc: str | None) -> str:
    """Draft an invoice of the order's lines (NAVY, WHITE) and issue it; returns its number."""
    page = me.page
    page.goto(f"{order_url}/invoice/")
    fields = page.locator("input[name$='-quantity']")
    fields.nth(0).fill(quantities[0])
    fields.nth(1).fill(quantities[1])
    page.locator("[name=issue_date]").fill(issue_date)
    if lc:
        page.locator("[name=letter_of_credit]").select_option(label=lc)
    page.get_by_role("button", name="Draft invoice").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("INV-")
    number = heading.inner_text().split()[0]
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Issued")
    return number


def test_records_allocates_and_reports_a_customer_payment(person: Any) -> None:
    owner = person()
    slug = owner.sign_up_merchandiser()
    page = owner.page
    page.set_viewport_size(SIZES[0])
    owner.create_partner(slug, "customer", CUSTOMER)

    # an order with two priced lines: NAVY 1,000 m x 4.25 = 4,250.00 and WHITE 500 m x 2.00 = 1,000.00
    order_number, order_url = owner.create_two_line_order(slug, "BA-9201")

    # its proforma invoice (every line) and a letter of credit paying for it
    owner.goto(f"/o/{slug}/proformas/")
    page.get_by_label("Order or PO number").fill(order_number)
    page.get_by_role("button", name="Make from an order").click()
    page.get_by_role("button", name="Make draft PI").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("PI-")
    pi_number = heading.inner_text().split()[0]

    owner.goto(f"/o/{slug}/lcs/new/")
    page.locator("[name=number]").fill("DBH-LC-7201")
    page.locator("[name=customer]").select_option(label="Bayside Apparel · BAYSIDEA")
    page.locator("[name=issuing_bank]").fill("Deutsche Bank Hamburg")
    page.locator("[name=currency]").fill("USD")
    page.locator("[name=amount]").fill("10000.00")
    page.locator("[name=expiry_date]").fill(day(60))
    page.locator("[name=latest_shipment_date]").fill(day(30))
    page.locator("[name=orders]").select_option(label=f"{order_number} · BA-9201")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="DBH-LC-7201")).to_be_visible()
    page.locator("summary", has_text="Mark issued").click()
    page.locator("form button", has_text="Mark issued").click()
    expect(page.locator("h1 .badge-blue", has_text="Issued")).to_be_visible()

    # the accounts member joins
    email = f"{unique('accounts')}@example.com"
    link = owner.invite(slug, email, "accounts")
    me = person()
    me.accept(link, "Ari Accounts", slug=slug)
    page = me.page
    page.set_viewport_size(SIZES[0])

    # two invoices, due on their dates (no terms): WHITE on open account 75 days ago, NAVY under the LC 45 days ago
    open_invoice = invoice_order(me, order_url, quantities=("", "500"), issue_date=day(-75), lc=None)
    expect(page.locator("#outstanding")).to_contain_text("USD 1,000.00")
    lc_invoice = invoice_order(me, order_url, quantities=("1000", ""), issue_date=day(-45), lc="DBH-LC-7201")
    expect(page.locator("#outstanding")).to_contain_text("USD 4,250.00")

    # record a payment: the customer first, then its open invoices
    me.goto(f"/o/{slug}/payments/")
    page.get_by_role("link", name="Record payment").click()
    page.locator("[name=customer]").select_option(label="Bayside Apparel (BAYSIDEA)")
    page.get_by_role("button", name="Show its open invoices").click()
    rows = page.locator("#allocation-rows")
    expect(rows.locator(f"tr[data-invoice='{open_invoice}']")).to_contain_text("USD 1,000.00")
    expect(rows.locator(f"tr[data-invoice='{lc_invoice}']")).to_contain_text("LC-backed")
    page.locator("[name=received_on]").fill(day(-10))
    page.locator("[name=amount]").fill("1500.00")
    expect(page.locator("[name=currency]")).to_have_value("USD")  # the customer's currency (typing it: see below)
    page.locator("[name=exchange_rate]").fill("1")
    page.locator("[name=method]").select_option(label="Wire transfer")
    page.locator("[name=bank_reference]").fill("MT103-BA-7731")
    page.locator("[name=bank_charges]").fill("15.00")
    open_row = page.get_by_label(f"Allocate to {open_invoice}")
    expect(page.get_by_label(f"Allocate to {lc_invoice}")).to_be_empty()

    # more than the invoice owes: refused next to its row, nothing recorded
    open_row.fill("1200.00")
    page.get_by_role("button", name="Record payment").click()
    expect(rows.locator(f"tr[data-invoice='{open_invoice}'] .field-error")).to_contain_text(
        f"{open_invoice} has 1,000.00 USD outstanding; this allocates 1,200.00."
    )
    expect(page.locator("[name=bank_reference]")).to_have_value("MT103-BA-7731")
    fits(me, "receivables-payment-refused")

    # 600.00 of it to the open-account invoice; 900.00 stays on the customer
    page.get_by_label(f"Allocate to {open_invoice}").fill("600.00")
    page.get_by_role("button", name="Record payment").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("RCPT-")
    receipt = heading.inner_text().split()[0]
    expect(page.get_by_text(f"Recorded {receipt}: USD 1,500.00, 600.00 allocated.")).to_be_visible()
    figures = page.locator("#payment-figures")
    expect(figures).to_contain_text("USD 1,500.00")
    expect(figures).to_contain_text("net received USD 1,485.00")
    expect(page.locator("#unallocated")).to_have_text("900.00")
    expect(figures).to_contain_text(f"credit kept on {CUSTOMER}")
    allocation = page.locator(f"#allocations table tr[data-invoice='{open_invoice}']").first
    expect(allocation).to_contain_text("Partly paid")
    expect(allocation.locator("td[data-label='Amount']")).to_contain_text("USD 600.00")
    expect(allocation.locator("td[data-label='Invoice owes']")).to_have_text("400.00")
    expect(page.locator(".page-header")).to_contain_text("MT103-BA-7731")

    # allocating more than the payment holds is refused above the rows; nothing changes
    allocate = page.locator("#allocate")
    allocate.get_by_label(f"Allocate to {lc_invoice}").fill("1000.00")
    allocate.get_by_role("button", name="Allocate").click()
    expect(page.locator("#allocate .form-error")).to_contain_text(
        f"This allocates 1,600.00 USD of {receipt}, which is 1,500.00 USD (900.00 left to allocate)."
    )
    expect(page.locator("#unallocated")).to_have_text("900.00")
    fits(me, "receivables-payment")

    # the invoice is partly paid, owing 400.00; the LC-backed one is untouched
    me.goto(f"/o/{slug}/invoices/?q={open_invoice}")
    page.get_by_role("link", name=open_invoice).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partly paid")
    expect(page.locator("#outstanding")).to_contain_text("USD 400.00")
    me.goto(f"/o/{slug}/invoices/?q={lc_invoice}")
    page.get_by_role("link", name=lc_invoice).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Issued")
    expect(page.locator("#outstanding")).to_contain_text("USD 4,250.00")

    # the payments list: one payment (the refused attempt recorded nothing), found by its reference, credit left
    me.goto(f"/o/{slug}/payments/")
    expect(page.locator("#payment-list a", has_text="RCPT-")).to_have_count(1)
    me.goto(f"/o/{slug}/payments/?q=MT103-BA-7731")
    expect(page.locator("#payment-list")).to_contain_text(receipt)
    expect(page.locator("#payment-list")).to_contain_text("900.00")
    fits(me, "receivables-payment-list")

    # ageing 20 days ago: before the payment, the open-account invoice owed all of it 55 days past due (31-60),
    # the LC-backed one 25 days past due (1-30)
    me.goto(f"/o/{slug}/receivables/ageing/")
    page.locator("[name=as_of]").fill(day(-20))
    page.get_by_role("button", name="Show").click()
    open_account = page.locator(f"#open_account tr[data-customer='{CUSTOMER}']")
    lc_backed = page.locator(f"#lc_backed tr[data-customer='{CUSTOMER}']")
    expect(open_account.locator("td[data-label='31-60']")).to_have_text("1,000.00")
    expect(open_account.locator("td[data-label='61-90']")).to_have_text("0.00")
    expect(lc_backed.locator("td[data-label='1-30']")).to_have_text("4,250.00")
    expect(lc_backed.locator("td[data-label='31-60']")).to_have_text("0.00")
    # today: the payment is in; 400.00 owed 75 days past due (61-90), the LC-backed 45 days (31-60)
    page.locator("[name=as_of]").fill(day(0))
    page.get_by_role("button", name="Show").click()
    expect(open_account.locator("td[data-label='61-90']")).to_have_text("400.00")
    expect(open_account.locator("td[data-label='31-60']")).to_have_text("0.00")
    expect(lc_backed.locator("td[data-label='31-60']")).to_have_text("4,250.00")
    expect(page.locator("#ageing-totals")).to_contain_text("4,650.00")
    fits(me, "receivables-ageing")

    # the statement: both invoices and the payment with the running balance, and the credit left
    me.goto(f"/o/{slug}/receivables/statement/")
    page.locator("[name=customer]").select_option(label="Bayside Apparel (BAYSIDEA)")
    page.locator("[name=date_from]").fill(day(-90))
    page.locator("[name=date_to]").fill(day(0))
    page.get_by_role("button", name="Show").click()
    statement = page.locator("#statement-USD")
    expect(statement.locator(f"tr[data-entry='{open_invoice}'] td[data-label='Debit']")).to_have_text("1,000.00")
    expect(statement.locator(f"tr[data-entry='{open_invoice}'] td[data-label='Balance']")).to_have_text("1,000.00")
    expect(statement.locator(f"tr[data-entry='{lc_invoice}'] td[data-label='Balance']")).to_have_text("5,250.00")
    expect(statement.locator(f"tr[data-entry='{receipt}'] td[data-label='Credit']")).to_have_text("1,500.00")
    expect(statement.locator(f"tr[data-entry='{receipt}'] td[data-label='Balance']")).to_have_text("3,750.00")
    expect(page.locator("#closing-USD")).to_have_text("3,750.00")
    expect(page.locator("#credit-USD")).to_have_text("USD 900.00")
    fits(me, "receivables-statement")

    # the order's Finance tab: PI -> LC -> invoices -> payments
    page.goto(f"{order_url}?tab=finance")
    panel = page.locator("#finance-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#finance-proformas")).to_contain_text(pi_number)
    expect(panel.locator("#finance-lcs")).to_contain_text("DBH-LC-7201")
    expect(panel.locator("#finance-lcs")).to_contain_text("USD 10,000.00")
    invoices = panel.locator("#finance-invoices")
    expect(invoices.locator(f"tr[data-invoice='{open_invoice}'] td[data-label='Received']")).to_have_text("600.00")
    expect(invoices.locator(f"tr[data-invoice='{open_invoice}'] td[data-label='Outstanding']")).to_have_text("400.00")
    expect(invoices.locator(f"tr[data-invoice='{lc_invoice}']")).to_contain_text("LC-backed")
    expect(invoices.locator(f"tr[data-invoice='{lc_invoice}'] td[data-label='Outstanding']")).to_have_text("4,250.00")
    expect(panel.locator("#finance-payments")).to_contain_text(receipt)
    expect(panel.locator("#finance-payments")).to_contain_text("USD 1,500.00")
    finance = panel.locator("#finance-figures")
    expect(finance).to_contain_text("USD 5,250.00")  # invoiced
    expect(finance).to_contain_text("USD 600.00")  # received
    expect(finance).to_contain_text("USD 4,650.00")  # outstanding
    fits(me, "order-finance-tab")


def test_typing_the_payments_currency_raises_no_script_error(person: Any) -> None:
    me = person()
    slug = me.sign_up_merchandiser()
    page = me.page
    me.create_partner(slug, "customer", CUSTOMER)
    me.goto(f"/o/{slug}/payments/new/")
    page.locator("[name=customer]").select_option(label="Bayside Apparel (BAYSIDEA)")
    page.locator("[name=currency]").fill("eur")
    page.locator("[name=amount]").fill("100.00")
    assert me.console_errors == []
