"""The job kind of a PDF being made (``core.jobs``): the page and the API poll it until its PDF is stored."""

from tradeloom.core.jobs import JobKind

PDF_JOB = JobKind("printing.pdf", "PDF document")
GENERATE_TASK = "printing.generate_pdf"
