"""The one-time links e-mails carry, read and followed the way a person does."""

import re
from urllib.parse import urlsplit

from revops.models import Mail

LINK = re.compile(r"https?://\S+/accounts/(?:reset|sso/invitation)/[^/\s]+/[^/\s]+/")


def mails_to(address):
    return list(Mail.objects.filter(to=[address]).order_by("pk"))


def link_in(mail):
    """The one-time link in ``mail``'s plain text (the HTML part must carry the same)."""
    links = LINK.findall(mail.body)
    assert len(links) == 1, mail.body
    assert links[0] in mail.html, mail.html
    return links[0]


def choose_password(client, link, password):
    """Open ``link`` and choose ``password``; the answer to the form."""
    opened = client.get(urlsplit(link).path)
    # Django moves the token out of the address (into the session) before showing the form.
    assert opened.status_code == 302, opened.content
    return client.post(opened["Location"],
                       {"new_password1": password, "new_password2": password})


def signs_in(client, username, password):
    answer = client.post("/accounts/login/", {"username": username, "password": password})
    return answer.status_code == 302 and "_auth_user_id" in client.session
