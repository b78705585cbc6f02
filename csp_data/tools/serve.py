"""Waiting for a Streamlit server started as a subprocess (benchmarks, the load test, browser tests)."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_until_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float, poll_s: float = 0.3) -> bool:
    """True once ``url``/_stcore/health answers; False when ``proc`` exits first or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return True
        except OSError:
            if proc.poll() is not None:
                return False
            time.sleep(poll_s)
    return False
