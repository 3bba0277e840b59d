"""The request itself: Standard Webhooks signatures (checked by the ``standardwebhooks`` library, an independent
implementation), secret rotation, and the SSRF guard — refused addresses after DNS resolution, at every attempt,
IPv4, IPv6 and a name rebound to a private address after it was saved."""

from __future__ import annotations

import base64
import socket
import time
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.webhooks import guard, sender, services
from tradeloom.webhooks.models import SECRET_PREFIX, DeliveryAttempt, new_secret
from tradeloom.webhooks.tests.conftest import reload
from tradeloom.webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes():
    secret = new_secret()
    assert secret.startswith(SECRET_PREFIX)
    assert len(base64.b64decode(secret.removeprefix(SECRET_PREFIX))) == 32
    assert new_secret() != secret


def test_the_signature_verifies_with_the_standard_webhooks_library(receiver):
    secret = new_secret()
    body = b'{"type":"sales_order.created","data":{"number":"SO-000001"}}'
    outcome = sender.send(url=receiver.url, webhook_id="msg_abc", body=body, secrets=[secret])
    assert outcome.succeeded
    [request] = receiver.requests
    assert Webhook(secret).verify(request.body, request.headers) == {
        "type": "sales_order.created",
        "data": {"number": "SO-000001"},
    }
    assert request.headers["webhook-id"] == "msg_abc"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    # another secret, or a body changed on the way, does not verify
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace(b"000001", b"000002"), request.headers)


def test_while_a_rotated_secret_still_signs_both_signatures_verify(org, owner, receiver, committed):
    endpoint = EndpointFactory(organization=org, url=receiver.url)
    old = endpoint.secret
    with tenant_context(org):
        endpoint = services.endpoint_rotate_secret(endpoint=endpoint, by=owner)
    assert endpoint.secret != old
    with committed(), tenant_context(org):
        services.endpoint_send_test(endpoint=endpoint, by=owner)
    [request] = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(request.body, request.headers)
    Webhook(endpoint.secret).verify(request.body, request.headers)


def test_the_log_keeps_the_request_headers_but_never_the_secret(org, owner, receiver, committed):
    endpoint = EndpointFactory(organization=org, url=receiver.url)
    with committed(), tenant_context(org):
        delivery = services.endpoint_send_test(endpoint=endpoint, by=owner)
    with tenant_context(org):
        attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert set(attempt.request_headers) >= {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert endpoint.secret not in str(attempt.request_headers)
    assert endpoint.secret.removeprefix(SECRET_PREFIX) not in str(attempt.request_headers)


def test_redirects_are_not_followed_and_count_as_failures(receiver):
    receiver.answer((302, b""))
    outcome = sender.send(url=receiver.url, webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.status_code == 302
    assert not outcome.succeeded
    assert len(receiver.requests) == 1


def test_only_the_first_2_kb_of_the_answer_are_kept(receiver):
    receiver.answer((200, b"x" * 10_000))
    outcome = sender.send(url=receiver.url, webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.succeeded
    assert len(outcome.response_body) == sender.EXCERPT_BYTES


def test_a_receiver_that_takes_too_long_is_cut_off(receiver, monkeypatch):
    monkeypatch.setattr(sender, "TOTAL_TIMEOUT", 0.5)
    receiver.delay = 2.0
    started = time.monotonic()
    outcome = sender.send(url=receiver.url, webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert time.monotonic() - started < 1.8
    assert outcome.status_code is None
    assert outcome.error == "Timed out."


def test_a_closed_port_is_a_failed_attempt_not_an_error(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = sender.send(url=f"http://127.0.0.1:{port}/", webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.status_code is None
    assert outcome.error == "Connection refused."


# --- the SSRF guard -----------------------------------------------------------------------------------------------

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.9", "private"),
    ("192.168.1.1", "private"),
    ("169.254.10.10", "link-local"),
    ("169.254.169.254", "metadata"),
    ("100.64.0.1", "not a public"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address refused, not bound
    ("224.0.0.1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("::1", "loopback"),
    ("fe80::1", "link-local"),
    ("fc00::5", "private"),
    ("fd00:ec2::254", "metadata"),
    ("::", "unspecified"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:127.0.0.1", "loopback"),
    ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
    ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
]


def fake_dns(monkeypatch: Any, answers: dict[str, list[str]]) -> list[str]:
    """``socket.getaddrinfo`` answering from ``answers``; the names asked, in order."""
    asked: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        infos = []
        for address in answers[host]:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            infos.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return infos

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize(("address", "why"), REFUSED, ids=[a for a, _ in REFUSED])
def test_a_name_resolving_to_a_refused_address_is_refused_at_delivery(monkeypatch, address, why):
    fake_dns(monkeypatch, {"hooks.example.com": ["93.184.215.14", address]})
    outcome = sender.send(url="https://hooks.example.com/x", webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.status_code is None
    assert outcome.error.startswith("Refused: hooks.example.com resolves to")
    assert why in outcome.error


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    import ipaddress

    assert guard.refusal(ipaddress.ip_address(address), private_allowed=False) is None


def test_the_setting_allows_private_addresses_but_never_metadata(settings):
    import ipaddress

    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    for allowed in ("127.0.0.1", "10.0.0.1", "::1", "fe80::1"):
        assert guard.refusal(ipaddress.ip_address(allowed)) is None
    for never in ("169.254.169.254", "fd00:ec2::254", "0.0.0.0", "224.0.0.1"):  # noqa: S104
        assert guard.refusal(ipaddress.ip_address(never)) is not None


def test_a_name_rebound_to_a_private_address_after_it_was_saved_is_refused(org, owner, monkeypatch, committed):
    # given an endpoint saved while its name resolved to a public address
    fake_dns(monkeypatch, {"hooks.example.com": ["93.184.215.14"]})
    with tenant_context(org):
        endpoint = services.endpoint_create(
            organization=org, by=owner, data={"url": "https://hooks.example.com/in", "event_types": ["item.created"]}
        )
    # when, at delivery time, the name resolves to a private address
    asked = fake_dns(monkeypatch, {"hooks.example.com": ["10.0.0.7"]})
    with committed(), tenant_context(org):
        delivery = services.endpoint_send_test(endpoint=endpoint, by=owner)
    # then the attempt is refused (nothing was connected to), and logged as such
    assert asked == ["hooks.example.com"]
    with tenant_context(org):
        attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert attempt.error == "Refused: hooks.example.com resolves to 10.0.0.7, a private address."
    assert attempt.address == ""
    assert attempt.status_code is None


def test_the_connection_goes_to_the_address_that_was_checked(receiver, monkeypatch):
    """The name is resolved once; the socket connects to that address (a second answer cannot move it), and the
    name stays in the Host header."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    asked = fake_dns(monkeypatch, {"receiver.test": ["127.0.0.1"]})
    outcome = sender.send(url=f"http://receiver.test:{port}/in", webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.succeeded
    assert outcome.address == "127.0.0.1"
    assert asked == ["receiver.test"]
    assert receiver.requests[0].headers["host"] == f"receiver.test:{port}"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://10.0.0.1/hook", "address_not_allowed"),
        ("https://[::1]/hook", "address_not_allowed"),
        ("https://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("http://hooks.example.com/", "insecure_url"),
        ("ftp://hooks.example.com/", "validation_error"),
        ("https://user:pass@hooks.example.com/", "validation_error"),
        ("https:///nohost", "validation_error"),
    ],
)
def test_an_endpoint_url_is_checked_when_saved(org, owner, url, code):
    with pytest.raises(ApplicationError) as refused, tenant_context(org):
        services.endpoint_create(organization=org, by=owner, data={"url": url, "event_types": ["item.created"]})
    assert refused.value.code == code
    assert list(refused.value.extra["errors"]) == ["url"]


def test_http_and_private_addresses_are_accepted_where_the_setting_allows_them(org, owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    with tenant_context(org):
        endpoint = services.endpoint_create(
            organization=org, by=owner, data={"url": "http://127.0.0.1:9000/in", "event_types": ["item.created"]}
        )
    assert reload(org, endpoint).url == "http://127.0.0.1:9000/in"


@pytest.fixture
def tls_receiver(tmp_path: Any, settings: Any) -> Any:
    """An HTTPS receiver on 127.0.0.1 with a self-signed certificate for ``receiver.test``."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=receiver.test",
            "-addext",
            "subjectAltName=DNS:receiver.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append(self.headers["Host"])
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield {"port": server.server_address[1], "cert": cert, "seen": seen}
    finally:
        server.shutdown()
        server.server_close()


def test_https_checks_the_certificate_for_the_name_while_connecting_to_the_checked_address(tls_receiver, monkeypatch):
    import ssl

    fake_dns(monkeypatch, {"receiver.test": ["127.0.0.1"]})
    url = f"https://receiver.test:{tls_receiver['port']}/in"
    # a certificate no one vouches for is refused
    refused = sender.send(url=url, webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert refused.status_code is None
    assert refused.error.startswith("TLS certificate not accepted")
    # trusted, it is checked against the name (SNI and hostname), not against the address connected to
    trusting = ssl.create_default_context(cafile=str(tls_receiver["cert"]))
    monkeypatch.setattr(sender.ssl, "create_default_context", lambda: trusting)
    outcome = sender.send(url=url, webhook_id="msg_1", body=b"{}", secrets=[new_secret()])
    assert outcome.status_code == 204
    assert outcome.address == "127.0.0.1"
    assert tls_receiver["seen"][-1] == f"receiver.test:{tls_receiver['port']}"
