"""A real TCP server on 127.0.0.1 that accepts connections and never answers, until told to answer
200: a partner whose web server hangs, then recovers."""

from __future__ import annotations

import socket
import threading


class SilentServer:
    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=32)
        self.accepted = 0
        self.answering = False
        self.bodies: list[bytes] = []
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hooks"

    def answer(self) -> None:
        self.answering = True

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
            if self.answering:
                threading.Thread(target=self._respond, args=(conn,), daemon=True).start()
            else:
                self._held.append(conn)  # accepted, never read, never answered

    def _respond(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, body = data.split(b"\r\n\r\n", 1)
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            self.bodies.append(body)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for conn in self._held:
            conn.close()
