# The CSP dashboard in one image, built from the repository alone: `docker build -t csp-dashboard .`
# Deployment set-ups (one VM, a county on one server, replicas behind a load balancer): docs/deploy.md.
# The install and run commands are the README's (`make run`); tests/test_deploy.py keeps them equal.
FROM python:3.11-slim

# Chromium renders PDF reports (headless); build with --build-arg WITH_CHROMIUM=0 for a smaller image.
ARG WITH_CHROMIUM=1
RUN if [ "$WITH_CHROMIUM" = "1" ]; then \
        apt-get update && apt-get install -y --no-install-recommends chromium \
        && rm -rf /var/lib/apt/lists/*; \
    fi

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CSP_DATA_DIR=/data

WORKDIR /app
COPY requirements.txt .
RUN python -m pip install --quiet --disable-pip-version-check -r requirements.txt

COPY . .
# A non-root user; it may write only the data directory (the volume) and the Parquet store folder.
RUN useradd --create-home --uid 10001 --user-group csp \
    && mkdir -p /data /app/.csp_store \
    && chown csp:csp /data /app/.csp_store
USER csp

EXPOSE 8501
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.fileWatcherType", "none"]
