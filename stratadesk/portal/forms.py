"""Portal forms: raising a ticket, replying, attaching, email preferences."""

from django import forms

from stratadesk.notifications.models import CLIENT_TOPICS, EmailTopic


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by the ticket service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class RaiseTicketForm(forms.Form):
    title = forms.CharField(label="Short summary", max_length=200)
    description = forms.CharField(
        label="What is happening?",
        widget=forms.Textarea({"rows": 6}),
        help_text="What you see, since when, and who is affected.",
    )
    site = forms.ModelChoiceField(
        label="Site (optional)",
        queryset=None,
        required=False,
        empty_label="No particular site",
    )

    files = MultipleFileField(
        label="Files (optional)",
        required=False,
        help_text="Screenshots or documents: PDF, image, text, CSV, Word, Excel or "
        "ZIP, up to 10 MB each.",
    )

    def __init__(self, data=None, files=None, *, client):
        super().__init__(data, files)
        sites = client.sites.all()
        self.fields["site"].queryset = sites
        # Offering a choice between nothing and nothing only adds noise.
        if not sites.exists():
            del self.fields["site"]


class ReplyForm(forms.Form):
    body = forms.CharField(label="Your reply", widget=forms.Textarea({"rows": 4}))


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="PDF, image, text, CSV, Word, Excel or ZIP, up to 10 MB.",
    )


class PreferencesForm(forms.Form):
    """One checkbox per email topic; unticked means no email about it."""

    def __init__(self, data=None, *, initial_choices):
        super().__init__(data)
        for topic in CLIENT_TOPICS:
            self.fields[topic.value] = forms.BooleanField(
                label=topic.label,
                required=False,
                initial=initial_choices.get(topic.value, True),
            )
        self.fields[EmailTopic.SVR_REQUESTS].help_text = (
            "Reports still wait for you under Reports, and may be approved "
            "automatically if your organisation has agreed to that."
        )
