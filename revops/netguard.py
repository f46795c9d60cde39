"""Requests to URLs that users type in (webhooks): only to public addresses.

A lead saves a webhook URL and the server POSTs to it, so without a guard the URL
reaches whatever the server reaches: its own loopback services, the private network,
the cloud's metadata address. And the delivery's recorded error, if it were the socket's
own text, would tell refused from filtered from open: a port scanner.

So: ``check_url`` when a webhook is saved (the scheme, and a host given as an address);
``urlopen`` at delivery resolves the host, checks every address it resolves to, and
connects to the address it checked (a name cannot resolve to something else between
the check and the connection), with TLS still verified against the name; redirects are
not followed. ``describe`` turns any failure into a short text that leaks nothing.

Settings: ``REVOPS_WEBHOOK_ALLOW_HTTP`` (plain http, for development) and
``REVOPS_WEBHOOK_ALLOWED_HOSTS`` (host names or CIDRs an installation trusts even though
they are internal).
"""

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Every block of IANA's IPv4 and IPv6 Special-Purpose Address Registries whose
# "Globally Reachable" is False or N/A (iana.org/assignments/iana-ipv4-special-registry,
# iana-ipv6-special-registry). Python's ``is_global`` misses some, and which ones depends
# on the Python release (3.11 calls 64:ff9b:1::/48 and 192.0.0.8 global): this list is
# ours. A block the registry marks reachable but that sits inside one of these (the PCP
# and TURN anycasts in 192.0.0.0/24 and 2001::/23) is refused with it: no webhook is
# sent there. 64:ff9b::/96 is reachable and judged by the IPv4 address it carries.
SPECIAL_PURPOSE = tuple(ipaddress.ip_network(block) for block in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "100:0:0:1::/64",
    "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7",
    "fe80::/10",
))


class Blocked(OSError):
    """The URL or an address it resolves to is not one we send to; ``str`` says why in
    words fit to record ("refused: private address")."""


# --- the address classifier (pure) -------------------------------------------------------


def _embedded_ipv4(ip):
    """The IPv4 address an IPv6 address only wraps (mapped, compatible, NAT64), or None."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _plain_reason(ip):
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or (ip.version == 6 and ip.is_site_local):
        return "private"
    if not ip.is_global:
        return "non-public"
    if any(ip.version == block.version and ip in block for block in SPECIAL_PURPOSE):
        return "special-purpose"
    return None


def refusal_reason(ip):
    """Why ``ip`` (an ``ipaddress`` address) is no place to send to, or None if public:
    ``"loopback"``, ``"private"``, ``"link-local"`` (the metadata address among them),
    ``"multicast"``, ``"reserved"``, ``"unspecified"``, ``"non-public"`` or
    ``"special-purpose"`` (``SPECIAL_PURPOSE``). IPv6 forms that carry an IPv4 address
    (mapped, compatible, NAT64, 6to4, Teredo) are judged by it first, then by the
    block they are in: mapped, 6to4 and Teredo forms are refused even around a public
    address (no public host is reached that way).
    """
    embedded = _embedded_ipv4(ip)
    if embedded is not None and (reason := _plain_reason(embedded)):
        return reason
    if ip.version == 6:
        tunnelled = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if tunnelled is not None and (reason := _plain_reason(tunnelled)):
            return reason
    return _plain_reason(ip)


# --- the installation's allow-list --------------------------------------------------------


def _normal_host(host):
    return (host or "").strip().rstrip(".").lower()


def _allowed():
    """``(names, networks)`` from ``REVOPS_WEBHOOK_ALLOWED_HOSTS``."""
    names, networks = set(), []
    for entry in settings.REVOPS_WEBHOOK_ALLOWED_HOSTS:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(_normal_host(entry))
    return names, networks


def _address_allowed(ip, networks):
    return any(ip.version == net.version and ip in net for net in networks)


def _literal_address(host):
    """The address when ``host`` is written as one (including forms like ``127.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and any(c.isdigit() for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def schemes():
    return ("https", "http") if settings.REVOPS_WEBHOOK_ALLOW_HTTP else ("https",)


# --- when a URL is saved -------------------------------------------------------------------


def url_problem(url):
    """Why a webhook URL cannot be saved, in words for the person saving it, or None.

    Names are resolved at delivery, not here: what a name points to can change."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in schemes():
        if settings.REVOPS_WEBHOOK_ALLOW_HTTP:
            return "Webhook URLs must start with https:// or http://."
        return "Webhook URLs must start with https://."
    host = _normal_host(parts.hostname)
    if not host:
        return "The URL names no host."
    names, networks = _allowed()
    if host in names:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        reason = "loopback"
    else:
        ip = _literal_address(host)
        if ip is None or _address_allowed(ip, networks):
            return None
        reason = refusal_reason(ip)
    if reason is None:
        return None
    return (f"Webhooks are sent to public addresses only; {host} is a {reason} address. "
            "An internal target must be listed in REVOPS_WEBHOOK_ALLOWED_HOSTS.")


# --- at delivery ----------------------------------------------------------------------------


def vetted_address(host, port):
    """Resolve ``host`` now and return one ``(address, port)`` to connect to, having
    checked every address it resolves to; raises ``Blocked``."""
    names, networks = _allowed()
    trusted = _normal_host(host) in names
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise Blocked("host name not found") from None
    if not found:
        raise Blocked("host name not found")
    for *_, sockaddr in found:
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if trusted or _address_allowed(ip, networks):
            continue
        reason = refusal_reason(ip)
        if reason:
            raise Blocked(f"refused: {reason} address")
    return found[0][4][:2]


class _VettedConnectionMixin:
    """Connects to the address ``vetted_address`` checked, whatever the name resolves to
    a moment later; HTTPS still sends the name for SNI and verifies the certificate
    against it (``http.client`` wraps the socket with ``server_hostname=self.host``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = self._connect_vetted

    def _connect_vetted(self, address, timeout, source_address=None):
        host, port = address
        return socket.create_connection(vetted_address(host, port), timeout, source_address)


class _HTTPConnection(_VettedConnectionMixin, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_VettedConnectionMixin, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=ssl.create_default_context())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer, recorded as a failure: following it would send
    the signed body to wherever the receiver points, checks or not."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener():
    # Built by hand, not with build_opener: no proxies from the environment, and no
    # handlers for file:, ftp: or data: URLs.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.UnknownHandler(), _HTTPHandler(), _HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _NoRedirects(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def urlopen(request, *, timeout):
    """``urllib.request.urlopen`` for a user-given URL: the scheme and every address
    checked, no redirects, no proxies. Raises ``urllib.error.HTTPError`` for a non-2xx
    answer and ``Blocked`` (an ``OSError``) for a refused URL."""
    scheme = urlsplit(request.full_url).scheme.lower()
    if scheme not in schemes():
        raise Blocked("refused: only https URLs" if scheme != "http" else "refused: http")
    return _opener().open(request, timeout=timeout)


def describe(exc):
    """A failed delivery in a few fixed words ("HTTP 500", "refused: private address",
    "timed out", "connection failed"): never the socket's own text."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, Blocked):
        return str(reason)
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return "TLS certificate not accepted"
    if isinstance(reason, ssl.SSLError):
        return "TLS failed"
    return "connection failed"
