"""The Russian-language shop-and-dead-drop market (Hydra style): shops per city and district,
klad delivery with photos withheld until paid, shop ratings, disputes, BTC balance."""

from darkrange.sites.deaddrop._app import RUB_PER_USD, DeadDropSite, build_app, rub

__all__ = ["RUB_PER_USD", "DeadDropSite", "build_app", "rub"]
