from tradeloom.tenancy.roles import EVERY_ROLE, Capability, Role

# The gate of every attachments page and endpoint; each record type adds its own capability on top (the registry in
# ``documents.targets``): seeing an order's files needs orders-view, attaching to it orders-manage.
DOCUMENTS_VIEW = Capability("documents.view", "See and download the files attached to records", roles=EVERY_ROLE)
DOCUMENTS_ATTACH = Capability(
    "documents.attach",
    "Attach files to records, upload new versions and archive them",
    roles=(Role.MANAGER, Role.MERCHANDISER, Role.ACCOUNTS),
)
