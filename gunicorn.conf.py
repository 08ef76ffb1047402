"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "quizapp:create_app()"`.

Workers keep no state of their own (sessions are signed cookies plus rows in
the database; rate limits live in Redis when REDIS_URL is set), so any number
of workers and servers can sit behind one load balancer.
"""
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without query strings: "%(U)s" is the path only, and no user
# names, cookies or form data are ever logged.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"


def post_worker_init(worker):
    """Once the app is loaded (its content, templates and code: long-lived
    objects), move everything so far out of the garbage collector's sight, so
    that its full collections only walk what requests allocate."""
    import gc

    gc.collect()
    gc.freeze()
