"""Webhooks go to public https addresses only: checked when saved (every door) and again
at delivery, on every address the name resolves to at that moment. No test here sends
anything beyond loopback: resolution is monkeypatched."""

import ipaddress
import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError

from revops import netguard, outbox, services
from revops.models import Channel, Door, Webhook, WebhookDelivery


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("100.64.0.1", "non-public"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"),
    ("::127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("64:ff9b::a9fe:a9fe", "link-local"),
    ("2002:7f00:1::", "loopback"),
    ("2002:a00:1::", "private"),
    ("fe80::1", "link-local"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fec0::1", "private"),
    ("ff02::1", "multicast"),
    ("93.184.215.14", None),
    ("8.8.8.8", None),
    ("::ffff:93.184.215.14", "reserved"),  # a mapped form reaches no public host
    ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
])
def test_address_classifier(address, reason):
    assert netguard.refusal_reason(ipaddress.ip_address(address)) == reason


@pytest.fixture
def no_exceptions(settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = False
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = []
    return settings


@pytest.mark.parametrize(("url", "words"), [
    ("http://127.0.0.1:6379/", "https://"),
    ("https://127.0.0.1:6379/", "loopback"),
    ("https://169.254.169.254/latest/meta-data/", "link-local"),
    ("https://10.0.0.1/", "private"),
    ("https://[::1]/", "loopback"),
    ("https://[::ffff:127.0.0.1]/", "loopback"),
    ("https://0.0.0.0/", "unspecified"),
    ("https://localhost:8000/", "loopback"),
    ("https://api.localhost/", "loopback"),
    ("https://127.1/", "loopback"),
    ("https://2130706433/", "loopback"),
    ("ftp://hooks.example.com/", "https://"),
    ("file:///etc/passwd", "https://"),
])
def test_unsafe_urls_cannot_be_saved(no_exceptions, url, words):
    problem = netguard.url_problem(url)
    assert problem and words in problem


@pytest.mark.parametrize("url", ["https://hooks.example.com/x", "https://93.184.215.14/x",
                                 "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/"])
def test_public_https_urls_can_be_saved(no_exceptions, url):
    assert netguard.url_problem(url) is None


def test_http_and_internal_targets_need_the_settings(settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["hooks.corp.internal", "10.20.0.0/16"]
    assert netguard.url_problem("http://hooks.example.com/") is None
    assert netguard.url_problem("https://10.20.3.4/") is None
    assert "private" in netguard.url_problem("https://10.21.3.4/")
    assert netguard.url_problem("https://HOOKS.corp.internal./x") is None
    assert "https:// or http://" in netguard.url_problem("ftp://hooks.example.com/")


def test_api_refuses_saving_a_private_url_naming_the_field(api, lead, no_exceptions):
    response = api.as_user(lead).post(
        "/api/v1/webhooks/", {"url": "https://169.254.169.254/latest/", "events": ["raci.changed"]},
        format="json")
    assert response.status_code == 400
    assert "link-local" in response.json()["url"][0]
    hook = services.webhook_create(actor=lead, door=Door.API, url="https://h.example.com/",
                                   events=["raci.changed"])
    response = api.patch(f"/api/v1/webhooks/{hook.pk}/", {"url": "http://[::1]/"},
                         format="json")
    assert response.status_code == 400 and "url" in response.json()
    assert Webhook.objects.get().url == "https://h.example.com/"


def test_console_refuses_saving_a_loopback_url(client, lead, no_exceptions):
    client.force_login(lead)
    response = client.post("/admin/revops/webhook/add/", {
        "url": "https://127.0.0.1:5432/", "events": '["raci.changed"]', "secret": "s",
        "active": "on"})
    assert response.status_code == 200
    assert "loopback" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_service_refuses_for_every_door(lead, no_exceptions):
    with pytest.raises(ValidationError) as refused:
        services.webhook_create(actor=lead, door=Door.CLI, url="https://10.0.0.1/",
                                events=["raci.changed"])
    assert "url" in refused.value.message_dict


# --- at delivery --------------------------------------------------------------------------


def resolving_to(monkeypatch, *addresses):
    """``socket.getaddrinfo`` answering ``addresses`` for any name."""
    def fake(host, port, *args, **kwargs):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
             (a, port or 443))
            for a in addresses
        ]

    monkeypatch.setattr(netguard.socket, "getaddrinfo", fake)


def queued(url):
    hook = Webhook.objects.create(url=url, events=["raci.changed"], secret="s")
    return WebhookDelivery.objects.create(webhook=hook, event="raci.changed", payload={})


def attempted(url):
    """A delivery to ``url`` after the outbox's drain tried it once."""
    delivery = queued(url)
    outbox.drain()
    delivery.refresh_from_db()
    return delivery


def connections_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a refused address must not be connected to")

    monkeypatch.setattr(netguard.socket, "create_connection", refuse)


@pytest.mark.django_db
@pytest.mark.parametrize("addresses", [("10.0.0.7",), ("93.184.215.14", "127.0.0.1"),
                                       ("::ffff:169.254.169.254",)])
def test_a_name_that_resolves_to_a_private_address_is_refused_at_delivery(
        monkeypatch, no_exceptions, addresses):
    resolving_to(monkeypatch, *addresses)
    connections_forbidden(monkeypatch)
    delivery = attempted("https://hooks.example.com/x")
    assert delivery.delivered_at is None and delivery.attempts == 1
    assert delivery.error.startswith("refused: ") and delivery.error.endswith(" address")


@pytest.mark.django_db
def test_a_url_saved_before_the_rules_is_refused_at_delivery(monkeypatch, no_exceptions):
    connections_forbidden(monkeypatch)
    assert attempted("ftp://hooks.example.com/").error \
        == "refused: only https URLs"
    assert attempted("http://hooks.example.com/").error == "refused: http"
    assert attempted("https://[::1]:8443/").error \
        == "refused: loopback address"


@pytest.mark.django_db
def test_an_unknown_name_is_recorded_in_fixed_words(monkeypatch, no_exceptions):
    def unknown(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(netguard.socket, "getaddrinfo", unknown)
    assert attempted("https://nowhere.invalid/").error \
        == "host name not found"


@pytest.mark.django_db
def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch, settings):
    """The name is resolved once, checked, and that address connected to: a second
    resolution (DNS rebinding) cannot send the request elsewhere."""
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = []
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])
    monkeypatch.setattr(netguard.socket, "getaddrinfo", lambda host, port, **kw: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)])
    connected = []

    def connect(address, *args):
        connected.append(address)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(netguard.socket, "create_connection", connect)
    delivery = attempted("http://rebinding.example.com/x")
    assert connected == [("93.184.215.14", 80)]
    assert delivery.error == "connection failed"


class Answer(BaseHTTPRequestHandler):
    status, location, hits = 204, None, []

    def do_POST(self):  # noqa: N802 - the http.server API
        Answer.hits.append(self.path)
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(Answer.status)
        if Answer.location:
            self.send_header("Location", Answer.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server(settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1/32"]
    server = HTTPServer(("127.0.0.1", 0), Answer)
    Answer.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    Answer.status, Answer.location = 204, None


@pytest.mark.django_db
def test_redirects_are_not_followed(loopback_server):
    Answer.status, Answer.location = 302, f"{loopback_server}/elsewhere"
    delivery = attempted(f"{loopback_server}/hook")
    assert Answer.hits == ["/hook"]
    assert delivery.delivered_at is None
    assert delivery.response_status == 302 and delivery.error == "HTTP 302"


@pytest.mark.django_db
def test_a_server_error_is_recorded_as_its_status(loopback_server):
    Answer.status = 500
    delivery = attempted(f"{loopback_server}/hook")
    assert delivery.response_status == 500 and delivery.error == "HTTP 500"


@pytest.mark.django_db
def test_an_allowed_loopback_target_is_delivered(loopback_server):
    delivery = attempted(f"{loopback_server}/hook")
    assert delivery.delivered_at is not None and delivery.response_status == 204


@pytest.mark.django_db
def test_a_closed_port_says_connection_failed_not_the_socket_text(settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert attempted("http://127.0.0.1:9/").error == "connection failed"


def test_no_proxy_and_no_file_urls_in_the_opener(monkeypatch, no_exceptions):
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    with pytest.raises(netguard.Blocked):
        netguard.urlopen(urllib.request.Request("file:///etc/passwd"), timeout=1)
    handlers = {type(h).__name__ for h in netguard._opener().handlers}
    assert not handlers & {"ProxyHandler", "FileHandler", "FTPHandler", "DataHandler"}


# Every way of writing a loopback or private IPv4 address, refused when saved.
NOTATIONS = {
    "loopback": ["127.0.0.1", "2130706433", "0177.0.0.1", "017700000001", "0x7f.0.0.1",
                 "0x7F000001", "0x7f.0x0.0x0.0x1", "127.1", "127.0.1", "0177.1",
                 "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"],
    "private": ["10.0.0.1", "167772161", "012.0.0.1", "0xa.0.0.1", "0x0a000001", "10.1",
                "012.1", "0xa.1", "192.168.1", "0xc0a80101", "[::ffff:10.0.0.1]",
                "[::ffff:a00:1]", "[::ffff:c0a8:101]"],
}
WRITTEN = [(reason, host) for reason, hosts in NOTATIONS.items() for host in hosts]


def _save_webhook(url):
    services.webhook_create(actor=None, door=Door.CLI, url=url, events=["raci.changed"])


def _save_slack_channel(url):
    services.channel_create(actor=None, door=Door.CLI, name="#ops", kind="slack", url=url,
                            events=["raci.changed"])


@pytest.mark.parametrize("save", [_save_webhook, _save_slack_channel],
                         ids=["webhook", "slack-channel"])
@pytest.mark.parametrize(("reason", "host"), WRITTEN, ids=[h for _, h in WRITTEN])
def test_the_save_time_guard_knows_every_notation(db, no_exceptions, save, reason, host):
    with pytest.raises(ValidationError) as refused:
        save(f"https://{host}/hook")
    assert reason in str(refused.value.message_dict["url"])
    assert not Webhook.objects.exists() and not Channel.objects.exists()
