"""The form for a webhook endpoint on the console's webhook pages.

Its fields carry no rules of their own: what was typed goes to
stratadesk.notifications.webhooks, which refuses bad input with the same messages for
the console and the API.
"""

from django import forms

from stratadesk.notifications.models import WebhookEvent


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        required=False,
        help_text="Where the client's system receives events, http:// or https://.",
        widget=forms.URLInput({"required": True, "autocomplete": "off"}),
    )
    description = forms.CharField(label="Description (optional)", required=False)
    events = forms.MultipleChoiceField(
        label="Events to send",
        required=False,
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def values(self) -> dict:
        """The submitted values, as the service takes them."""
        data = self.cleaned_data
        return {
            "url": data.get("url", ""),
            "description": data.get("description", ""),
            "events": list(data.get("events") or []),
        }


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label="Active (off: queue nothing new for it)", required=False
    )

    @classmethod
    def for_endpoint(cls, endpoint, data=None):
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        }
        return cls(data, initial=initial, prefix="edit")

    def values(self) -> dict:
        return {**super().values(), "is_active": self.cleaned_data.get("is_active")}
