"""Watchlists and alerts: selectors, handles, keywords, regexes and YARA-like rules applied to
each new crawl's records and each new block; alerts deduplicated across runs and delivered in
the CLI, as JSONL and as webhooks."""

from darkrange.analyze.watch._cli import register_watch
from darkrange.analyze.watch._match import Alert, match_chain, match_records
from darkrange.analyze.watch._run import WatchRun, deliver, run_watch
from darkrange.analyze.watch._watchlist import Rule, Watchlist, load_watchlist, parse_watchlist

__all__ = [
    "Alert",
    "Rule",
    "WatchRun",
    "Watchlist",
    "deliver",
    "load_watchlist",
    "match_chain",
    "match_records",
    "parse_watchlist",
    "register_watch",
    "run_watch",
]
