"""The shortcuts taken for a site's first page answer as the plain forms they replace: an
expression opening with \\b searched where its copy without \\b matches (injected._Bounded), the
case-blind _ENCODED tried as written first, and the host trust of lexicons._trust with its
suffix tuples — each against the plain form, on generated texts and hosts."""

from __future__ import annotations

import random

from inspector.crawl.extract import injected
from inspector.lexicons import HostPolicy, _trust

PIECES = ["eval", "xeval", "_eval", "Function", "setTimeout", "setInterval", "(", " (", "\t", "\n",
          " ", "window.", "String.fromCharCode", "unescape", "UNESCAPE", "Unescape", "decodeURI",
          "decodeURIComponent", "atob", "a", "1", "'", '"', "function", "functionx", " foo", "$",
          "on", "onclick", "onload =", "addEventListener", "attachEvent", ".on(", ".click(",
          ".bind(", "p,a,c,k,e,r", "p , a , c , k , e , d", ")", "document.write", "location",
          "window.open", "é", "中", "ſ", "K"]  # fmt: skip


def test_bounded_expressions_find_what_re_finds() -> None:
    bounded = [v for v in vars(injected).values() if isinstance(v, injected._Bounded)]
    assert len(bounded) >= 8
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(0, 12)))
        for expression in bounded:
            want, got = expression.exact.search(text), expression.search(text)
            assert (want is None) == (got is None), text
            if want is not None and got is not None:
                assert (want.span(), want.groups()) == (got.span(), got.groups()), text
        assert injected._encoded(text) == (injected._ENCODED.search(text) is not None), text


def _plain_trust(policy: HostPolicy, key: str, site_hosts: frozenset[str]) -> str:
    if key in site_hosts:
        return "site"
    host = key if key.startswith("[") else key.partition(":")[0]
    if any(host.endswith("." + h.partition(":")[0]) for h in site_hosts):
        return "site"
    for suffix in policy.government_suffixes:
        if host == suffix or host.endswith("." + suffix):
            return "gov"
    labels = host.split(".")
    for i in range(len(labels) - 1):
        if ".".join(labels[i:]) in policy.allow:
            return "allowed"
    return ""


def test_trust_as_the_plain_loops() -> None:
    policy = HostPolicy(
        allow=frozenset({"cnzz.com", "baidu.com", "s.example.org", "a..b"}),
        government_suffixes=("gov.cn", "政务", "mil.cn"),
    )
    labels = ["", "www", "a", "b", "x1", "cn", "com", "gov", "example", "org", "s", "cnzz",
              "baidu", "政务", "mil"]  # fmt: skip
    sites = [frozenset(), frozenset({"x1.cn"}), frozenset({"a.gov.cn", "b.com:8080"})]
    rnd = random.Random(9)
    for _ in range(20000):
        host = ".".join(rnd.choice(labels) for _ in range(rnd.randint(1, 4)))
        host += rnd.choice(["", "", ":8080", ":"])
        if rnd.random() < 0.05:
            host = "[::1]" + host
        site_hosts = rnd.choice(sites)
        assert _trust.__wrapped__(policy, host, site_hosts) == _plain_trust(
            policy, host, site_hosts
        ), (host, site_hosts)
