"""A TCP proxy on 127.0.0.1 that a test can cut and restore: a database or queue lost mid-run.

    with TcpProxy("127.0.0.1", 5432) as proxy:       # threads; private to the test
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
        ...                                          # a worker process connects through it
        proxy.cut()       # listening socket closed, every live connection reset (TCP RST):
                          # new connections are refused, open ones fail at once
        proxy.restore()   # listening again on the same port; clients reconnect
        proxy.accepted    # connections accepted so far (how many reconnections a client made)

Only the proxy's own sockets are touched: the server behind it and its other clients see one
client going away, as when a network link is lost.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.accepted = 0
        self.refused_while_cut = 0
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._cut = threading.Event()

    def __enter__(self) -> TcpProxy:
        self.restore()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cut()

    def restore(self) -> None:
        """Listen (again, on the same port once one was chosen) and forward new connections."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._cut.clear()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and reset every connection that goes through the proxy."""
        self._cut.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept() (close() alone would leave the
            # socket listening until accept returns) and stops the kernel accepting for it.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            _close(listener)
        with self._lock:
            live, self._live = self._live, set()
        for sock in live:
            # SO_LINGER 0: close sends RST, so the client fails at once instead of waiting.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut()
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._cut.is_set():
                    self.refused_while_cut += 1
                    _close(client)
                    _close(server)
                    continue
                self.accepted += 1
                self._live |= {client, server}
            ended: list[int] = []  # directions finished; the pair is closed after both
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b, ended), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, ended: list[int]) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
        with self._lock:
            ended.append(1)
            done = len(ended) == 2
            if done:
                self._live.discard(source)
                self._live.discard(sink)
        if done:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()
