"""Which URLs belong to a site.

A site is the host of its registered URL, with `www.` and the bare host counting as one, plus
any extra hosts the registry row lists in its optional `scope` column (space-separated, e.g. an
`xxgk.` 信息公开 subdomain run by the same office). Other subdomains are external: a county portal
and the province's portal share a registered domain but not an operator. Hosts are compared
with their port, so two test sites on 127.0.0.1 stay two sites, and without the public suffix
list, so loopback and intranet names work the same as real ones.
"""

from __future__ import annotations

from functools import lru_cache

from inspector.registry import Site

_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


@lru_cache(maxsize=65536)
def netloc_key(scheme: str, netloc: str) -> str:
    netloc = netloc.rpartition("@")[2].lower()
    default = _DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return netloc.removeprefix("www.")


def scope_key(url: str) -> str:
    """The scope key of an absolute http(s) URL: host[:port] without `www.`."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return netloc_key(scheme.lower(), netloc)


def site_scope(site: Site) -> set[str]:
    keys = {scope_key(site.url)}
    for host in site.extra_hosts:
        keys.add(scope_key(host if "://" in host else f"http://{host}"))
    return keys


_INDEX_FILES = (
    "index.html",
    "index.htm",
    "index.shtml",
    "index.jsp",
    "index.php",
    "default.aspx",
    "default.htm",
)


def same_page(a: str, b: str) -> bool:
    """Do two URLs name the same page, ignoring `www.`, query, fragment and index file names?"""

    def norm(url: str) -> str:
        url = url.partition("#")[0].partition("?")[0]
        for name in _INDEX_FILES:
            url = url.removesuffix(name)
        return scope_key(url) + "/" + url.split("://", 1)[-1].partition("/")[2].strip("/")

    return norm(a) == norm(b)
