"""The production server's configuration: `make serve` and `make bench` both use this file.

gunicorn reads it from the working directory (the repository root) or through ``-c``. Settings come
from the environment so that one file serves every deployment:

- ``BIND`` (default ``127.0.0.1:$PORT``, ``PORT`` default 8000) where to listen; a proxy in front
  terminates TLS (see ``PROXY_FIX`` in README).
- ``WEB_CONCURRENCY`` the number of sync worker processes (default 2).
- ``GUNICORN_TIMEOUT`` seconds before a stuck worker is restarted (default 30).
- ``ACCESS_LOG`` where the access log goes (default ``-``, standard output; ``off`` for none).
"""
import os

import gunicorn.http.wsgi

wsgi_app = "core:create_app()"
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Each worker builds its own app (and database engine) after the fork: no connection is shared
# between processes.
preload_app = False

# The access log names the path only (%(U)s), never the query string (%(q)s) or the request line
# (%(r)s), nor the referring page (%(f)s, which carries the previous page's query): search terms
# are personal data (a name, an e-mail address).
accesslog = None if os.environ.get("ACCESS_LOG") == "off" else os.environ.get("ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# No server version in the answers: gunicorn sends ``Server: <SERVER>``; name no software at all.
SERVER_HEADER = "mentorkorps"
gunicorn.http.wsgi.SERVER = SERVER_HEADER


# Python's garbage collector in each worker. A page that loads rows makes objects that refer to each
# other (ORM rows and their relationships, template contexts); the collector frees them, but by
# default it also walks, over and over, the ~180,000 objects the app made at start-up (routes,
# mappers, templates, translations), which are never garbage. gc.freeze() moves those out of its
# sight, and a larger first threshold makes it run every few requests instead of every few hundred
# allocations. Measured in-process on a volunteer's page: 1.9 ms of collection per request before,
# 0.7 ms after. Memory stays bounded: what is garbage is still collected.
GC_THRESHOLD = (20_000, 10, 10)


def post_worker_init(worker):
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
