"""Gunicorn for Tongxing (docs/deploy.md). Installed as /srv/tongxing/app/deploy/gunicorn.conf.py and used by
deploy/systemd/tongxing-web.service:

    gunicorn -c /srv/tongxing/app/deploy/gunicorn.conf.py tongxing.wsgi

Every value can be overridden from the environment file (GUNICORN_*), so the file itself stays as released.
Check it with:  .venv/bin/gunicorn --check-config -c deploy/gunicorn.conf.py tongxing.wsgi
"""

import os


def _cores() -> int:
    # The CPUs this process may run on (respects taskset/cpusets), not every CPU of the host.
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux, or the call refused
        return os.cpu_count() or 1


wsgi_app = "tongxing.wsgi:application"
chdir = os.environ.get("TONGXING_APP", "/srv/tongxing/app")

# Under systemd the listening socket comes from tongxing-web.socket (socket activation) and this address is not
# used; on an application host behind a remote nginx, that socket unit listens on the host's private address
# (docs/deploy.md, "Several hosts"). Run by hand, gunicorn binds this itself. Only nginx may reach gunicorn: the
# application trusts the X-Forwarded-* headers it receives (SECURE_PROXY_SSL_HEADER, TRUSTED_PROXY_COUNT).
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/tongxing-web.sock")]

# Sync workers: each handles one request at a time. A Tongxing request is short, mostly PostgreSQL reads plus
# template rendering (CPU, under the GIL), so threads would add connections and memory but little throughput; and a
# sync worker that hangs is killed by `timeout`, which a gthread worker's stuck thread is not. nginx buffers slow
# clients and uploads, so a worker is never held by a slow network. 2 × cores + 1 covers the time spent waiting
# on the database. Each worker keeps one database connection open (DB_CONN_MAX_AGE).
worker_class = "sync"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cores() + 1))

# Long exports (a province's list as Excel) and the national return run inside a request: allow two minutes, then
# the worker is killed and nginx answers 502. nginx's proxy_read_timeout for /reports/ is a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 2  # nginx → gunicorn over a local socket; sync workers close after each response anyway

# Recycle each worker after about a thousand requests (jittered so they do not all restart together): bounds any
# slow growth in memory without anyone noticing a restart.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Heartbeat files in memory, not on disk (the service's file system is read-only apart from its state directory).
worker_tmp_dir = "/dev/shm"

# Logs go to standard output/error, i.e. the journal. The access log has NO query string and NO referrer: query
# strings carry names and ID-number fragments typed into search, and the Referer header repeats the previous page's
# query string. %(U)s is the path alone. The client's address is the one nginx saw (X-Forwarded-For); nginx keeps
# its own access log in the same privacy-safe format.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "tongxing-web"

# X-Forwarded-Proto from nginx sets wsgi.url_scheme (Django also reads it: SECURE_PROXY_SSL_HEADER=1). Connections
# over a unix socket are trusted by gunicorn; over TCP only from these addresses (add the nginx hosts' addresses).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Gunicorn 25.1+ opens a control socket for `gunicornc` by default. systemd manages this server (reload = HUP,
# TTIN/TTOU to add/remove workers), so no second control channel. Older gunicorn ignores the name.
control_socket_disable = True
