"""The crawler: login walls, CAPTCHAs, queues, bans, mirrors; resumable; every page as evidence.

`run_crawl` crawls from seed URLs through a SOCKS proxy (Tor or the range's gateway) into a
crawl folder: WARC files (darkrange.collect.evidence), the state DB and crawl-report.json.
`load_config` reads the YAML settings, `load_vault` the credentials; `register_crawl` adds the
`crawl` and `captcha` commands. Guide: docs/crawl.md.
"""

from darkrange.collect.crawl._captcha import answer_captcha, load_solver, pending_captchas
from darkrange.collect.crawl._commands import register_crawl
from darkrange.collect.crawl._config import CrawlConfig, Recipe, load_config, parse_config
from darkrange.collect.crawl._engine import Crawler, CrawlStats
from darkrange.collect.crawl._mirrors import HostInfo, Resolution, resolve
from darkrange.collect.crawl._report import CrawlReport, run_crawl
from darkrange.collect.crawl._scope import NearDuplicates, canonical, simhash, template
from darkrange.collect.crawl._vault import Credentials, Vault, load_vault

__all__ = [
    "CrawlConfig",
    "CrawlReport",
    "CrawlStats",
    "Crawler",
    "Credentials",
    "HostInfo",
    "NearDuplicates",
    "Recipe",
    "Resolution",
    "Vault",
    "answer_captcha",
    "canonical",
    "load_config",
    "load_solver",
    "load_vault",
    "parse_config",
    "pending_captchas",
    "register_crawl",
    "resolve",
    "run_crawl",
    "simhash",
    "template",
]
