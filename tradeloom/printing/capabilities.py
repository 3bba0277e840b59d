"""PDF documents (see ``tenancy.roles``). Printing a record's document needs ``printing.generate`` and the record's
own view capability (``kinds``); downloading a PDF is a download of an attachment of the record."""

from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

PRINTING_VIEW = Capability(
    "printing.view", "See the organisation's print profile and the progress of PDF documents", roles=EVERY_ROLE
)
PRINTING_GENERATE = Capability(
    "printing.generate",
    "Make PDF documents of the records one may see (purchase orders, proforma and commercial invoices, packing "
    "lists, order confirmations)",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
PRINTING_MANAGE = Capability(
    "printing.manage",
    "Change the print profile: logo, addresses, bank details, default terms, signature block",
    roles=(Role.MANAGER,),
)
