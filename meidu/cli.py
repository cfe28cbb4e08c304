"""The `meidu` command: demo, serve, worker, beat, seed, check, keys, verify-statement, manage."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading

EXIT_UNSAFE = 2


def _django(mode: str | None = None) -> None:
    if mode:
        os.environ["MEIDU_MODE"] = mode
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _seed() -> None:
    from tqdm import tqdm

    from meidu.demo_data import DEMO_STEPS

    with tqdm(total=len(DEMO_STEPS), desc="Demo data", unit="step") as bar:
        for label, step in DEMO_STEPS:
            bar.set_postfix_str(label)
            step()
            bar.update(1)


def _print_welcome() -> None:
    from django.conf import settings

    from meidu.accounts.demo_data import DEMO_PASSWORD, DEMO_USERS
    from meidu.demo_data import DEMO_MORE_LOGINS

    base = settings.PUBLIC_URL.rstrip("/")
    print()
    print("Meidu Market is running (demo mode, embedded PostgreSQL). Ctrl-C stops it.")
    print(f"  Storefront      {base}/")
    print(f"  Magnesia prices {base}/exchange/prices/")
    print(f"  GraphQL         {base}/graphql/")
    print(f"  Admin           {base}/admin/")
    print(f"  JWKS            {base}/.well-known/jwks.json")
    print(f"Demo logins (password {DEMO_PASSWORD}):")
    for demo in DEMO_USERS:
        print(f"  {demo.role.value:<20} {demo.phone}")
    for label, phone in DEMO_MORE_LOGINS:
        print(f"  {label:<20} {phone}")
    print(flush=True)


def _start_scheduler():
    """Demo mode has no broker and no beat: run the beat schedule's jobs from a thread, while this
    process holds the database's schedule lock (another demo or a beat on the same database runs
    them otherwise, and this one stands by)."""
    from meidu.runtime.schedule_lock import beat_schedule_lock
    from meidu.runtime.scheduler import JobRunner, beat_jobs, schedule_table

    lock, jobs = beat_schedule_lock("demo"), beat_jobs()
    if lock.acquire():
        print("Periodic jobs (the `meidu beat` schedule, run in this process):")
        print("\n".join(schedule_table(jobs)), flush=True)
    else:
        print(
            f"Periodic jobs: {lock.holder() or 'another process'} runs them on this database; "
            "this process stands by and takes over if it stops.",
            flush=True,
        )
    return JobRunner(jobs, lock=lock).start()


def demo_public_url(host: str, port: int) -> str:
    """Where the demo answers, for receipt QR codes, JWT issuers and webhook headers."""
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM end the demo through a normal exit, so the embedded PostgreSQL is
    stopped too (a shell without job control starts background jobs with SIGINT ignored)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def cmd_demo(args) -> int:
    """Migrate, load demo data and serve on embedded PostgreSQL, with the periodic jobs."""
    _stop_on_signals()
    if not os.environ.get("DATABASE_URL"):
        print("Starting the embedded PostgreSQL in var/pgdata ...", flush=True)
    # The public URL follows the port unless PUBLIC_URL is set (an explicit proxy address wins).
    if not os.environ.get("PUBLIC_URL", "").strip():
        os.environ["PUBLIC_URL"] = demo_public_url(args.host, args.port)
    _django("demo")
    from django.core.management import call_command

    print("Migrating ...", flush=True)
    _migrate()
    if not args.no_seed:
        _seed()
    if args.no_serve:
        return 0
    runner = _start_scheduler()
    try:
        _print_welcome()
        call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
    finally:
        if not runner.stop():
            print("A periodic job was still running at exit.", file=sys.stderr)
    return 0


# Signals a gunicorn master acts on (stop, reload, re-open logs, add/remove workers).
FORWARDED_SIGNALS = (
    signal.SIGTERM,
    signal.SIGINT,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGTTIN,
    signal.SIGTTOU,
    signal.SIGWINCH,
)


def _die_with_parent() -> None:
    """In the child before exec (Linux): SIGTERM when `meidu serve` itself dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_forwarding_signals(command: list[str]) -> int:
    """Run a server as a child, pass it every signal it acts on, and return its exit status,
    so that stopping `meidu serve` stops gunicorn and its workers (and frees the port)."""
    child = subprocess.Popen(command, preexec_fn=_die_with_parent)

    def forward(signum, frame):
        if child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        return child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_serve(args) -> int:
    """Serve with gunicorn after refusing unsafe settings."""
    _django()
    from meidu.runtime.safety import serving_problems, serving_warnings

    problems = serving_problems()
    if problems:
        print("meidu serve: refusing to start:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_UNSAFE
    for warning in serving_warnings(workers=args.workers):
        print(f"meidu serve: warning: {warning}", file=sys.stderr, flush=True)
    fleet = _join_fleet(args.port)
    if fleet is False:
        return EXIT_UNSAFE
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "meidu.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
    ]
    if args.threads > 1:
        # Threads per worker, with keep-alive: cached reads (meidu/core/graphql/fast_path.py) are
        # answered without the TCP handshake a sync worker pays on each request.
        command += ["--worker-class", "gthread", "--threads", str(args.threads), "--keep-alive", "30"]
    stop = threading.Event()
    if fleet is not None:
        fleet.heartbeat(stop)
    try:
        return run_forwarding_signals(command)
    finally:
        stop.set()
        if fleet is not None:
            _leave_fleet(fleet)


def _join_fleet(port: int):
    """With REDIS_URL: compare this machine's secrets, keys and stores with the other live web machines'
    (meidu.runtime.fleet) and announce it. The Fleet; None without Redis (or when it does not answer:
    a warning); False after printing the refusal when a machine serves with different settings."""
    import socket

    from redis.exceptions import RedisError

    from meidu.runtime.fleet import fingerprint, redis_fleet

    fleet = redis_fleet(f"{socket.gethostname()}:{port}")
    if fleet is None:
        return None
    mine = fingerprint()
    try:
        problems = fleet.problems(mine)
        if not problems:
            fleet.announce(mine)
    except RedisError as exc:
        print(
            f"meidu serve: warning: REDIS_URL does not answer ({exc}): this machine's settings were not compared "
            "with the other web machines'.",
            file=sys.stderr,
            flush=True,
        )
        return None
    if problems:
        print("meidu serve: refusing to start beside web machines that serve otherwise:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return False
    return fleet


def _fleet_problems() -> list[str]:
    """What the live web machines announced in Redis serve otherwise than this machine would (`meidu check`)."""
    import socket

    from redis.exceptions import RedisError

    from meidu.runtime.fleet import fingerprint, redis_fleet

    fleet = redis_fleet(f"{socket.gethostname()}:check")
    if fleet is None:
        return []
    try:
        return fleet.problems(fingerprint())
    except RedisError as exc:
        return [f"REDIS_URL does not answer ({exc})."]


def _leave_fleet(fleet) -> None:
    from redis.exceptions import RedisError

    try:
        fleet.leave()
    except RedisError:
        pass


def _celery(kind: str, extra: list[str]) -> int:
    _django()
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        print(
            f"meidu {kind}: set CELERY_BROKER_URL (redis://... or amqp://...); without it tasks run eagerly.",
            file=sys.stderr,
        )
        return EXIT_UNSAFE
    from meidu.celery import app

    argv = [kind, "--loglevel", "INFO", *extra]
    if kind == "beat":
        argv += ["--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME]
        from meidu.runtime.schedule_lock import beat_schedule_lock, hold_while_running, wait_for_lock

        lock = beat_schedule_lock("beat")
        wait_for_lock(lock, announce=lambda line: print(f"meidu beat: {line}", file=sys.stderr, flush=True))
        hold_while_running(lock)
    app.start(argv=argv)
    return 0


def cmd_worker(args) -> int:
    """Run a Celery worker on CELERY_BROKER_URL."""
    return _celery("worker", ["--concurrency", str(args.concurrency)])


def cmd_beat(args) -> int:
    """Run Celery beat (periodic tasks such as the outbox relay): one per database, a second one waits
    for the first's schedule lock and takes over when it stops."""
    return _celery("beat", [])


def cmd_seed(args) -> int:
    """Load the demo data (idempotent); --products N also makes sure N bulk benchmark products exist."""
    _django()
    from django.conf import settings

    if not (settings.DEMO_MODE or settings.TEST_MODE):
        # Refused before anything is written (not even migrations): demo logins share a published
        # password and the demo orders are paid through the offline gateway, absent in production.
        print(
            f"meidu seed: refusing to load the demo data in {settings.MEIDU_MODE} mode: it adds demo logins "
            f"with the published password and orders paid through the offline test gateway.\n"
            "  Load it into a demo or staging database on purpose with MEIDU_MODE=demo meidu seed.",
            file=sys.stderr,
        )
        return EXIT_UNSAFE
    _migrate()
    _seed()
    if args.products:
        from marketplace.bulk_seed import bulk_seed_products

        created = bulk_seed_products(args.products)
        print(f"{created} bulk products created ({args.products} wanted).")
    return 0


def _print_payment_gateways() -> None:
    """Which payment gateways are configured (keys present) and offered, and what keeps the others off."""
    from django.conf import settings

    from marketplace.payments.gateways import gateways_configuration

    production = not (settings.DEMO_MODE or settings.TEST_MODE)
    for gateway_id, available, problems in gateways_configuration(production=production):
        state = "configured" if available else "not configured"
        detail = f" ({'; '.join(problems)})" if problems else ""
        print(f"Payment gateway {gateway_id}: {state}{detail}")


def cmd_search_reindex(args) -> int:
    """Rebuild every search document (products, exchange grades) in one backend or in every index
    backend (PostgreSQL always, Elasticsearch when configured), with a progress bar and a count."""
    _django()
    from tqdm import tqdm

    from magnesium_exchange.commodities.services import grade_search_rebuild
    from marketplace.catalog.models import Product
    from marketplace.catalog.services_search import product_search_reindex
    from meidu.core.search.backend import backend_by_name
    from meidu.core.search.spec import SearchUnavailable

    total = Product.objects.count()
    try:
        with tqdm(total=total, unit="product", disable=args.quiet) as bar:
            written = product_search_reindex(args.backend, batch_size=args.batch, progress=bar.update)
        grades = 0
        if args.backend in (None, "postgres"):
            grades = grade_search_rebuild()
        elif args.backend == "elasticsearch":
            from magnesium_exchange.commodities.search import GRADES
            from magnesium_exchange.commodities.services import grade_search_documents

            grades = backend_by_name("elasticsearch").reindex(GRADES, [(grade_search_documents(), {})])
    except SearchUnavailable as exc:
        print(f"meidu search reindex: {exc}", file=sys.stderr)
        return 1
    print(
        f"{written} product documents and {grades} exchange grade documents written ({args.backend or 'all backends'})."
    )
    if args.backend in (None, "postgres"):
        from marketplace.search.spec import PRODUCTS
        from meidu.core.search.postings import term_matches

        terms = term_matches(PRODUCTS)
        print(f"{len(terms)} frequent terms with postings (a word matching >= SEARCH_POSTINGS_MIN_MATCHES products).")
    return 0


def cmd_check(args) -> int:
    """System checks, unapplied migrations and serving safety; non-zero exit on any problem."""
    _django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from meidu.runtime.safety import serving_problems

    status = 0
    try:
        call_command("check")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        status = 1
    try:
        call_command("migrate", check_unapplied=True, verbosity=0)
    except SystemExit:
        print("There are unapplied migrations: run `meidu manage migrate`.", file=sys.stderr)
        status = 1
    for problem in serving_problems():
        print(f"Unsafe to serve: {problem}", file=sys.stderr)
        status = EXIT_UNSAFE
    for problem in _fleet_problems():
        print(f"Unsafe to serve: {problem}", file=sys.stderr)
        status = EXIT_UNSAFE
    from marketplace.payments.gateways.alipay.checks import alipay_check

    alipay_line, alipay_problems = alipay_check()
    print(alipay_line)
    for problem in alipay_problems:
        print(f"Unsafe to serve: {problem}", file=sys.stderr)
        status = EXIT_UNSAFE
    _print_payment_gateways()
    if status == 0:
        print("All checks passed.")
    return status


def cmd_keys(args) -> int:
    """Rotate the signing keys (a new RSA key for tokens and webhooks and a new Ed25519 key for signed
    statements; old keys keep verifying until removed), or `ensure` both exist (for container start-up)."""
    _django()
    from meidu.core.keys import generate_key, keys_dir
    from meidu.core.statements import statement_key_generate, statement_keys_dir

    ensure = args.keys_command == "ensure"
    if ensure and any(keys_dir().glob("*.pem")):
        print(f"A signing key exists in {keys_dir()}")
    else:
        key = generate_key()
        print(f"New signing key {key.kid} written to {key.path}")
    if ensure and statement_keys_dir().exists() and any(statement_keys_dir().glob("*.pem")):
        print(f"A statement key exists in {statement_keys_dir()}")
    else:
        statement = statement_key_generate()
        print(f"New statement key {statement.kid} written to {statement_keys_dir()}")
    return 0


EXIT_INVALID = 1
JWKS_FETCH_TIMEOUT_SECONDS = 10


def _load_jwks(source: str | None):
    """The JWKS from a local file, from a URL, or from PUBLIC_URL/.well-known/jwks.json; (jwks, None) or
    (None, problem)."""
    import json
    import urllib.request
    from pathlib import Path

    if not source:
        _django()
        from django.conf import settings

        source = settings.PUBLIC_URL.rstrip("/") + "/.well-known/jwks.json"
    try:
        if source.startswith(("http://", "https://")):
            request = urllib.request.Request(
                source, headers={"Accept": "application/json", "User-Agent": "meidu-verify-statement"}
            )
            with urllib.request.urlopen(request, timeout=JWKS_FETCH_TIMEOUT_SECONDS) as response:
                document = json.loads(response.read(1_000_000))
        else:
            document = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return None, f"cannot read the JWKS from {source}: {exc}"
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        return None, f"{source} is not a JWKS document (an object with a list of keys)"
    return document, None


def cmd_verify_statement(args) -> int:
    """Check a signed statement (a compact JWS, as receiptVerify returns it) offline: exit 0 and print its
    claims when valid, 1 with the reason when not, 2 when the file or the keys cannot be read."""
    import json
    from pathlib import Path

    from meidu.core.statements import StatementInvalid, statement_verify

    try:
        token = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"meidu verify-statement: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNSAFE
    jwks, problem = _load_jwks(args.jwks)
    if problem:
        print(f"meidu verify-statement: {problem}", file=sys.stderr)
        return EXIT_UNSAFE
    try:
        claims = statement_verify(token.strip(), jwks)
    except StatementInvalid as invalid:
        print(f"INVALID ({invalid.reason}): {invalid}")
        return EXIT_INVALID
    print("VALID")
    print(json.dumps(claims, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def cmd_manage(args) -> int:
    """Run a Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meidu.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["meidu manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meidu", description="Meidu Market command line.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help=cmd_demo.__doc__, description=cmd_demo.__doc__)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="Prepare the database and demo data, then exit.")
    demo.add_argument(
        "--no-seed", action="store_true", help="Serve the database as it is (skip loading the demo data)."
    )
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help=cmd_serve.__doc__, description=cmd_serve.__doc__)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--threads", type=int, default=1, help="Threads per worker (above 1: gthread workers, keep-alive)."
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help=cmd_worker.__doc__, description=cmd_worker.__doc__)
    worker.add_argument("--concurrency", type=int, default=2)
    worker.set_defaults(func=cmd_worker)

    beat = sub.add_parser("beat", help=cmd_beat.__doc__, description=cmd_beat.__doc__)
    beat.set_defaults(func=cmd_beat)

    seed = sub.add_parser("seed", help=cmd_seed.__doc__, description=cmd_seed.__doc__)
    seed.add_argument(
        "--products",
        type=int,
        default=0,
        metavar="N",
        help="Also make sure N bulk products (SKU BULK-...) exist, written with bulk_create for benchmarks.",
    )
    seed.set_defaults(func=cmd_seed)

    search = sub.add_parser("search", help="Search indexes.", description="Search indexes.")
    search_sub = search.add_subparsers(dest="search_command", required=True, metavar="ACTION")
    reindex = search_sub.add_parser("reindex", help=cmd_search_reindex.__doc__, description=cmd_search_reindex.__doc__)
    reindex.add_argument("--backend", choices=["postgres", "elasticsearch"], default=None)
    reindex.add_argument("--batch", type=int, default=1000, help="Documents per batch (default 1000).")
    reindex.add_argument("--quiet", action="store_true", help="No progress bar.")
    reindex.set_defaults(func=cmd_search_reindex)

    check = sub.add_parser("check", help=cmd_check.__doc__, description=cmd_check.__doc__)
    check.set_defaults(func=cmd_check)

    keys = sub.add_parser("keys", help="Manage signing keys.", description="Manage signing keys.")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = keys_sub.add_parser("rotate", help=cmd_keys.__doc__, description=cmd_keys.__doc__)
    rotate.set_defaults(func=cmd_keys)
    ensure = keys_sub.add_parser("ensure", help="Create a signing key only if there is none.")
    ensure.set_defaults(func=cmd_keys)

    verify = sub.add_parser(
        "verify-statement", help=cmd_verify_statement.__doc__, description=cmd_verify_statement.__doc__
    )
    verify.add_argument("file", metavar="FILE", help="The statement (compact JWS) in a file, or - for standard input.")
    verify.add_argument(
        "--jwks",
        metavar="FILE_OR_URL",
        help="The public keys: a JWKS file (offline) or URL; default PUBLIC_URL/.well-known/jwks.json.",
    )
    verify.set_defaults(func=cmd_verify_statement)

    manage = sub.add_parser("manage", help=cmd_manage.__doc__, description=cmd_manage.__doc__)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
