"""Serving attachments, to staff and clients alike.

Files are never served from a public media URL: every download is looked up through
the ticket the caller may read and the attachments they may see, so a guessed id of
another organisation's file, or of an internal file, is a 404.
"""

from django.http import FileResponse, Http404

from stratadesk.tickets import selectors


def attachment_response(user, ticket, attachment_id) -> FileResponse:
    attachment = selectors.visible_attachments(user, ticket).filter(pk=attachment_id)
    found = attachment.first()
    if found is None:
        raise Http404("No such attachment.")

    # Always a download, never rendered inline: an uploaded HTML or SVG file must not
    # run in our origin.
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def svr_pdf_response(user, ticket, version) -> FileResponse:
    """The PDF of one SVR version of a ticket the user may read; 404 otherwise.

    A version whose PDF the worker has not rendered yet is also "not found": the
    page offers the link only once the file exists.
    """
    from stratadesk.people.permissions import Action, can

    if not can(user, Action.READ_SVR, ticket):
        raise Http404("No such SVR.")
    svr = ticket.svrs.filter(version=version).exclude(pdf="").first()
    if svr is None:
        raise Http404("No such SVR document.")
    return svr_pdf_file(ticket, svr)


def svr_pdf_file(ticket, svr) -> FileResponse:
    """The rendered PDF of `svr`, as a download; the caller checked who may have it."""
    response = FileResponse(
        svr.pdf.open("rb"),
        as_attachment=True,
        filename=f"{ticket.reference}-SVR-v{svr.version}.pdf",
        content_type="application/pdf",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
