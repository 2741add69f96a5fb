"""The demo clients' portal branding, so the portal shows each client's own look."""

from stratadesk.clients.models import PortalBranding

LOOKS = {
    "kestrel-lane": {
        "portal_name": "Kestrel Lane IT Help",
        "brand_colour": "#5b2a86",
        "support_phone": "02 8000 4410",
        "support_email": "help@stratadesk.example",
        "footer_text": "IT support for Kestrel Lane Lawyers by Stratadesk.",
    },
    "yarra-valley-engineering": {
        "portal_name": "Yarra Valley Service Desk",
        "brand_colour": "#1f5f3a",
        "support_phone": "03 9000 2277",
        "support_email": "help@stratadesk.example",
        "footer_text": "Managed IT for Yarra Valley Engineering.",
    },
}


def create_branding(cast) -> None:
    """Branding for two of the three clients; Goldfields keeps the default look."""
    for each in cast.clients:
        look = LOOKS.get(each.client.slug)
        if look:
            branding = PortalBranding(client=each.client, **look)
            branding.full_clean()
            branding.save()
