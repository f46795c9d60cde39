"""A real SMTP server on loopback (aiosmtpd) whose answers a test scripts: ``refusals``
are SMTP replies given to the next messages in order (``"554 5.7.1 Refused"`` at DATA),
then every message is accepted and kept in ``received``."""

import socket

from aiosmtpd.controller import Controller


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.received = []
        self.refusals = []
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        if self.refusals:
            return self.refusals.pop(0)
        self.received.append(envelope)
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        self.running = True
        return self

    def stop(self):
        """The server goes down: nothing listens on its port any more."""
        if self.running:
            self.controller.stop()
            self.running = False

    def __exit__(self, *exc):
        self.stop()
