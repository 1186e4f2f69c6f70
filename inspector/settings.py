"""Scrapy settings and the inspector's own (INSPECTOR_*), one by one.

Precedence: `inspector crawl --set NAME=VALUE` / `scrapy crawl -s` > environment > this file.
Every INSPECTOR_* setting is documented in README.md ("Settings").
"""

from __future__ import annotations

import os

BOT_NAME = "inspector"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl site` checks its arguments and prints a summary (inspector/scrapy_commands/).
COMMANDS_MODULE = "inspector.scrapy_commands"

# --- the inspector's own settings -------------------------------------------------------------
INSPECTOR_DB_URL = ""  # empty: INSPECTOR_DB_URL env var, else sqlite:///var/inspector.db
INSPECTOR_REGISTRY = "seeds/demo.csv"
INSPECTOR_RULES = "census2015"  # a profile name under checks/rules/ or a path to a TOML file
INSPECTOR_AS_OF = ""  # YYYY-MM-DD; empty: the crawl's date
INSPECTOR_CONTACT_URL = "https://github.com/inspector-gov/inspector"
# Requests at once to one site (its download slot). Government servers are often small: stay polite.
INSPECTOR_SITE_CONCURRENCY = 4
INSPECTOR_SITE_DELAY = 0.0
# Requests at once to one external host (national portals are linked from every site).
INSPECTOR_EXTERNAL_HOST_CONCURRENCY = 2
# External outcomes kept for the other sites of the crawl (one check per URL per run); the
# least recently used go first, so a province-wide crawl stays in bounded memory.
INSPECTOR_EXTERNAL_CACHE_SIZE = 50_000
INSPECTOR_MAX_PAGES = 50_000  # HTML pages per site
INSPECTOR_MAX_DEPTH = 50
INSPECTOR_MAX_QUERY_VARIANTS = 50  # distinct query strings per path (calendar and search traps)
INSPECTOR_MAX_REDIRECTS = 10
# Budgets (inspector/crawl/budgets.py): what one site can make the crawler do. Each bound that
# trips is recorded on the site's run (bounds_tripped).
INSPECTOR_MAX_URLS = 100_000  # URLs fetched per site: pages, resources and external links
INSPECTOR_MAX_PAGE_LINKS = 10_000  # link occurrences read from one page
INSPECTOR_SITE_SECONDS = (
    4 * 3600
)  # wall time per site; then its queued requests are dropped (0: none)
INSPECTOR_SITE_QUEUED = (
    32  # requests of one site in Scrapy's scheduler at once (the rest wait as URLs)
)
INSPECTOR_MAX_HEADERS = 500  # response header lines
INSPECTOR_MAX_HEADER_BYTES = 256 * 1024  # response header bytes (status line included)
# The address policy (inspector/crawl/addresses.py): never fetched, link-local and cloud
# metadata addresses; private and loopback ones only for a site on such an address itself.
INSPECTOR_BLOCKED_NETWORKS = [
    "169.254.0.0/16",
    "fe80::/10",
    "fd00:ec2::254/128",
    "100.100.100.200/32",
]
INSPECTOR_ALLOW_PRIVATE_ADDRESSES = False
# A site whose registered host or home page is on a private or loopback address is an intranet
# site: its links to such addresses are fetched. False treats every site as public (a public
# site's name pointed at a mirror on a private address with INSPECTOR_STATIC_HOSTS, or a
# deployment where no page may lead the crawler into the machine's networks).
INSPECTOR_INTRANET_SITES = True
# Rows (link occurrences included, ~30 a page) buffered before a write, or FLUSH_SECONDS of them,
# whichever comes first: a crash loses at most this many.
INSPECTOR_BATCH_SIZE = 5000
INSPECTOR_FLUSH_SECONDS = 5.0
# The database unreachable (connection lost, server restarting, SQLite locked): rows are held and
# written again with a backoff, up to HELD_ROWS rows (then the oldest are dropped) and for up to
# OUTAGE_SECONDS; a site that lost rows is not finished (inspector/store/outage.py).
INSPECTOR_STORE_HELD_ROWS = 50000
INSPECTOR_STORE_OUTAGE_SECONDS = 600.0
INSPECTOR_HOME_RETRIES = 2  # retries of the home page before the site is unreachable
INSPECTOR_ELEMENT_SAMPLE = 20  # inner pages checked for the footer elements (besides the home page)
# Inner pages fetched again as Baiduspider and with a Baidu Referer (besides the home page), to
# find content shown only to search engines (cloaking, checks/security.py): 2 requests each.
INSPECTOR_CLOAKING_SAMPLE = 2
INSPECTOR_RECHECK_MAX_PAGES = (
    500  # pages a recheck fetches besides the home page (inspector recheck)
)
INSPECTOR_SOFT404_PROBES = 1  # random URLs fetched per site to learn its "not found" page
# Message boards (互动交流, checks/interaction.py): pages read per board — list pages and the
# message pages whose reply the list does not show — and boards read per site.
INSPECTOR_BOARD_PAGES = 200
INSPECTOR_BOARD_MAX = 20
# Host timeouts in a row after which the host's remaining targets are not fetched any more.
INSPECTOR_HOST_TIMEOUT_LIMIT = 3
INSPECTOR_RETRY_AFTER_MAX = 30  # seconds: a longer Retry-After is not waited for
INSPECTOR_RETRY_AFTER_TRIES = 2
# Crawler processes of `inspector crawl` and `nightly` (inspector/ops/processes.py): 0 = one per
# core (never more than the sites). Each takes whole sites, largest first, from one local queue,
# and crawls INSPECTOR_SITES_AT_ONCE of them at once (the next as one finishes).
INSPECTOR_PROCESSES = 0
# Reader processes per crawler process (inspector/crawl/readpool.py): a site's ordinary pages are
# read (decoded, parsed, their facts and links extracted) on the machine's other cores. "auto":
# the cores the crawler processes leave idle (one crawler process on 2 cores: 1 reader; one per
# core: none); 0: every page is read in the crawler process. The environment variable of the
# same name sets it too (the tests set 0).
INSPECTOR_READ_PROCESSES = os.environ.get("INSPECTOR_READ_PROCESSES", "auto")
INSPECTOR_SITES_AT_ONCE = 16
# Progress (inspector/ops/progress.py): a live display on a terminal, plain log lines otherwise.
INSPECTOR_PROGRESS = True
INSPECTOR_PROGRESS_INTERVAL = 30.0  # seconds between plain progress lines
INSPECTOR_PROGRESS_TTY = ""  # "always" / "never" to force the live display on or off
INSPECTOR_CONSOLE_LANG = "zh"  # language of the crawl commands' per-site lines and summary
# Availability probes (inspector probe).
INSPECTOR_PROBE_CONCURRENCY = 500  # home pages fetched at once (capped by the open-files limit)
INSPECTOR_PROBE_MAX_BYTES = 1024 * 1024  # of a home page read to tell "answers with content"
INSPECTOR_PROBE_DNS_THREADS = 64
# Distributed mode (inspector enqueue / inspector worker): scrapy-redis settings.
REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_START_URLS_KEY = "inspector:sites"  # the shared list of sites to crawl
# scrapy-redis's client: a Redis that does not answer is an error within seconds, not a hang.
REDIS_PARAMS = {"socket_connect_timeout": 10, "socket_timeout": 30, "retry_on_timeout": True}
INSPECTOR_WORKER_SITES = 8  # sites a worker crawls at once; it takes one as one finishes
# Seconds a worker waits on an empty queue (no site waiting, none leased) before it exits.
MAX_IDLE_TIME_BEFORE_CLOSE = 30
# A site taken is leased for this long, renewed every third of it while the worker crawls; a
# worker killed or lost gives its sites back after at most this. Longer than any stall of a
# worker (the checks of the largest site run in one go).
INSPECTOR_LEASE_SECONDS = 300.0
# Redis or the database unreachable this long while the worker has nothing left to crawl: it
# stops (exit 1) instead of waiting for ever; before that it retries, 1 s doubling to 60 s.
INSPECTOR_WORKER_OUTAGE_SECONDS = 600.0
# host -> IP address ("" = does not resolve), consulted before DNS; see inspector/crawl/resolver.py.
INSPECTOR_STATIC_HOSTS: dict[str, str] = {}
INSPECTOR_CHECKS_BASE = {
    "checks.availability.SiteUnreachable": 100,
    "checks.availability.ClosedSiteOnline": 110,
    "checks.links.BrokenLinks": 200,
    "checks.links.MissingAnchors": 210,
    "checks.freshness.HomepageStale": 300,
    "checks.freshness.ColumnStale": 310,
    "checks.freshness.ColumnEmpty": 320,
    "checks.freshness.ColumnVeto": 330,
    "checks.columns.MissingColumns": 400,
    "checks.elements.MissingElements": 500,
    "checks.interaction.InteractionUnanswered": 600,
    "checks.interaction.InteractionLate": 610,
    "checks.interaction.InteractionChannelEmpty": 620,
    "checks.interaction.InteractionUnreadable": 630,
    "checks.interaction.InteractionNoChannel": 640,
    "checks.interaction.InteractionVeto": 650,
    "checks.services.ServiceGuideIncomplete": 700,
    "checks.services.ServiceVeto": 710,
    "checks.security.HiddenLinks": 800,
    "checks.security.SpamLinks": 805,
    "checks.security.MaliciousScript": 810,
    "checks.security.Cloaking": 820,
    "checks.security.WordingErrors": 830,
    "checks.bonus.BonusItems": 900,
}
INSPECTOR_CHECKS: dict[str, int | None] = {}

# --- Scrapy ---------------------------------------------------------------------------------
USER_AGENT = f"Mozilla/5.0 (compatible; inspector/0.1; +{INSPECTOR_CONTACT_URL})"
ROBOTSTXT_OBEY = False  # we inspect registered sites on their owners' behalf; see README
DOWNLOAD_TIMEOUT = 15  # the census timeout
# Bodies read whole are HTML pages (resources are checked by their headers): over this they are
# too_large. Scrapy applies it to decompressed bodies too (gzip/deflate/br bombs).
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
# Scrapy's HTTP/1.1 handler with bounded response headers (inspector/crawl/budgets.py).
DOWNLOAD_HANDLERS = {
    "http": "inspector.crawl.budgets.BoundedHTTPDownloadHandler",
    "https": "inspector.crawl.budgets.BoundedHTTPDownloadHandler",
}
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = INSPECTOR_SITE_CONCURRENCY
# A callback's outputs one by one: every parallel slot costs an asyncio task per response, and
# storing an item never waits on anything.
CONCURRENT_ITEMS = 1
DOWNLOAD_DELAY = 0
DOWNLOAD_DELAY_JITTER = 0
# The spider deduplicates URL strings per site itself, before any Request is built.
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"
# Scrapy's downloader, with per-site concurrency that holds under bursts (inspector/crawl/downloader.py).
DOWNLOADER = "inspector.crawl.downloader.PoliteDownloader"
# Pick requests from the least busy download slot so that one slow site never stalls the rest.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
REDIRECT_ENABLED = (
    False  # redirects are followed by our Redirects middleware, which keeps the chain
)
METAREFRESH_ENABLED = False  # a meta refresh is a link like any other
RETRY_ENABLED = False  # we retry what deserves it (the home page; Retry-After: RetryAfter)
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DNS_TIMEOUT = 15
TWISTED_DNS_RESOLVER = "inspector.crawl.resolver.StaticHostsResolver"
REACTOR_THREADPOOL_MAXSIZE = 20
LOG_LEVEL = "INFO"
LOG_FORMATTER = "inspector.crawl.middlewares.QuietLogFormatter"  # no DEBUG record per URL
SPIDER_MIDDLEWARES = {
    # The spider already limits depth and scope; these would only cost time per request.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # Each spider middleware wraps every request and item a callback yields (~10 a page) in one
    # more async generator. HttpError only passes everything on (HTTPERROR_ALLOW_ALL), nothing
    # reads `is_start_request`, and no callback copies response.meta into a request.
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
DOWNLOADER_MIDDLEWARES = {
    # The site spider's own (inspector/crawl/middlewares.py): redirects keep their chain,
    # Retry-After is waited for, a refused HEAD is asked again with GET; budgets and the
    # address policy (inspector/crawl/budgets.py, addresses.py).
    "inspector.crawl.budgets.SiteBudgets": 30,
    "inspector.crawl.middlewares.HeadFallback": 40,
    "inspector.crawl.middlewares.RetryAfter": 50,
    "inspector.crawl.middlewares.Redirects": 600,
    # Last before the download, so that every redirect hop is checked too.
    "inspector.crawl.addresses.AddressPolicy": 950,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    # Byte counts nobody reads, for the price of serialising every request again.
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
}
ITEM_PIPELINES = {"inspector.crawl.pipeline.StoragePipeline": 300}
EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "scrapy.extensions.logstats.LogStats": None,  # inspector.ops.progress says more, per site
    # Log counts and memory stats nobody reads (bench/ measures memory from outside).
    "scrapy.extensions.logcount.LogCount": None,
    "scrapy.extensions.memusage.MemoryUsage": None,
    # Off anyway (REMOTE_CONTROL_ENABLED); listed so that it is not even imported (aiohttp).
    "scrapy.extensions.remote_control.RemoteControl": None,
    "inspector.ops.progress.Progress": 500,
}
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
