"""Scrapy commands of the project (`COMMANDS_MODULE` in inspector/settings.py): `crawl` replaces
Scrapy's own so that `scrapy crawl site -a …` checks its arguments, stays quiet and ends with the
same summary as `inspector crawl`."""
