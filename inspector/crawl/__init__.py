"""Crawl phase: fetch pages and link targets, extract facts per page, write them in batches.

The only phase that touches the network (see README "How it works").
"""
