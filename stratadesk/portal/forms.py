"""Portal forms: raising a ticket and replying to one."""

from django import forms


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

    def __init__(self, data=None, *, client):
        super().__init__(data)
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
