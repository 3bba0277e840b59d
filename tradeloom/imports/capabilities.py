"""Importing files: ``imports.run`` (managers; owners and admins hold every capability), and for each entity also
that entity's own manage capability (``Entity.capability``): an import writes what its member could write by hand."""

from tradeloom.tenancy.roles import Capability, Role

IMPORTS_RUN = Capability(
    "imports.run",
    "Import CSV and XLSX files (customers, suppliers, items, orders …; also needs the records' own manage right)",
    roles=(Role.MANAGER,),
)
