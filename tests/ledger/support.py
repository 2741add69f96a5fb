"""Helpers shared by the ledger's document tests: the worker and the PDF's words."""

import io

from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader


def render_queued(task) -> None:
    """Run, as the worker would, every render of `task` still waiting."""
    waiting = DBTaskResult.objects.filter(task_path=task.module_path, status="READY")
    for queued in waiting:
        task.call(**queued.args_kwargs["kwargs"])
        queued.delete()


def pdf_rows(document) -> list[str]:
    """The lines of text of the document's kept PDF."""
    document.refresh_from_db()
    with document.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages).splitlines()


def pdf_text(document) -> str:
    """The PDF's words on one line: columns wrap wherever the layout puts them."""
    return " ".join(" ".join(pdf_rows(document)).split())
