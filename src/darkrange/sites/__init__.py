"""Web apps that serve a world's sites (markets, shops, forum, directory, paste, mixer, exchange)."""
