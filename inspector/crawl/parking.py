"""Recognise a parked or for-sale domain from the first bytes of its front page.

Government sites keep linking to the old domains of merged or renamed offices; when such a
domain lapses, a registrar parks it. The link still "works" (HTTP 200) but leads to the wrong
thing: a 错链 for the census.
"""

from __future__ import annotations

import re

# Phrases parking pages show, and the parking services whose markup they carry.
_PARKED = re.compile(
    "|".join(
        [
            r"this domain (?:name )?(?:is|may be) for sale",
            r"buy this domain",
            r"domain (?:is )?for sale",
            r"the domain [\w.-]+ (?:is|may be) for sale",
            r"this domain has been registered",
            r"domain parking",
            r"parked free",
            r"域名(?:正在)?(?:出售|转让|停放)",
            r"此域名(?:可|正在)?(?:出售|转让)",
            r"该域名(?:可|正在|已)?(?:出售|转让|停放|过期)",
            r"sedoparking\.com",
            r"parkingcrew\.net",
            r"bodis\.com",
            r"dan\.com/buy-domain",
            r"afternic\.com",
            r"hugedomains\.com",
            r"undeveloped\.com",
            r"domainmarket\.com",
        ]
    ),
    re.I,
)
_PARKING_HOSTS = (
    "sedoparking.com",
    "parkingcrew.net",
    "bodis.com",
    "dan.com",
    "afternic.com",
    "hugedomains.com",
)


def parked_hint(body: bytes, final_url: str = "") -> str:
    """The phrase or service that marks the page as parked; "" when it looks like a real site."""
    host = final_url.split("://", 1)[-1].split("/", 1)[0].lower()
    for parking in _PARKING_HOSTS:
        if host == parking or host.endswith("." + parking):
            return parking
    text = body[:65536].decode("utf-8", "replace")
    if "\ufffd" in text[:2000]:
        text = body[:65536].decode("gb18030", "replace")
    match = _PARKED.search(text)
    return match.group(0) if match else ""
