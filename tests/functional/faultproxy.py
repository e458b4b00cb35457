"""A loopback HTTP proxy in front of the real Neutron that loses replies.

It forwards every request to Neutron unchanged, except the first PUT of a
port while a fault is armed:

- ``lose-reply``: the PUT reaches Neutron, which applies it; the client's
  connection is then closed without a reply.
- ``lose-reply-then-down``: the same, and every later request is refused
  (the connection is closed at once), so the port cannot be re-read.
- ``reset``: the connection is closed before the PUT is forwarded, so
  Neutron never sees it.

Only 127.0.0.1 is listened on and forwarded to; the proxy stops with the
test that started it.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import threading
import urllib.parse

MODES = ('pass', 'lose-reply', 'lose-reply-then-down', 'reset')


class FaultProxy:
    def __init__(self, upstream: str):
        target = urllib.parse.urlsplit(upstream)
        assert target.hostname == '127.0.0.1', upstream
        self.upstream = (target.hostname, target.port or 80)
        self.mode = 'pass'
        self.down = False
        self.puts_seen = 0
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), self._handler()
        )
        self.url = f'http://127.0.0.1:{self._server.server_address[1]}'
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True
        )

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def arm(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            self.mode = mode
            self.down = False

    def _fault(self, method: str, path: str) -> str:
        """The fault this request meets, disarming a one-shot fault."""
        with self._lock:
            if self.down:
                return 'down'
            if method != 'PUT' or '/ports/' not in path:
                return 'pass'
            self.puts_seen += 1
            mode, self.mode = self.mode, 'pass'
            if mode == 'lose-reply-then-down':
                self.down = True
            return mode

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args: object) -> None:
                return None

            def _drop(self) -> None:
                # Close without a reply; SO_LINGER 0 makes it a reset.
                self.close_connection = True
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    b'\x01\x00\x00\x00\x00\x00\x00\x00',
                )
                self.connection.close()

            def _forward(self) -> None:
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                fault = proxy._fault(self.command, self.path)
                if fault in ('down', 'reset'):
                    self._drop()
                    return
                conn = http.client.HTTPConnection(*proxy.upstream,
                                                  timeout=60)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'connection')}
                conn.request(self.command, self.path, body, headers)
                reply = conn.getresponse()
                data = reply.read()
                conn.close()
                if fault in ('lose-reply', 'lose-reply-then-down'):
                    self._drop()
                    return
                self.send_response(reply.status, reply.reason)
                for key, value in reply.getheaders():
                    if key.lower() not in ('transfer-encoding',
                                           'connection',
                                           'content-length'):
                        self.send_header(key, value)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _forward

        return Handler
