"""A loopback HTTP proxy in front of the real Neutron that holds requests.

For hostile tests of commands that make several writes: the proxy can hold
the n-th write (POST, PUT or DELETE) until the test releases it, so that
the test kills the client at that moment (``kill -9``) and then lets the
write reach Neutron or drops it; and it can hold the first write of each
of several clients until all of them have reached it, so that two runs
read the same state and then write at once.

Only 127.0.0.1 is listened on and forwarded to; the proxy stops with the
test that started it.
"""

from __future__ import annotations

import http.client
import http.server
import threading
import urllib.parse

WRITES = ('POST', 'PUT', 'DELETE')


class HoldProxy:
    def __init__(self, upstream: str):
        target = urllib.parse.urlsplit(upstream)
        assert target.hostname == '127.0.0.1', upstream
        self.upstream = (target.hostname, target.port or 80)
        self.writes: list[tuple[str, str]] = []
        self.held = threading.Event()
        # Set once the held write was answered by Neutron, or dropped.
        self.settled = threading.Event()
        self._lock = threading.Lock()
        self._hold_at: int | None = None
        self._release = threading.Event()
        self._forward_held = True
        self._barrier: threading.Barrier | None = None
        self._barrier_path = ''
        self._barrier_left = 0
        self._server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), self._handler())
        self.url = f'http://127.0.0.1:{self._server.server_address[1]}'
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        daemon=True)

    def __enter__(self) -> HoldProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def hold(self, nth: int) -> None:
        """Hold the ``nth`` write (1-based) from now until :meth:`release`."""
        with self._lock:
            self.writes = []
            self._hold_at = nth
            self.held.clear()
            self.settled.clear()
            self._release.clear()

    def release(self, forward: bool) -> None:
        """Let the held write reach Neutron, or drop it; return once done."""
        with self._lock:
            self._forward_held = forward
            self._hold_at = None
        self._release.set()
        assert self.settled.wait(timeout=120), 'the held write never ended'

    def together(self, parties: int, path_part: str) -> None:
        """Hold writes whose path has ``path_part`` until ``parties`` came.

        The first ``parties`` such writes (one of each of as many clients)
        are sent on to Neutron at once.
        """
        with self._lock:
            self._barrier = threading.Barrier(parties, timeout=120)
            self._barrier_path = path_part
            self._barrier_left = parties

    def _wait(self, method: str, path: str) -> tuple[bool, bool]:
        """Whether to forward this request, after any hold; whether held."""
        if method not in WRITES:
            return True, False
        barrier = None
        with self._lock:
            self.writes.append((method, path))
            mine = self._hold_at == len(self.writes)
            if self._barrier_left and self._barrier_path in path:
                self._barrier_left -= 1
                barrier = self._barrier
        if barrier is not None:
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        if not mine:
            return True, False
        self.held.set()
        self._release.wait(timeout=300)
        return self._forward_held, True

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args: object) -> None:
                return None

            def _forward(self) -> None:
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                forward, held = proxy._wait(self.command, self.path)
                try:
                    self._answer(body, forward)
                finally:
                    if held:
                        proxy.settled.set()

            def _answer(self, body: bytes | None, forward: bool) -> None:
                if not forward:
                    self.close_connection = True
                    self.connection.close()
                    return
                conn = http.client.HTTPConnection(*proxy.upstream,
                                                  timeout=120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'connection')}
                conn.request(self.command, self.path, body, headers)
                reply = conn.getresponse()
                data = reply.read()
                conn.close()
                try:
                    self.send_response(reply.status, reply.reason)
                    for key, value in reply.getheaders():
                        if key.lower() not in ('transfer-encoding',
                                               'connection',
                                               'content-length'):
                            self.send_header(key, value)
                    self.send_header('Content-Length', str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    # The client was killed while its request was held.
                    self.close_connection = True

            do_GET = do_PUT = do_POST = do_DELETE = _forward

        return Handler
