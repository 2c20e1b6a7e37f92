"""Transports for the range: a private Tor network and a direct SOCKS5 gateway."""
