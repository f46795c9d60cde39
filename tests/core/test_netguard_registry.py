"""The SSRF guard against IANA's Special-Purpose Address Registries, entry by entry:
every block the registries mark not globally reachable (False, or N/A) is refused —
its first, a middle and its last address. The list is the registries' own
(iana-ipv4-special-registry and iana-ipv6-special-registry, as of 2025), not a sample
(issue 29)."""

import ipaddress

import pytest

from revops import netguard

# (block, name, globally reachable) as the registries list them; None stands for N/A.
IPV4_REGISTRY = [
    ("0.0.0.0/8", "This network", False),
    ("0.0.0.0/32", "This host on this network", False),
    ("10.0.0.0/8", "Private-Use", False),
    ("100.64.0.0/10", "Shared Address Space", False),
    ("127.0.0.0/8", "Loopback", False),
    ("169.254.0.0/16", "Link Local", False),
    ("172.16.0.0/12", "Private-Use", False),
    ("192.0.0.0/24", "IETF Protocol Assignments", False),
    ("192.0.0.0/29", "IPv4 Service Continuity Prefix", False),
    ("192.0.0.8/32", "IPv4 dummy address", False),
    ("192.0.0.9/32", "Port Control Protocol Anycast", True),
    ("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", True),
    ("192.0.0.170/32", "NAT64/DNS64 Discovery", False),
    ("192.0.0.171/32", "NAT64/DNS64 Discovery", False),
    ("192.0.2.0/24", "Documentation (TEST-NET-1)", False),
    ("192.31.196.0/24", "AS112-v4", True),
    ("192.52.193.0/24", "AMT", True),
    ("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", None),
    ("192.168.0.0/16", "Private-Use", False),
    ("192.175.48.0/24", "Direct Delegation AS112 Service", True),
    ("198.18.0.0/15", "Benchmarking", False),
    ("198.51.100.0/24", "Documentation (TEST-NET-2)", False),
    ("203.0.113.0/24", "Documentation (TEST-NET-3)", False),
    ("240.0.0.0/4", "Reserved", False),
    ("255.255.255.255/32", "Limited Broadcast", False),
]
IPV6_REGISTRY = [
    ("::1/128", "Loopback Address", False),
    ("::/128", "Unspecified Address", False),
    ("::ffff:0:0/96", "IPv4-mapped Address", False),
    ("64:ff9b::/96", "IPv4-IPv6 Translat.", True),
    ("64:ff9b:1::/48", "IPv4-IPv6 Translat.", False),
    ("100::/64", "Discard-Only Address Block", False),
    ("100:0:0:1::/64", "Dummy IPv6 Prefix", False),
    ("2001::/23", "IETF Protocol Assignments", False),
    ("2001::/32", "TEREDO", None),
    ("2001:1::1/128", "Port Control Protocol Anycast", True),
    ("2001:1::2/128", "Traversal Using Relays around NAT Anycast", True),
    ("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", True),
    ("2001:2::/48", "Benchmarking", False),
    ("2001:3::/32", "AMT", True),
    ("2001:4:112::/48", "AS112-v6", True),
    ("2001:10::/28", "Deprecated (previously ORCHID)", False),
    ("2001:20::/28", "ORCHIDv2", True),
    ("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", True),
    ("2001:db8::/32", "Documentation", False),
    ("2002::/16", "6to4", None),
    ("2620:4f:8000::/48", "Direct Delegation AS112 Service", True),
    ("3fff::/20", "Documentation", False),
    ("5f00::/16", "Segment Routing (SRv6) SIDs", False),
    ("fc00::/7", "Unique-Local", False),
    ("fe80::/10", "Link-Local Unicast", False),
]

NOT_GLOBAL = [(block, name) for block, name, reachable in IPV4_REGISTRY + IPV6_REGISTRY
              if reachable is not True]


def _samples(block):
    network = ipaddress.ip_network(block)
    middle = network.network_address + network.num_addresses // 2
    return sorted({network.network_address, middle, network.broadcast_address})


@pytest.mark.parametrize(("block", "name"), NOT_GLOBAL, ids=[b for b, _ in NOT_GLOBAL])
def test_every_address_the_registries_call_not_global_is_refused(block, name):
    for address in _samples(block):
        assert netguard.refusal_reason(address) is not None, (str(address), name)


@pytest.mark.parametrize(("block", "name"), NOT_GLOBAL, ids=[b for b, _ in NOT_GLOBAL])
def test_a_url_naming_such_an_address_cannot_be_saved(settings, block, name):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = False
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = []
    for address in _samples(block):
        host = f"[{address}]" if address.version == 6 else str(address)
        assert netguard.url_problem(f"https://{host}/hook") is not None, (str(address), name)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "1.1.1.1",
                                     "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
                                     "2a00:1450:4001:82a::200e", "192.31.196.1"])
def test_public_addresses_are_still_allowed(address):
    assert netguard.refusal_reason(ipaddress.ip_address(address)) is None
