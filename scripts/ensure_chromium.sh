#!/usr/bin/env bash
# Install Debian's chromium for the browser tests when it is missing (needs root and the Debian mirror).
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then echo "chromium missing and not root: cannot install" >&2; exit 1; fi
if ! command -v apt-get >/dev/null; then echo "chromium missing and no apt-get" >&2; exit 1; fi
(apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1))
[ -x /usr/bin/chromium ]
