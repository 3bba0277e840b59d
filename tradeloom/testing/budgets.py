"""Query budgets: the most SQL statements each endpoint, page or service may cost, in one table.

Every query-count guard in the tests reads its limit here
(``django_assert_max_num_queries(budget("api.orders.list"))``), so a reviewer sees every endpoint's cost side by
side, and a change to one shows up in this file. A budget is constant whatever the number of rows: the tests that
read it build enough rows to show an N+1.

Names: ``api.<resource>.<list|detail>`` for the JSON API, ``web.<page>`` for pages, ``service.<name>`` for service
calls. Within a test, a request costs its own statements plus the test transaction's savepoint and release (2).
"""

from __future__ import annotations

BUDGETS: dict[str, int] = {
    # --- API: lists (token's user, tenant, page, savepoint pair; prefetches add one each) ------------------------
    "api.members.list": 7,
    "api.audit-events.list": 7,
    "api.alerts.list": 7,
    "api.alert-rules.list": 8,  # every kind's rule with its named members (a prefetch)
    "api.orders.list": 5,
    "api.orders.list.with_approval_badges": 7,  # approvals' gate badges come in the list's one statement
    "api.shipments.list": 5,  # customer, carrier and order numbers come in the page's one statement
    "api.customers.list": 9,
    "api.suppliers.list": 9,
    "api.contacts.list": 9,
    "api.addresses.list": 9,
    "api.plants.list": 9,
    "api.supplier-plant-mappings.list": 9,
    "api.carriers.list": 9,
    "api.units.list": 7,
    "api.exchange-rates.list": 7,
    "api.payment-terms.list": 7,
    "api.items.list": 7,
    "api.webhook-endpoints.list": 7,
    "api.webhook-deliveries.list": 6,  # the endpoint, then the page
    "api.notifications.list": 5,
    "api.notifications.unread-count": 5,
    # --- API: details ----------------------------------------------------------------------------------------------
    "api.orders.detail": 8,
    # the token's user, the tenant, the shipment (customer, carrier), its lines (order, style, unit, container), its
    # containers, its ETA revisions (who recorded them), its documents with their files (one join); the savepoint pair
    "api.shipments.detail": 9,
    "api.customers.detail": 9,
    "api.suppliers.detail": 9,  # nests its plants and primary contact
    "api.contacts.detail": 9,
    "api.addresses.detail": 9,
    "api.plants.detail": 9,
    "api.supplier-plant-mappings.detail": 9,
    "api.carriers.detail": 9,
    "api.units.detail": 9,
    "api.exchange-rates.detail": 9,
    "api.payment-terms.detail": 9,
    "api.items.detail": 9,
    "api.webhook-deliveries.detail": 7,  # the endpoint, the delivery with its message, its attempts
    # --- API machinery (core's test-only route) ---------------------------------------------------------------------
    "api.keyset_page.any_depth": 3,
    # --- pages (frame: session, user, tenant, memberships, counters; then the page's own reads) ---------------------
    "web.main_page": 15,  # members, member activity, invitations, audit, settings, profile
    # the dashboard, whatever the number of orders: the frame (7 with the savepoint pair) and its panels' 10 — the
    # pipeline, profit, top customers, ETDs coming up and late lines one each, the stuck approvals two (a capped count,
    # the list), the activity three (per day, the latest events, the labels of what they name)
    "web.dashboard": 17,
    "web.members.list": 14,
    "web.audit.list": 14,
    "web.orders.list": 15,
    "web.orders.detail": 15,  # every tab
    # the Timeline tab: the order's records of every kind with their labels, their events, the labels the events
    # refer to (a mill, a member) — three statements whatever the number of lines and events
    "web.orders.timeline": 16,
    "web.orders.new.post": 30,  # a form with 40 lines costs what one with 5 does
    "web.orders.approvals": 16,
    "web.approvals.board": 18,
    # the frame (7 with the savepoint pair), the page of shipments (customer, carrier and orders in its statement), the
    # customer and carrier filters' choices — whatever the page size
    "web.shipments.list": 10,
    # the frame, the shipment (customer, carrier), its lines (order, style, unit, container), containers, revisions,
    # documents, their files, the lines the "add a line" picker offers, the timeline's events and the labels they name
    "web.shipments.detail": 16,
    # the frame, the order and its customer, the customer's other open orders, the carriers, the order's lines with
    # their balances — whatever the number of lines
    "web.shipments.new": 12,
    # the tab's partial (no frame: session, user, membership and the savepoint pair), the order, its lines' figures,
    # its shipment lines with their shipments — whatever the number of lines and shipments
    "web.orders.shipments": 8,
    "web.webhooks.endpoint": 9,  # the endpoint and a page of its delivery log, whatever its length
    "web.webhooks.delivery": 10,  # the endpoint, the delivery and its message, its attempts
    "web.records.list": 15,  # every partners and catalog list page
    "web.alerts.list": 15,
    "web.alerts.rules": 16,  # every kind's rule and form: the rules, their named members, the members to name
    "web.records.detail": 16,  # every partners and catalog detail page
    "web.notifications.inbox": 8,  # the frame and the member's page of notifications (the bell loads itself)
    "web.notifications.bell": 6,  # session, user, tenant, savepoint pair and the unread count: one statement
    # --- services ---------------------------------------------------------------------------------------------------
    "service.order_create": 10,  # whatever the number of styles and lines
    "service.shipment_create": 16,  # whatever the number of lines and containers
    # alerts: one evaluation pass over every organisation — the savepoint pair, the lock, the pass's settings, the
    # rules, three per kind (its pairs into a table of the transaction, the fire-and-resolve statement, the table
    # dropped; twelve kinds), the outbox entries — whatever the number of organisations, records and alerts
    "service.alerts_evaluate": 42,
    # telling one organisation's new alerts: the batch, rules, named members, members, the mark, and notify's five or
    # so per call — here 29 alerts to three members, one digest each; never one call per alert beyond DIGEST_AFTER
    "task.alerts_notify": 28,
    # --- proformas (only the proformas module edits this section) -----------------------------------------------
    "api.proformas.list": 5,  # customer name and order number come in the page's one statement
    # the token's user, the tenant, the PI (order, customer, terms, who accepted), its revisions, its and the previous
    # revision's lines (one statement), the previous revision; the savepoint pair
    "api.proformas.detail": 8,
    # the frame (7 with the savepoint pair), the page of PIs (customer name and order number in its statement)
    "web.proformas.list": 9,
    # the frame, the PI (order, customer, terms, who accepted), its revisions, the lines of it and its previous
    # revision, the previous revision, the timeline's events (with their actors)
    "web.proformas.detail": 12,
    # the frame, the order and its customer (its payment terms are the default), the payment-terms picker, the
    # bank-details default, the lines (style, unit) and what of them is on PIs
    "web.proformas.new": 13,
    # --- lcs (only the lcs module edits this section) ----------------------------------------------------------------
    "api.lcs.list": 5,  # the applicant's name, the cap and what is open come in the page's one statement
    # the token's user, the tenant, the LC (applicant, supplier, master), its amendments, drawings (shipments),
    # presentations and their discrepancies, linked orders, linked PIs, back-to-back LCs; the savepoint pair
    "api.lcs.detail": 13,
    "api.lcs.exposure": 7,  # the token's user, the tenant, the savepoint pair; by bank, applicant, expiry month
    # the frame (7 with the savepoint pair), the page of LCs (applicant, cap and open amount in its statement)
    "web.lcs.list": 10,
    # the frame, the detail's reads (as the API's), the drawings for the presentation form, the timeline's events
    # and their labels
    "web.lcs.detail": 20,
    "web.lcs.exposure": 10,  # the frame, three statements
    # --- invoicing (only the invoicing module edits this section) ----------------------------------------------------
    "api.invoices.list": 5,  # customer name, order and shipment numbers, outstanding in the page's one statement
    # the token's user, the tenant, the invoice (customer, terms, order, shipment, LC, drawing), its lines (order),
    # its credit notes; the savepoint pair
    "api.invoices.detail": 7,
    # the frame (7 with the savepoint pair), the page of invoices, the customer filter's choices
    "web.invoices.list": 10,
    # the frame, the invoice, its lines, its credit notes, the timeline's events and the labels they name
    "web.invoices.detail": 14,
    # the frame, the shipment's detail (six), its invoice not void, the terms and the LCs to choose from
    "web.invoices.new_shipment": 17,
    # the frame, the order, its lines, what invoices bill of them, the terms and the LCs to choose from
    "web.invoices.new_order": 13,
    # draft from a shipment, whatever the number of lines: lock, lines, order lines locked, invoiced, rate, number,
    # save, lines, audit, the savepoint pairs
    "service.invoice_create": 20,
    # --- inventory (only the inventory module edits this section) ---------------------------------------------------
    # the token's user, the tenant, the page of balances (item, its unit and warehouse joined), the savepoint pair
    "api.stock-balances.list": 5,
    "api.stock-moves.list": 5,  # the same: the page of moves with item, unit, warehouse and given unit joined
    "api.warehouses.list": 7,
    "api.warehouses.detail": 7,
    # pages: the frame (7 with the savepoint pair), then the page's own reads
    "web.stock": 11,  # the page of balances, their totals per unit, the item and warehouse filters' choices
    "web.stock.moves": 11,  # the page of moves, the item and warehouse filters' choices
    "web.stock.item_ledger": 11,  # the item, its balances per warehouse, the page of moves, the warehouse filter
    "web.stock.transfer": 12,  # the item named in the address, the warehouses, items and units to choose from
    "web.warehouses.list": 10,
    "web.warehouses.detail": 10,  # the warehouse, its stock on hand
    "web.shipments.warehouse": 12,  # the shipment, its warehouse, its stock moves, the warehouses to choose from
    # one move whatever the organisation's ledger: the balance created if missing and locked, its update, the move,
    # the audit row, the savepoint pair
    "service.stock_receive": 8,
    # --- purchasing (only the purchasing module edits this section) -------------------------------------------------
    "api.purchase-orders.list": 5,  # supplier and customer names and the order's number in the page's one statement
    # the token's user, the tenant, the PO (supplier, plant, customer, carrier, terms, warehouse, order, approver), its
    # lines (unit, item, order line and its order), approvals, amendments, receipts, their lines; the savepoint pair
    "api.purchase-orders.detail": 10,
    # the frame (7 with the savepoint pair), the page of POs, the totals per currency, the filters' supplier and
    # customer choices — whatever the page size
    "web.purchase-orders.list": 12,
    # the frame, the PO's detail (six), the timeline's events and the labels they name
    "web.purchase-orders.detail": 15,
    "web.purchase-orders.approvals": 8,  # the frame and the queue's one statement
    # the frame, the items and units the rows offer, the header's choices (supplier, plant, customer, carrier, terms,
    # warehouse) — whatever the number of lines
    "web.purchase-orders.new": 16,
    # the tab's partial (no frame but the tenant): the order, its POs, what its lines are on, the lines
    "web.orders.purchasing": 11,
    "web.orders.back_to_back": 13,  # the frame, the order, its lines, what of them is on POs, the warehouses
    # the frame, the PO (its references), its lines, the warehouses to choose from — whatever the number of lines
    "web.purchase-orders.receipt_new": 10,
    # the frame, the PO, its lines, the items and units the rows offer, the header's choices (no supplier: it stays)
    "web.purchase-orders.amend": 16,
    # --- production, API (only the production core builder edits this section) ------------------------------------
    # the token's user, the tenant, the page of work orders (order number, mill, unit, item in its one statement), the
    # savepoint pair — whatever the page size
    "api.work-orders.list": 5,
    # the token's user, the tenant, the work order (its references), its lines, requirements, entries, stock moves;
    # the savepoint pair — whatever their number
    "api.work-orders.detail": 9,
    # reporting rows on two work orders: the savepoint pair, the lock of the work orders, their lines, the current
    # entries, the insert; then each work order's totals, daily figures, update and audit row — whatever the rows
    "service.production_report": 16,
    # --- production, pages (only the production web builder edits this section) -----------------------------------
    # the frame (7 with the savepoint pair), the page of work orders (order number, mill, unit and item in its
    # statement), the mill filter's choices — whatever the page size
    "web.work-orders.list": 9,
    # the frame, the work order (its references), its lines, requirements, entries (current and superseded), stock
    # moves, the warehouses, items and units its forms offer, the timeline's events and the labels they name —
    # whatever the number of lines, requirements, entries and corrections
    "web.work-orders.detail": 16,
    # the frame, the orders to choose from, the chosen order's lines and what of them is on work orders, the header's
    # choices (item, purchase order, mill, unit, warehouse) — whatever the number of lines
    "web.work-orders.new": 15,
    # the same, and the work order with its lines
    "web.work-orders.edit": 17,
    # the frame, the mills to choose from (two), the running work orders (one statement), their lines, that day's
    # current entries — whatever the number of work orders and lines
    "web.production.daily": 12,
    # the tab's partial (no frame: session, user, membership and the savepoint pair), the order, its work orders, its
    # lines, what of them is on work orders, their totals, the series
    "web.orders.production": 11,
    # --- tna, API (only the T&A core builder edits this section) -----------------------------------------------------
    "api.tna-templates.list": 6,  # the templates page, then every row of theirs in one statement
    # the token's user, the tenant, the grid in one statement (``selectors.grid_rows``: the order with its plans,
    # their milestones and changes as JSON), the savepoint pair — whatever the number of milestones
    "api.orders.tna": 5,
    "api.tna.calendar": 5,  # the month's milestones with order, customer, merchandiser, line in one statement
    "service.tna_plan_apply": 30,
    "service.tna_milestone_record": 12,
    "service.tna_plans_refresh": 10,  # per organisation: its tenant context (5), the plans, their milestones, 1 update
    # --- tna, pages (only the T&A web builder edits this section) ----------------------------------------------------
    # the tab's partial (session, user, membership, the savepoint pair): the order, its lines, its plans, their
    # milestones, their changes, the templates to apply, the proposed one (two), the gates' names — whatever the number
    # of plans and milestones
    "web.orders.tna": 14,
    # the frame (7 with the savepoint pair), the merchandisers to filter by, the month's milestones (with their
    # orders, customers, merchandisers, lines) in one statement — whatever the number of milestones
    "web.tna.calendar": 10,
    "web.tna.templates": 8,  # the frame and the templates with their customers and milestone counts
    "web.tna.template_new": 10,  # the frame, the gates a row may name, the customers to choose from
    "web.tna.template": 12,  # the frame, the template (customer), its milestones, the gates, the customers
    # --- documents: attachments, PDFs (only the documents builder edits this section) -------------------------------
    # the token's user, the tenant, the record (is it visible?), the page of files with their uploaders and whether each
    # is its document's current version (one statement), the savepoint pair — whatever the number of files and versions
    "api.attachments.list": 6,
    "api.attachments.detail": 6,  # the token's user, the tenant, the file (uploader, current?), its record, savepoints
    "api.attachments.download": 6,
    # the user, the tenant, the record, the service's savepoint pair, the quota lock and sum, the insert, its audit row,
    # the request's savepoint pair
    "api.attachments.upload": 11,
    # the panel loaded into a record's page (no frame: session, user, membership, savepoint pair), the record, its files
    "web.attachments.panel": 7,
    # --- printing: PDF documents (only the printing builder edits this section) --------------------------------------
    # the token's user, the tenant, the record, its current PDF, the PDF being made — whatever the number of versions
    "api.printing.pdf": 12,
    # asking for a PDF and the worker making it (record, lines, profile, the attachment's checks and rows, audit,
    # outbox) — whatever the number of lines
    "printing.generate_pdf": 60,
    "api.printing.profile": 8,
    "web.printing.panel": 14,
    "web.printing.profile": 14,
    # --- exports (only the exports builder edits this section) -------------------------------------------------------
    # a CSV streamed: the session, user and membership, the count (at most the rows at once?), the savepoint pair;
    # then the stream's own transaction (its tenant context set and restored: six) and one statement per chunk of
    # 1,000 rows — whatever the number of rows up to a chunk
    "web.exports.orders": 15,
    "web.exports.order-lines": 15,
    # an XLSX in the request: the frame's three, the count, each sheet's chunk (orders, lines), the savepoint pair
    "web.exports.orders-with-lines": 8,
    # a partner list (its primary contacts prefetched: one more) or stock on hand (item, unit, warehouse joined)
    "web.exports.list": 16,
    # the same through the API: the token's user and the tenant instead of the session, user and membership
    "api.exports.orders": 14,
    # the T&A workbook as the orders-with-lines one (each sheet's chunk: plans, milestones, every column in its one
    # statement); a T&A sheet streamed as CSV as the orders' — whatever the number of plans and milestones
    "web.exports.tna-workbook": 8,
    "web.exports.tna-milestones": 15,
    # --- imports (only the imports builder edits this section) -------------------------------------------------------
    # the frame (session, user, membership, savepoint pair), the page of runs (with who uploaded each) — whatever their
    # number
    "web.imports.runs": 8,
    # the frame, the run (its bytes: the samples are read from it) and its uploader, whatever the number of columns
    "web.imports.mapping": 8,
    "web.imports.run": 8,  # the frame, the run, its job — whatever the number of errors
    # the token's user, the tenant, the page of runs, the savepoint pair — whatever their number
    "api.imports.runs": 6,
    "api.imports.run": 7,  # the token's user, the tenant, the run (checked), the run (answered), the savepoint pair
    "api.imports.entities": 5,  # the token's user, the tenant, the savepoint pair: the entities are a registry
    # --- receivables (only the receivables module edits this section) ------------------------------------------------
    # the order's PIs, LCs, invoices with their credit notes (two), the allocations with their payments, what each
    # invoice bills of the order — whatever the number of documents
    "receivables.order_finance": 6,
    # the token's user, the tenant, the page of payments (customer name and unallocated in its statement)
    "api.payments.list": 5,
    # the token's user, the tenant, the payment (customer), its allocations (invoice) — whatever their number
    "api.payments.detail": 6,
    "api.receivables.ageing": 5,  # the report is one statement
    # the token's user, the tenant, the savepoint pair, the customer, the opening balances, the entries, the credit
    "api.customers.statement": 8,
    "api.orders.finance": 11,  # the order, then receivables.order_finance
    # pages: the frame (7 with the savepoint pair), then the page's own reads
    "web.payments.list": 10,  # the page of payments (customer name in its statement), the customer filter's choices
    # the payment (customer), its allocations (invoice), the open invoices offered, the timeline and its labels
    "web.payments.detail": 13,
    "web.payments.new": 11,  # the customer, the customers to choose from, its open invoices
    "web.receivables.ageing": 9,  # the report is one statement
    "web.receivables.statement": 13,  # the customers to choose from, the chosen one, the statement's three
    "web.orders.finance": 12,  # the tab's partial (no frame): the order, then receivables.order_finance
    # --- sales tax and confirmation (only the sales change edits this section) ---------------------------------------
    # confirming a draft: the token's user, the tenant, the order, its lock, its lines' figures, the credit check's
    # customer and exposure (receivables), the update, the audit row; then the answer's order, styles, lines and rate;
    # the savepoint pair — whatever the number of lines
    "api.orders.confirm": 16,
    # the same from the page (the frame instead of the token) and the redirect
    "web.orders.confirm": 16,
    # --- reports (only the reports module edits this section) -------------------------------------------------------
    # API: the token's user, the tenant, the savepoint pair, the merchandiser filter's members, then the report's own
    # statements (late: its summary and its oldest lines; every other one statement) — whatever the data size
    "api.reports.pipeline": 6,
    "api.reports.profit": 6,
    "api.reports.otif": 6,
    "api.reports.late": 7,
    "api.reports.lc-exposure": 6,
    "api.reports.ageing": 5,  # no member filter
    "api.reports.workload": 6,
    # pages: the frame (7 with the savepoint pair), the filter's members, the report's statements
    "web.reports.index": 7,
    "web.reports.pipeline": 10,  # + the customer picker
    "web.reports.profit": 10,
    "web.reports.otif": 10,
    "web.reports.late": 11,
    "web.reports.lc-exposure": 9,
    "web.reports.ageing": 8,
    "web.reports.workload": 10,
}


def budget(name: str) -> int:
    """The query budget called ``name`` (KeyError naming the table when there is none)."""
    try:
        return BUDGETS[name]
    except KeyError:
        raise KeyError(f"No query budget {name!r}: add it to tradeloom/testing/budgets.py") from None
