"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py "quizapp:create_app()"`.

Workers keep no state of their own (sessions are signed cookies plus rows in
the database; rate limits are counted in the database, or Redis when
REDIS_URL is set), so any number of workers and servers can sit behind one
load balancer. on_starting refuses a bind beyond loopback outside production.
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
# Recycle each worker after this many requests (with jitter, so that they do
# not all restart at once): a guard against slow memory growth, rare enough
# that recycling costs nothing noticeable (with preload_app, a fork).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without query strings: "%(U)s" is the path only, and no user
# names, cookies or form data are ever logged.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"

# Load the app once, in the master, and fork the workers from it: a worker
# that is recycled (max_requests) starts in milliseconds instead of loading
# and validating all the content again (about 2.5 s of CPU each time), and
# the workers share the loaded content's memory. GUNICORN_PRELOAD=0 turns it
# off (each worker then loads the app itself).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def on_starting(server):
    """Refuse to listen beyond loopback outside production or with the
    development secret key (quizapp.config.check_bind says why)."""
    from quizapp import config

    config.check_bind(config.from_env(""), list(server.cfg.bind))


def _flask_app(worker):
    """The Flask app gunicorn loaded (a worker's, or the master's with preload)."""
    app = worker.app.wsgi()
    return app if hasattr(app, "app_context") else None


def when_ready(server):
    """With preload, before the workers are forked: compile every template
    once, here (about 0.5 s), instead of in each worker on its first
    requests and again in each recycled one, which made the first pages of a
    busy morning wait. Then everything loaded so far is long-lived: move it
    out of the garbage collector's sight, so that its collections only walk
    what requests allocate and do not touch (and so copy) the shared pages."""
    import gc

    app = _flask_app(server) if server.cfg.preload_app else None
    if app is not None:
        from quizapp import compile_templates

        server.log.info("Compiled %d templates before forking the workers", compile_templates(app))
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    """A forked worker must not use the master's database connections: drop
    the inherited pool (without closing the master's sockets) so that the
    worker opens its own."""
    app = _flask_app(worker) if server.cfg.preload_app else None
    extension = app.extensions.get("sqlalchemy") if app is not None else None
    if extension is not None:
        with app.app_context():
            for engine in extension.engines.values():
                engine.dispose(close=False)


def post_worker_init(worker):
    """Without preload, the same for what this worker loaded itself."""
    if not worker.cfg.preload_app:
        import gc

        gc.collect()
        gc.freeze()
