"""The shipped gunicorn settings. No access log: client addresses are never written."""

import ctypes
import ctypes.util
import gc
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

# Restarts that work, even after the master was killed (`kill -9`, an out-of-memory kill):
# its workers keep the listening socket while they finish their requests, and a new master
# could not bind the port ("Errno 98 Address already in use") until they are gone.
# - reuse_port: SO_REUSEPORT, so the new master binds while old workers drain;
# - graceful_timeout: old workers get 10 s (not 30) to finish, then they are killed;
# - keepalive: idle keep-alive connections close after 2 s, so draining ends sooner.
# docs/deploy/gcm.service runs this under systemd with KillMode=mixed.
reuse_port = True
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "10"))
keepalive = 2

# The app is loaded once in the master, then the workers are forked from it: they share its
# code and objects instead of each loading its own copy (bench/worker_memory.py measures
# it). The cost: a code change needs a restart of the service, not a reload (HUP). Objects
# made while loading are moved out of the garbage collector's sight (gc.freeze), so that
# collections in a worker do not write to them and unshare their memory pages.
# GUNICORN_PRELOAD=0 loads the app in each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


# With threads (gthread), glibc gives threads that allocate at the same moment arenas of
# their own, up to 8 per core, and memory freed in one arena is not reused by another: a
# worker's resident memory creeps up. Two arenas hold it down (in process, 600 requests on 4
# threads: 4.3 to 5.1 MB of growth instead of 5.9 to 6.2). The cost: threads that allocate
# outside Python's lock (the database driver, compression) may wait for each other a little.
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # glibc's <malloc.h>


def fewer_malloc_arenas() -> bool:
    """Set before the workers are forked, so that they inherit it; False if not glibc."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    mallopt = getattr(libc, "mallopt", None)
    return bool(mallopt and mallopt(M_ARENA_MAX, MALLOC_ARENAS))


def when_ready(_server) -> None:
    if threads > 1:
        fewer_malloc_arenas()
    if preload_app:
        gc.freeze()
