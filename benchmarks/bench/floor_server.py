"""Section 6's floor: a server in a thread of the benchmark that answers at once with given bytes.

It reads each request (head line by line, then Content-Length bytes of body) and writes the
bytes importmock's server answered to the same request, over a kept-alive connection. No
server written in Python and run in the client's process can answer faster: what is left
is the client's own work, the socket calls and the switches between the two threads (one
GIL). importmock's server against it shows what answering the request costs.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class CannedServer:
    """``with CannedServer(answer) as server:`` serves `answer` to every request at `server.url`."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._connections: list[socket.socket] = []

    def __enter__(self) -> CannedServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._listener.close()
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def _accept(self) -> None:
        with contextlib.suppress(OSError):  # the listener closed
            while True:
                connection, _ = self._listener.accept()
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._connections.append(connection)
                threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection, connection.makefile("rb") as stream:
            while stream.readline():  # the request line; b"" when the client closed
                length = 0
                while (line := stream.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                stream.read(length)
                connection.sendall(self.answer)
