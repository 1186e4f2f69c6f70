"""Checks: pure functions over a stored run (a SiteSnapshot) that produce findings.

One module per check family; each check is enabled and ordered by INSPECTOR_CHECKS(_BASE).
No Scrapy, network or database code lives here.
"""
