"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py ictplan.wsgi`.

Every value can be changed from the environment, like the Django settings; options given on
the command line still win over this file.
"""

import os
import resource
import sys


def _env_int(name, default):
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cores():
    # The cores this process may run on (taskset, cpusets), not every core of the host.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# Behind the TLS proxy on the same host by default; GUNICORN_BIND=0.0.0.0:8000 to listen wider.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers, each serving one request at a time: the usual 2 × cores + 1, capped at 8 so
# that a big host does not open more PostgreSQL connections (one per worker, kept for
# CONN_MAX_AGE) and use more memory (up to WORKER_MAX_MEMORY_MB each) than a provincial
# portal needs. WEB_CONCURRENCY sets the number exactly.
workers = _env_int("WEB_CONCURRENCY", min(2 * _cores() + 1, 8))

# Workbook exports and imports take seconds, not minutes: a worker silent for longer is stuck,
# and the master replaces it. On a restart or reload, requests in flight get 30 s to finish.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Replace each worker after about 1,000 requests, so that slow leaks (openpyxl workbooks,
# plotly figures) never pile up; the jitter keeps the workers from all restarting at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Access log on stdout, next to the error log on stderr, for journald or the container runtime.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")

# A worker whose memory grew past this after a request (a large import, say) finishes that
# request and exits; the master starts a fresh one. 0 turns the check off.
WORKER_MAX_MEMORY_MB = _env_int("WORKER_MAX_MEMORY_MB", 300)


def worker_memory_mb():
    """Return the worker's resident memory in MB, now (Linux) or at its peak (elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            resident_pages = int(statm.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except OSError:
        # No /proc: the peak instead, which macOS counts in bytes and the BSDs in kilobytes.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def post_request(worker, req, environ, resp):
    """Retire this worker after the current request if its memory passed the bound.

    `alive = False` is how gunicorn's own max_requests retires a worker: it leaves its loop
    once the request is answered, nobody is cut off, and the master forks a replacement.
    """
    if not WORKER_MAX_MEMORY_MB or not worker.alive:
        return
    used = worker_memory_mb()
    if used > WORKER_MAX_MEMORY_MB:
        worker.log.warning(
            "Worker %s uses %.0f MB (> WORKER_MAX_MEMORY_MB=%s) after %s %s; restarting it.",
            worker.pid,
            used,
            WORKER_MAX_MEMORY_MB,
            req.method,
            req.path,
        )
        worker.alive = False
