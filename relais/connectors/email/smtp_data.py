"""A faster DATA phase for aiosmtpd.

aiosmtpd reads DATA one line at a time (an await, a log call and several
checks per line): about 3 ms of a 35 KB mail, more than storing it. This
subclass reads up to the end-of-data marker in large chunks and undoes the
dot-stuffing in one pass. It is also more lenient, like Postfix: a line longer
than the RFC's 1,000 characters is accepted rather than refusing the whole
mail; the size limit (552) still holds, counted while reading.
"""

from __future__ import annotations

import asyncio
import re
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP

END_OF_DATA = b"\r\n.\r\n"
CHUNK = 256 * 1024


# The everyday form of a MAIL FROM / RCPT TO address: <local@domain> with
# plain characters; anything else goes through aiosmtpd's full parser.
SIMPLE_ADDRESS = re.compile(r"<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,255})>")


class FastDataSMTP(SMTP):
    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802 (aiosmtpd's naming)
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        content = await self._read_data()
        if content is None:
            self._set_post_data_state()
            await self.push("552 Error: Too much mail data")
            return
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA") if "DATA" in self._handle_hooks else MISSING
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd's address parser (the e-mail header grammar) costs as much
        as storing a small mail; the common form is read with one regex."""
        simple = SIMPLE_ADDRESS.match(arg.lstrip())
        if simple is None:
            return super()._getaddr(arg)
        return simple.group(1), arg.lstrip()[simple.end() :].lstrip()

    async def _read_data(self) -> bytes | None:
        """The mail up to the lone dot, unstuffed; None when over the size
        limit (the rest is read and dropped, so the session can go on)."""
        reader: asyncio.StreamReader = self._reader
        # Searched as "\r\n.\r\n" behind a leading CRLF, so an empty mail's
        # ".\r\n" and a mail's first line both match the same way.
        received = bytearray(b"\r\n")
        too_big = False
        while True:
            chunk = await reader.read(CHUNK)
            if not chunk:  # the client hung up mid-DATA: nothing to store
                self._writer.close()
                raise asyncio.CancelledError
            start = max(0, len(received) - len(END_OF_DATA) + 1)
            received += chunk
            end = received.find(END_OF_DATA, start)
            if end >= 0:
                break
            if self.data_size_limit and len(received) > self.data_size_limit + 2:
                too_big = True
                del received[: len(received) - len(END_OF_DATA)]  # keep a possible marker start
        # Whatever came after the marker (a pipelined command) goes back to
        # the reader, which has no unread().
        rest = bytes(received[end + len(END_OF_DATA) :])
        if rest:
            reader._buffer[:0] = rest
        if too_big or (self.data_size_limit and end - 2 > self.data_size_limit):
            return None
        # Lines starting with a dot were sent with one more (RFC 5321 4.5.2).
        return bytes(received[: end + 2]).replace(b"\r\n..", b"\r\n.")[2:]


class RelaisController(Controller):
    """aiosmtpd's controller (its own thread and event loop), serving FastDataSMTP."""

    def factory(self) -> SMTP:
        return FastDataSMTP(self.handler, **self.SMTP_kwargs)


def serve_until_stopped(controller: Controller, *, on_stop=None) -> None:
    """Run an aiosmtpd controller until the process is interrupted, then stop
    it (and call `on_stop`): the body of the SMTP commands."""
    controller.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
        if on_stop is not None:
            on_stop()
