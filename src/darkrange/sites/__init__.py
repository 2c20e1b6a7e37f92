"""Web apps that serve a world's sites: markets, shops, forum, directory, paste, mixer, exchange,
and the block explorer.

Each kind of site is a package here with a factory `build_app(context) -> ASGI app`; the range
(darkrange.network) finds it through `darkrange.network.SITE_KINDS` ("kind" ->
"module:function"), calls it with a `SiteContext` (world folder, the site's record from
sites.json, the range clock) and serves the app on its own loopback port behind the site's
onion address and mirrors. Apps are plain ASGI (a lean callable, Starlette or FastAPI).
"""
