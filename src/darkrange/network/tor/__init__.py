"""A private Tor network on 127.0.0.1 that serves the world's sites as real v3 onion services.

Debian's tor runs 3 directory authorities, non-exit relays, one client with a SOCKS port and one
onion host carrying every site's HiddenServiceDir. Every torrc is checked to name only our own
authorities and to bind only 127.0.0.1 before any tor starts. See docs/tor.md.
"""

from darkrange.network.tor._network import OnionService, PrivateTorNetwork
from darkrange.network.tor._process import stop_stale, tor_available
from darkrange.network.tor._torrc import check_private

__all__ = ["OnionService", "PrivateTorNetwork", "check_private", "stop_stale", "tor_available"]
