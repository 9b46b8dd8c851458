"""The shipped gunicorn settings. No access log: client addresses are never written."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning")
# Proxies are trusted by the app itself (TRUSTED_PROXY_COUNT), not by gunicorn.
forwarded_allow_ips = "127.0.0.1"
