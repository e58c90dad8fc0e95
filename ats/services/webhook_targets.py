"""Where a webhook may be sent (ASVS 1.3.6, 13.2.5): never into the worker's own network.

A subscription's URL names a host on the internet. Its name is resolved when the
subscription is made and again at each delivery, and every address it resolves to must
be a public one: loopback, private, link-local (the cloud metadata service), shared,
multicast, reserved and unspecified addresses are refused, in IPv4 and IPv6 alike, with
IPv4 hidden inside IPv6 unwrapped. Integer and hex spellings (`0x7f000001`, `2130706433`)
are read as the resolver reads them, so they are checked as the address they are. A
delivery connects to the address that was checked, never to a second lookup of the name
(which DNS could answer differently). An operator allows an internal range on purpose
with ATS_WEBHOOK_ALLOWED_NETWORKS.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..app_settings import app_settings

# Names of cloud metadata services, refused however they resolve.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IPv6 ranges Python 3.11 still calls global: local-use NAT64 and the old site-local.
NOT_GLOBAL = (ipaddress.ip_network("64:ff9b:1::/48"), ipaddress.ip_network("fec0::/10"))
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


NOT_PUBLIC = gettext_lazy("Webhooks are sent only to addresses on the internet, not to this one.")


class UnsafeTarget(Exception):
    """A URL a webhook may not be sent to; the message is safe to show its maker."""


@dataclass(frozen=True)
class Target:
    """A checked URL, and the address to connect to for it."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _embedded_ipv4(address: Address) -> Address:
    """The IPv4 address an IPv6 one carries (mapped, translated, 6to4, Teredo, NAT64),
    or itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped or address.sixtofour:
            return address.ipv4_mapped or address.sixtofour
        if address.teredo:
            return address.teredo[1]
        # NAT64, IPv4-compatible (::/96), IPv4-translated (::ffff:0:0:0/96, SIIT)
        if address in NAT64 or int(address) >> 32 in (0, 0xFFFF0000):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _allowed(address: Address) -> bool:
    allowed = [ipaddress.ip_network(n) for n in app_settings.WEBHOOK_ALLOWED_NETWORKS]
    if any(address in network for network in allowed):
        return True
    public = _embedded_ipv4(address)
    if any(public in network for network in allowed):
        return True
    if any(address in network for network in NOT_GLOBAL):
        return False
    return public.is_global and not public.is_multicast and address.is_global


def check(url: str) -> Target:
    """The URL's target, once its name resolved to addresses that are all allowed."""
    not_a_url = UnsafeTarget(_("This is not a URL a webhook can be sent to."))
    try:  # a bracket left open, or characters that NFKC makes a URL's delimiters
        parts = urlsplit(url)
    except ValueError:
        raise not_a_url from None
    schemes = ("https", "http") if app_settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in schemes:
        raise UnsafeTarget(_("A webhook URL starts with https://."))
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget(_("A webhook URL cannot hold a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    host = (parts.hostname or "").rstrip(".")
    if not host or port is None:
        raise not_a_url
    if host in METADATA_HOSTS:
        raise UnsafeTarget(str(NOT_PUBLIC))
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeTarget(_("The host of this webhook URL could not be found.")) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not all(_allowed(address) for address in addresses):
        raise UnsafeTarget(str(NOT_PUBLIC))
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        address=str(addresses[0]),
    )


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to the checked address, with the URL's name in Host, SNI and the
    certificate check."""

    def __init__(self, target: Target, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target
        self.default_port = 443 if target.scheme == "https" else 80  # Host names no port

    def connect(self) -> None:
        sock = socket.create_connection((self.target.address, self.port), self.timeout)
        if self.target.scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


def post(target: Target, *, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST the body; the answer's status. Redirects are answers, never followed.
    Raises OSError (ssl and socket errors included) when no answer came."""
    connection = _PinnedConnection(target, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()
