"""The adjustment-note form, shown on an issued invoice's console page."""

from django import template

from stratadesk.console.ledger_notes import blank_forms

register = template.Library()


@register.inclusion_tag("console/ledger/_note_form.html", takes_context=True)
def adjustment_note_form(context, invoice):
    form, lines = blank_forms()
    return {
        "invoice": invoice,
        "note_form": form,
        "note_lines": lines,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
