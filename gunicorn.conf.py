"""gunicorn's settings for serving the site in production:

    gunicorn -c gunicorn.conf.py lms_site.wsgi

gunicorn runs this file and keeps the names it knows (gunicorn.config); it also reads a
gunicorn.conf.py in the working directory when no `-c` is given. Options on the command line
and in GUNICORN_CMD_ARGS win over the values here.

What a deployer tunes, from the environment (defaults in brackets):
  GUNICORN_BIND     address(es) to listen on, comma-separated [0.0.0.0:$PORT when PORT is set,
                    else 127.0.0.1:8000]
  WEB_CONCURRENCY   worker processes [the CPUs this process may use, at least 2]
  GUNICORN_THREADS  threads per worker [4]
  GUNICORN_KEEPALIVE  seconds an idle keep-alive connection stays open [75]: more than the idle
                    timeout of the proxy or load balancer in front (see `keepalive` below)
  GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT [30, 25]
  GUNICORN_MAX_REQUESTS, GUNICORN_MAX_REQUESTS_JITTER [1000, 100]; 0 turns recycling off
  GUNICORN_ACCESS_LOG  where the access log goes ["-", standard output]
  GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket (`gunicornc`) [none]
"""

import os


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _available_cpus():
    """CPUs this process may run on (a container's cpuset, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Where to listen. Behind a proxy on the same machine, loopback; on platforms that hand the app a
# port (Heroku, Render, Cloud Run...) in PORT, every interface on that port, as gunicorn itself
# would. GUNICORN_BIND names the address(es) outright, e.g. "unix:/run/pinewood.sock".
if os.environ.get("GUNICORN_BIND", "").strip():
    bind = [address.strip() for address in os.environ["GUNICORN_BIND"].split(",") if address.strip()]
elif os.environ.get("PORT", "").strip():
    bind = [f"0.0.0.0:{os.environ['PORT'].strip()}"]  # noqa: S104 - the platform routes PORT to us
else:
    bind = ["127.0.0.1:8000"]

# Threaded workers: the only bundled worker without extra packages that keeps connections alive.
# Checked in gunicorn 27's source: the sync worker calls `resp.force_close()` on every response
# (workers/sync.py, "Force the connection closed until someone shows a buffering proxy that
# supports Keep-Alive") and ignores `keepalive`; the gthread worker parks an idle connection in
# its poller (`keepalived_conns`) for `keepalive` seconds (workers/gthread.py). Its main thread
# also answers the arbiter's heartbeat while requests run in the pool.
worker_class = "gthread"

# One process per CPU: Python runs one thread of a process at a time, so more processes than
# CPUs only adds memory; at least two, so one worker recycling or stuck never leaves the site
# without one. Platforms set WEB_CONCURRENCY to what fits their memory.
workers = _env_int("WEB_CONCURRENCY", max(2, _available_cpus()))

# Threads per worker: requests mostly wait on the database, the cache or storage, during which
# another thread runs. Each thread holds its own database connection (with CONN_MAX_AGE > 0 it
# stays open): keep workers x threads (x servers) under the database's connection limit.
threads = _env_int("GUNICORN_THREADS", 4)

# Seconds an idle keep-alive connection stays open. Whichever end gives up on an idle connection
# first closes it; if gunicorn does while the proxy is sending the next request on it, that
# request gets no response (a proxy does not retry a POST). With gunicorn's default of 2 s this
# dropped 1-3 POSTs a minute in our load check; with 5 s, none in 1,250. So gunicorn must wait
# longer than the proxy keeps idle upstream connections, and the proxy always closes first:
# AWS ALB's idle timeout is 60 s by default, nginx's upstream `keepalive_timeout` 60 s (nginx's
# 75 s `keepalive_timeout` in http/server is its client side, not this). Google Cloud's load
# balancers keep backend connections 600 s: set GUNICORN_KEEPALIVE=620 there. An idle connection
# costs a socket in the worker's poller, not a thread.
keepalive = _env_int("GUNICORN_KEEPALIVE", 75)

# A worker whose main thread has not reported to the arbiter for this long is killed and
# replaced. With threaded workers this catches a hung process, not a slow request (the main thread
# keeps reporting while requests run): a request's time limit is the proxy's read timeout.
timeout = _env_int("GUNICORN_TIMEOUT", 30)

# On SIGTERM (a deploy, a scale-down), workers stop accepting, finish the requests they have and
# answer any request arriving on a kept-alive connection with "Connection: close"; after this
# many seconds they are killed. Below the 30 s that Kubernetes, ECS and Heroku wait before
# SIGKILL, so the workers, not the platform, end it.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)

# Recycle each worker after about this many requests, so memory a long-lived process gathers
# (fragmentation, caches that grow) is given back. The jitter adds 0..500 per worker so they do
# not restart together: with equal load and a jitter of 100, two workers were seen recycling
# within 3 s of each other, leaving the server with no worker ready while the new ones imported
# the app (bench/faults.py). A recycling worker finishes its requests and closes its connections
# with "Connection: close", so no request is lost.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# Access log on standard output (the platform's log collector), error log on standard error
# (gunicorn's default). One line per request: the peer (the proxy), the client address the proxy
# reports (X-Forwarded-For, as sent: not verified), time, method, path without the query string
# (search terms stay out of the log), protocol, status, bytes, duration in milliseconds, user
# agent and the proxy's request id (X-Request-ID) to match its own log. Paths can still hold
# one-time tokens (invitation and password-reset links): keep the log private.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = (
    '%(h)s %({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}i)s'
)

# gunicorn 25+ opens a control socket in $XDG_RUNTIME_DIR or ~/.gunicorn by default, one path
# shared by every gunicorn of the user: a second server on the machine would take it over. Only
# where asked for.
if os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip():
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"].strip()
else:
    control_socket_disable = True
