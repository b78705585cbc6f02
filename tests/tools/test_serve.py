"""Tests for csp_data.tools.serve."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading

from csp_data.tools.serve import wait_until_healthy


def test_false_when_the_process_exits_first() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert wait_until_healthy("http://127.0.0.1:9", proc, timeout_s=30) is False


def test_false_after_the_timeout_while_the_process_runs() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert wait_until_healthy("http://127.0.0.1:9", proc, timeout_s=0.5, poll_s=0.1) is False
        assert proc.poll() is None
    finally:
        proc.kill()


def test_true_once_the_health_endpoint_answers() -> None:
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/_stcore/health" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert wait_until_healthy(f"http://127.0.0.1:{server.server_port}", proc, timeout_s=10) is True
    finally:
        proc.kill()
        server.shutdown()
