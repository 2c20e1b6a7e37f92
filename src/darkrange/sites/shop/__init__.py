"""Single-vendor shops: one vendor's own onion, PGP key and published Bitcoin address."""

from darkrange.sites.shop._app import ShopSite, build_app

__all__ = ["ShopSite", "build_app"]
