"""Scrapy spiders: `site` crawls registered sites, `probe` samples their availability."""
