"""Settings read from the environment; see the table in README.md.

MEIDU_MODE selects the defaults: ``demo`` (embedded PostgreSQL, eager Celery,
DEBUG, GraphiQL), ``test`` (used by pytest) and ``production`` (the default:
nothing insecure is assumed, ``meidu serve`` refuses weak settings).
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from meidu.runtime import paths
from meidu.runtime.database import database_settings, replica_databases
from meidu.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = paths.BASE_DIR
VAR_DIR = paths.VAR_DIR

MEIDU_MODE = env_str("MEIDU_MODE", "production")
DEMO_MODE = MEIDU_MODE == "demo"
TEST_MODE = MEIDU_MODE == "test"

DEBUG = env_bool("DEBUG", default=DEMO_MODE)

INSECURE_SECRET_KEY = "insecure-secret-key-set-SECRET_KEY"
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    # Demo and test runs get a random key kept under var/; production must set one
    # (meidu.runtime.safety refuses to serve with this placeholder).
    SECRET_KEY = paths.local_secret("secret_key") if (DEMO_MODE or TEST_MODE) else INSECURE_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphene_django",
    "meidu.core",
    "meidu.core.ledger",
    "meidu.core.audit",
    "meidu.core.idempotency",
    "meidu.wiring",  # connects every hook's subscribers (meidu/wiring/__init__.py)
    "meidu.accounts",
    "meidu.integrations",
    "logistics.geography",
    "logistics.shipments",
    "logistics.routing",
    "logistics.cash",
    "logistics.carriers",
    "marketplace.channels",
    "marketplace.shops",
    "marketplace.catalog",
    "marketplace.search",
    "marketplace.inventory",
    "magnesium_exchange.commodities",
    "magnesium_exchange.members",
    "magnesium_exchange.warehouses",
    "magnesium_exchange.marketdata",
    "magnesium_exchange.trading",
    "magnesium_exchange.settlement",
    "magnesium_exchange.financing",
    "magnesium_exchange.credit",
    "marketplace.shipping",
    "marketplace.checkout",
    "marketplace.orders",
    "marketplace.presale",
    "marketplace.payments",
    "marketplace.settlement",
    "marketplace.reviews",
    "marketplace.complaints",
    "incubator.supply",
    "incubator.distribution",
    "incubator.referrals",
    "incubator.commission",
    "incubator.training",
    "incubator.prices",
    "incubator.posts",
    "incubator.fairs",
    "marketplace.assisted",
    "storefront.shell",
    "storefront.shop",
    "storefront.seller",
    "storefront.exchange",
    "storefront.station",
    "storefront.operator",
    "storefront.bank",
    "storefront.distributor",
    "storefront.learn",
    "storefront.incubator",
    "storefront.farm",
]

MIDDLEWARE = [
    "meidu.core.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "meidu.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "meidu.core.replicas.middleware.ReplicaReadsMiddleware",  # read replicas; nothing without DATABASE_REPLICA_URLS
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "storefront.shell.middleware.RefuseUnsafeInputMiddleware",
]

ROOT_URLCONF = "meidu.urls"
WSGI_APPLICATION = "meidu.wsgi.application"
ASGI_APPLICATION = "meidu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "storefront" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "storefront.shell.context_processors.navigation",
                "storefront.shell.context_processors.page_cache",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL under var/pgdata.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from meidu.runtime.embedded_pg import embedded_database_url

    DATABASE_URL = embedded_database_url()
DATABASES = {"default": database_settings(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"].setdefault("TEST", {})
# A database that does not answer makes a request fail after this many seconds (a 503 "try again"),
# not hang until the proxy gives up.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
# Server-side parameter binding with prepared statements: PostgreSQL plans each query shape once per
# connection instead of on every execution (about 40% of its CPU per checkout, benchmarks/RESULTS.md).
# Turn off behind a pooler in transaction mode that cannot keep prepared statements.
if env_bool("DB_PREPARED_STATEMENTS", True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (meidu.core.replicas; README "Read replicas"): PostgreSQL streaming standbys, comma-separated
# URLs, become the aliases replica_0..n with the primary's options. Storefront and report reads go to one
# (GraphQL queries, public GET pages, staff reports; only the tables in REPLICA_READ_MODELS); the checkout,
# payments, ledger, stock and the exchange's trading path never do, nor anything in a transaction or after a
# write. Whoever wrote reads from the primary for REPLICA_READ_YOUR_WRITES_SECONDS; a replica further behind
# than REPLICA_MAX_LAG_SECONDS, or unreachable, is skipped (each process measures it at most every
# REPLICA_CHECK_SECONDS and leaves an unreachable one alone for REPLICA_RETRY_SECONDS).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
# A replica that accepts connections but never answers costs at most DB_REPLICA_CONNECT_TIMEOUT seconds to
# reach (then it is left alone for REPLICA_RETRY_SECONDS); a statement it does not finish within
# DB_REPLICA_STATEMENT_TIMEOUT seconds is cancelled, the replica set aside as well and the request read again
# from the primary (meidu/core/replicas/timeouts.py). 0: no statement timeout.
DB_REPLICA_CONNECT_TIMEOUT = env_int("DB_REPLICA_CONNECT_TIMEOUT", 2)
DB_REPLICA_STATEMENT_TIMEOUT = float(env_str("DB_REPLICA_STATEMENT_TIMEOUT", "5") or "5")
# A standby that stops answering on an open connection (frozen, cut off) cancels nothing: the client cuts
# the connection this many seconds after DB_REPLICA_STATEMENT_TIMEOUT (meidu/core/replicas/watchdog.py).
REPLICA_WATCHDOG_GRACE_SECONDS = float(env_str("REPLICA_WATCHDOG_GRACE_SECONDS", "2") or "2")
DATABASES.update(
    replica_databases(
        DATABASES["default"], DATABASE_REPLICA_URLS, DB_REPLICA_CONNECT_TIMEOUT, DB_REPLICA_STATEMENT_TIMEOUT
    )
)
DATABASE_ROUTERS = ["meidu.core.replicas.router.ReplicaRouter"] if DATABASE_REPLICA_URLS else []
REPLICA_READ_YOUR_WRITES_SECONDS = env_int("REPLICA_READ_YOUR_WRITES_SECONDS", 5)
REPLICA_MAX_LAG_SECONDS = float(env_str("REPLICA_MAX_LAG_SECONDS", "2") or "2")
REPLICA_CHECK_SECONDS = float(env_str("REPLICA_CHECK_SECONDS", "1") or "1")
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 10)
if REPLICA_READ_YOUR_WRITES_SECONDS < REPLICA_MAX_LAG_SECONDS:
    # past the window a writer reads a replica again, which must by then hold the write
    raise ImproperlyConfigured("REPLICA_READ_YOUR_WRITES_SECONDS must be at least REPLICA_MAX_LAG_SECONDS")
# Tables a replica may answer, by scope ("app_label" or "app_label.model"): public catalogue data for the
# storefront; reports add order, complaint and shipment history. REPLICA_NEVER_MODELS may not be listed
# (the router refuses to start): money, stock, carts, sessions, permissions and the exchange's trading path.
REPLICA_READ_MODELS = {
    "storefront": [
        "channels",
        "catalog",
        "product_search",
        "geography",
        "shipping",
        "reviews",
        "presale",
        "shops.shop",
        "shops.shopnotice",
        "exchange_commodities",
        "exchange_marketdata",
        "farm_prices.market",
        "farm_prices.produceitem",
        "farm_prices.producealias",
        "farm_prices.priceobservation",
        "farm_prices.farmnotice",
        "farm_posts.supplydemandpost",
        "farm_fairs.fair",
        "farm_fairs.fairstall",
        "farm_fairs.fairstallproduct",
        "training.course",
        "training.lesson",
        "training.coursementor",
        "incubator_supply.supplyoffer",
    ],
    "report": [
        "orders.order",
        "orders.orderline",
        "orders.orderevent",
        "orders.fulfillment",
        "orders.fulfillmentline",
        "complaints",
        "shipments",
        "incubator_distribution",
    ],
}
REPLICA_NEVER_MODELS = [
    "ledger",
    "checkout",
    "payments",
    "inventory",
    "orders.allocation",
    "settlement",
    "incubator_commission",
    "assisted",
    "cod_cash",
    "exchange_members",
    "exchange_warehouses",
    "exchange_trading",
    "exchange_settlement",
    "exchange_financing",
    "exchange_credit",
    "accounts",
    "auth",
    "sessions",
    "idempotency",
    "integrations",
    "shops.shopmember",
]
# Safe-method page requests under these paths read the storefront's tables from a replica; the longer
# prefixes in REPLICA_PRIMARY_PAGE_PREFIXES (carts, checkout, a buyer's orders) stay on the primary.
REPLICA_PAGE_PREFIXES = env_list("REPLICA_PAGE_PREFIXES", ["/shop/", "/farm/", "/learn/"])
REPLICA_PRIMARY_PAGE_PREFIXES = ["/shop/cart/", "/shop/checkout/", "/shop/orders/"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["meidu.accounts.backends.MobileOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "shell:login"
LOGIN_REDIRECT_URL = "shell:home"
LOGOUT_REDIRECT_URL = "shell:home"

# Login throttling: after LOGIN_MAX_FAILURES failed attempts for one identifier
# (or from one address) logins are refused for LOGIN_LOCKOUT_SECONDS.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# JWT (RS256). Keys live in JWT_KEYS_DIR as PEM files; the newest signs, all verify.
JWT_KEYS_DIR = Path(env_str("JWT_KEYS_DIR") or (VAR_DIR / "keys"))
JWT_ACCESS_TTL_SECONDS = env_int("JWT_ACCESS_TTL_SECONDS", 5 * 60)
JWT_REFRESH_TTL_SECONDS = env_int("JWT_REFRESH_TTL_SECONDS", 30 * 24 * 3600)
PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "storefront" / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TEST_MODE
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or (VAR_DIR / "media"))

# Media storage: local folder by default, S3-compatible (MinIO, OSS, S3) when a bucket is set.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID") or None
AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY") or None
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TEST_MODE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Cache: Redis when REDIS_URL is set, process memory otherwise (Django's Redis backend, reusing its
# redis client: meidu.core.cache).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "meidu.core.cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "meidu"}
    )
}

# Answer caches (GraphQL responses, public pages) keyed by domain versions (meidu.core.cache_versions).
# They need versions every worker shares: on with Redis; with the in-process cache only when one
# process serves (RESPONSE_CACHE=1 with `meidu serve --workers 1`), since a bump in one worker is
# not seen by the others.
RESPONSE_CACHE_ENABLED = env_bool("RESPONSE_CACHE", bool(REDIS_URL))
# Cache-Control of anonymous catalogue reads: short enough that a CDN shows a change within
# seconds, with stale-while-revalidate so a popular answer is refreshed in the background.
RESPONSE_CACHE_MAX_AGE = env_int("RESPONSE_CACHE_MAX_AGE", 5)
RESPONSE_CACHE_STALE_WHILE_REVALIDATE = env_int("RESPONSE_CACHE_STALE_WHILE_REVALIDATE", 30)
# How long a cached answer stays (seconds): writes invalidate at once, this bounds what only the clock
# changes (a listing scheduled to become purchasable); answers showing stock counts stay less, since
# checkout reservations run out with no write.
RESPONSE_CACHE_TIMEOUT = env_int("RESPONSE_CACHE_TIMEOUT", 300)
RESPONSE_CACHE_STOCK_TIMEOUT = env_int("RESPONSE_CACHE_STOCK_TIMEOUT", 30)
# How long a persisted query's document (and its domains) stays in the cache (seconds).
PERSISTED_QUERY_TIMEOUT = env_int("PERSISTED_QUERY_TIMEOUT", 86400)
# Bound on the size of a document stored as a persisted query, and on a stored answer (bytes).
PERSISTED_QUERY_MAX_LENGTH = env_int("PERSISTED_QUERY_MAX_LENGTH", 20_000)
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 1_000_000)
# Answers each web process also keeps in its memory (their keys carry the versions, still read from the
# shared cache on every request: a hit then costs one round trip). 0 turns the copy off.
RESPONSE_CACHE_LOCAL_ENTRIES = env_int("RESPONSE_CACHE_LOCAL_ENTRIES", 256)

# Celery: real workers when CELERY_BROKER_URL is set, eager in-process otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
# Work that may follow a commit instead of delaying the answer (seller-settlement postings of an
# order event, the refund of a checkout that could not become orders): in a worker when there is one.
FOLLOW_UPS_IN_WORKER = env_bool("FOLLOW_UPS_IN_WORKER", bool(CELERY_BROKER_URL))
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "webhook-deliveries-retry-due": {
        "task": "meidu.integrations.tasks.webhook_deliveries_dispatch_due",
        "schedule": 30.0,
    },
    "login-throttle-counters-purge": {
        "task": "meidu.accounts.tasks.throttle_counters_purge_expired",
        "schedule": 3600.0,
    },
    "phone-codes-purge": {
        "task": "meidu.accounts.tasks.phone_codes_purge_expired",
        "schedule": 3600.0,
    },
    "checkout-release-abandoned-funds": {
        "task": "marketplace.checkout.tasks.checkouts_release_abandoned_funds",
        "schedule": 3600.0,
    },
    # Payment providers' daily bills (WeChat Pay, Alipay) reconciled against our transactions; a day
    # already reconciled is skipped, one whose bill was not out yet is tried again next hour.
    "payments-bills-reconcile": {
        "task": "marketplace.payments.tasks.bills_reconcile_daily",
        "schedule": 3600.0,
    },
    "orders-auto-confirm": {
        "task": "marketplace.orders.tasks.orders_auto_confirm",
        "schedule": 3600.0,
    },
    # Seller settlement: release earnings past the after-sales window; the weekly payout batch
    # (idempotent per week, so checking every few hours makes it once, soon after Sunday ends).
    "settlement-release": {
        "task": "marketplace.settlement.tasks.settlement_release",
        "schedule": 3600.0,
    },
    "settlement-payouts-weekly": {
        "task": "marketplace.settlement.tasks.payouts_weekly",
        "schedule": 6 * 3600.0,
    },
    # Incubator: distributor commission earned once its order's after-sales window closed (the
    # weekly payout of earned commission rides settlement-payouts-weekly's batch and bank file).
    "incubator-commission-earn": {
        "task": "incubator.commission.tasks.commission_earn_due_task",
        "schedule": 3600.0,
    },
    # Assisted orders the villager never confirmed lapse (they already read as expired): carts released.
    "assisted-orders-expire-due": {
        "task": "marketplace.assisted.tasks.assisted_orders_expire_due_task",
        "schedule": 300.0,
    },
    "complaints-escalate-due": {
        "task": "marketplace.complaints.tasks.complaints_escalate_due",
        "schedule": 300.0,
    },
    # Exchange: clear auctions past their end, expire listings and RFQs; buyers who missed the
    # settlement deadline default.
    # Auctions are cleared within seconds of their end (readers see them closed at once anyway).
    "exchange-auctions-close-due": {
        "task": "magnesium_exchange.trading.tasks.auctions_close_due",
        "schedule": 5.0,
    },
    "exchange-trading-close-due": {
        "task": "magnesium_exchange.trading.tasks.trading_close_due",
        "schedule": 15.0,
    },
    "exchange-settlements-default-due": {
        "task": "magnesium_exchange.settlement.tasks.settlements_default_due",
        "schedule": 300.0,
    },
    # Exchange market data: daily bars and reference prices after the close (idempotent builds).
    "exchange-daily-bars-close": {
        "task": "magnesium_exchange.marketdata.tasks.daily_bars_close",
        "schedule": 900.0,
    },
    # Bank financing: daily interest (a day is accrued once, so hourly runs catch up a missed one),
    # the daily valuation of pledged receipts after the close, and margin calls past their deadline.
    "financing-interest-accrue": {
        "task": "magnesium_exchange.financing.tasks.loans_interest_accrue_due",
        "schedule": 3600.0,
    },
    "financing-loans-value-daily": {
        "task": "magnesium_exchange.financing.tasks.loans_value_daily",
        "schedule": 900.0,
    },
    # Search: rebuild product documents marked stale (each change also enqueues it after commit).
    "search-documents-rebuild": {
        "task": "marketplace.catalog.tasks.product_search_rebuild_dirty",
        "schedule": 60.0,
    },
    "financing-margin-calls-expire": {
        "task": "magnesium_exchange.financing.tasks.margin_calls_expire_due",
        "schedule": 300.0,
    },
    # Farm information: the platform's own daily median prices from its sales (the last finished days,
    # idempotent, so an hourly run derives each night once it is over), and posts past their window.
    "farm-prices-derive-daily": {
        "task": "incubator.prices.tasks.farm_prices_derive_daily",
        "schedule": 3600.0,
    },
    "farm-posts-expire-due": {
        "task": "incubator.posts.tasks.farm_posts_expire_due",
        "schedule": 900.0,
    },
    # Bulk freight: bookings whose slot (and arrival grace) has passed without the truck are no-shows.
    "freight-appointments-no-show": {
        "task": "magnesium_exchange.warehouses.tasks.truck_appointments_no_show_due",
        "schedule": 300.0,
    },
}
# Complaints: hours a shop has to respond, then to resolve, before the platform takes over.
COMPLAINT_RESPONSE_HOURS = env_int("COMPLAINT_RESPONSE_HOURS", 48)
COMPLAINT_RESOLUTION_HOURS = env_int("COMPLAINT_RESOLUTION_HOURS", 72)

# Checkout and orders: units held while shopping, the most of one item per order, the days
# after shipping when receipt is confirmed automatically, and the after-sales window.
CHECKOUT_RESERVATION_MINUTES = env_int("CHECKOUT_RESERVATION_MINUTES", 20)
CHECKOUT_MAX_LINE_QUANTITY = env_int("CHECKOUT_MAX_LINE_QUANTITY", 50)
# Money paid for a checkout nobody completes goes back after this many hours without activity.
CHECKOUT_RELEASE_FUNDS_AFTER_HOURS = env_int("CHECKOUT_RELEASE_FUNDS_AFTER_HOURS", 24)
ORDER_AUTO_CONFIRM_DAYS = env_int("ORDER_AUTO_CONFIRM_DAYS", 10)
ORDER_AFTER_SALES_DAYS = env_int("ORDER_AFTER_SALES_DAYS", 7)
# Referral (issue 16): a buyer who came by a distributor's link is bound to it this many days (the last
# link clicked wins) and, for the first REFERRAL_PROTECTION_DAYS of a binding, no other link takes it.
REFERRAL_BINDING_DAYS = env_int("REFERRAL_BINDING_DAYS", 7)
REFERRAL_PROTECTION_DAYS = env_int("REFERRAL_PROTECTION_DAYS", 2)

# Exchange trading sessions (magnesium_exchange.trading.sessions): the hours, Beijing time, at which
# each mode accepts orders on the calendar's trading days ("HH:MM-HH:MM,..."). Demo and test markets
# are open every day around the clock, so a visitor can trade at any hour (the terminal says so).
EXCHANGE_SESSIONS_EVERY_DAY = env_bool("EXCHANGE_SESSIONS_EVERY_DAY", DEMO_MODE or TEST_MODE)
# Bulk freight: minutes before a truck slot starts and after it ends that a booked truck is still let in
# at the warehouse gate; past the end plus this grace a booking reads as (and the beat job marks it) no-show.
FREIGHT_ARRIVAL_GRACE_MINUTES = env_int("FREIGHT_ARRIVAL_GRACE_MINUTES", 30)
EXCHANGE_SESSIONS = {
    "listing": env_str("EXCHANGE_SESSIONS_LISTING", "09:00-11:30,13:30-15:00"),
    "auction": env_str("EXCHANGE_SESSIONS_AUCTION", "09:30-11:30,13:30-15:00"),
    "rfq": env_str("EXCHANGE_SESSIONS_RFQ", "09:00-11:30,13:30-16:00"),
}

# Limits against abuse of scarce things (issue 13), counted by meidu.accounts.throttle; 0 turns one
# off. Units the anonymous checkouts of one client address may hold at once (signing in lifts it),
# anonymous checkouts one address may open, accounts one address may register, complaints and
# reviews one buyer may write.
CHECKOUT_ANONYMOUS_RESERVED_UNITS = env_int("CHECKOUT_ANONYMOUS_RESERVED_UNITS", 10)
CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR = env_int("CHECKOUTS_ANONYMOUS_PER_ADDRESS_PER_HOUR", 30)
REGISTRATIONS_PER_ADDRESS_PER_HOUR = env_int("REGISTRATIONS_PER_ADDRESS_PER_HOUR", 10)
COMPLAINTS_PER_USER_PER_DAY = env_int("COMPLAINTS_PER_USER_PER_DAY", 5)
REVIEWS_PER_USER_PER_HOUR = env_int("REVIEWS_PER_USER_PER_HOUR", 30)

# Phone verification codes (meidu.accounts.services.phone_codes): six digits, kept as an HMAC under
# PHONE_CODE_SECRET (SECRET_KEY when unset), alive PHONE_CODE_TTL_SECONDS, dead after
# PHONE_CODE_MAX_ATTEMPTS wrong tries, PHONE_CODE_COOLDOWN_SECONDS between two sends to one number,
# and at most so many sends per number and per client address an hour.
PHONE_CODE_SECRET = env_str("PHONE_CODE_SECRET")
PHONE_CODE_TTL_SECONDS = env_int("PHONE_CODE_TTL_SECONDS", 300)
PHONE_CODE_MAX_ATTEMPTS = env_int("PHONE_CODE_MAX_ATTEMPTS", 5)
PHONE_CODE_COOLDOWN_SECONDS = env_int("PHONE_CODE_COOLDOWN_SECONDS", 60)
PHONE_CODE_SENDS_PER_PHONE_PER_HOUR = env_int("PHONE_CODE_SENDS_PER_PHONE_PER_HOUR", 5)
PHONE_CODE_SENDS_PER_ADDRESS_PER_HOUR = env_int("PHONE_CODE_SENDS_PER_ADDRESS_PER_HOUR", 20)
# Who sends the texts (meidu.accounts.sms): "aliyun", "tencent", or "console" (demo and test only:
# the text is kept in the database and shown on the page; `meidu check` refuses it in production).
SMS_BACKEND = env_str("SMS_BACKEND", "console" if (DEMO_MODE or TEST_MODE) else "")
SMS_CONNECT_TIMEOUT_SECONDS = env_int("SMS_CONNECT_TIMEOUT_SECONDS", 3)
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 5)
ALIYUN_SMS_ENDPOINT = env_str("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
ALIYUN_SMS_ACCESS_KEY_ID = env_str("ALIYUN_SMS_ACCESS_KEY_ID")
ALIYUN_SMS_ACCESS_KEY_SECRET = env_str("ALIYUN_SMS_ACCESS_KEY_SECRET")
ALIYUN_SMS_SIGN_NAME = env_str("ALIYUN_SMS_SIGN_NAME")
ALIYUN_SMS_TEMPLATE_CODE = env_str("ALIYUN_SMS_TEMPLATE_CODE")
TENCENT_SMS_ENDPOINT = env_str("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/")
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME")
TENCENT_SMS_TEMPLATE_ID = env_str("TENCENT_SMS_TEMPLATE_ID")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")

# Outgoing webhooks: attempts, back-off (base * 2**n seconds) and timeouts (connect, then answer).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 10)
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env_int("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Circuit breaker per target: after this many failures in a row, its deliveries wait this long.
WEBHOOK_BREAKER_FAILURES = env_int("WEBHOOK_BREAKER_FAILURES", 5)
WEBHOOK_BREAKER_OPEN_SECONDS = env_int("WEBHOOK_BREAKER_OPEN_SECONDS", 60)
# Without a broker, deliveries leave the request for the process's outbox relay thread
# (meidu.integrations.relay), which also rescans the outbox for retries at this interval. Not an
# environment variable: without it nothing would send them (the tests turn it off and relay themselves).
WEBHOOK_LOCAL_RELAY = True
WEBHOOK_RELAY_INTERVAL_SECONDS = env_int("WEBHOOK_RELAY_INTERVAL_SECONDS", 30)
# Webhook targets must be public addresses; these networks (CIDR) are allowed anyway: an
# on-premise partner's, and loopback in demo and test.
WEBHOOK_ALLOWED_NETWORKS = env_list(
    "WEBHOOK_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"] if (DEMO_MODE or TEST_MODE) else []
)

# GraphQL limits (Saleor's numbers).
GRAPHQL_MAX_COST = env_int("GRAPHQL_MAX_COST", 50000)
GRAPHQL_MAX_DEPTH = env_int("GRAPHQL_MAX_DEPTH", 20)
GRAPHQL_MAX_ALIASES = 100
GRAPHQL_MAX_MUTATIONS = 4
GRAPHQL_PAGE_MAX = 100
GRAPHIQL_ENABLED = env_bool("GRAPHIQL_ENABLED", DEMO_MODE)
# Schema introspection (on, as in Saleor); off also hides "Did you mean ...?" suggestions.
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", True)
# Longest string any GraphQL argument may carry (columns with a length limit refuse earlier).
GRAPHQL_MAX_STRING_LENGTH = env_int("GRAPHQL_MAX_STRING_LENGTH", 20000)
# Longest path, page parameter or form value a web page accepts (each form field also has its own).
PAGE_MAX_INPUT_LENGTH = env_int("PAGE_MAX_INPUT_LENGTH", 20000)
GRAPHENE = {"SCHEMA": "meidu.schema.schema"}

# Integrations that reach outside; each is off until its variables are set.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
# Search (meidu.core.search): the backend answering queries (postgres | elasticsearch; unset: elasticsearch
# when ELASTICSEARCH_URL is set), whether an Elasticsearch outage falls back to PostgreSQL, extra folders
# holding dictionary.txt / synonyms.txt that operators extend (re-read within SEARCH_DATA_RELOAD_SECONDS),
# and the caps on a query (longer input is cut, further words ignored).
SEARCH_BACKEND = env_str("SEARCH_BACKEND")
SEARCH_FALLBACK_TO_POSTGRES = env_bool("SEARCH_FALLBACK_TO_POSTGRES", False)
SEARCH_DATA_DIRS = env_list("SEARCH_DATA_DIRS", [])
SEARCH_DATA_RELOAD_SECONDS = env_int("SEARCH_DATA_RELOAD_SECONDS", 10)
SEARCH_MAX_QUERY_CHARS = env_int("SEARCH_MAX_QUERY_CHARS", 64)
SEARCH_MAX_QUERY_TERMS = env_int("SEARCH_MAX_QUERY_TERMS", 8)
SEARCH_INDEX_PREFIX = env_str("SEARCH_INDEX_PREFIX", "meidu")
# Postings of frequent terms (meidu.core.search.postings): a one-word search matching at least
# SEARCH_POSTINGS_MIN_MATCHES documents is counted and paged from a b-tree of precomputed ranks instead of
# reading every match's document (same answer). The threshold is chosen from measurement at 100,000
# products (benchmarks/RESULTS.md, "Search postings"): below it the document way already answers fast.
# SEARCH_POSTINGS=false sends every query the document way (the postings are still written).
SEARCH_POSTINGS = env_bool("SEARCH_POSTINGS", True)
SEARCH_POSTINGS_MIN_MATCHES = env_int("SEARCH_POSTINGS_MIN_MATCHES", 2000)
# The most candidate words a term rebuild counts: the frequent lexemes and their synonyms first, then what
# a buyer types for them (pinyin, CJK prefixes: meidu.core.search.term_candidates). Each costs one count
# over the documents; only those matching SEARCH_POSTINGS_MIN_MATCHES get postings.
SEARCH_POSTINGS_MAX_CANDIDATES = env_int("SEARCH_POSTINGS_MAX_CANDIDATES", 3000)
SEARCH_ELASTICSEARCH_TIMEOUT = float(env_str("SEARCH_ELASTICSEARCH_TIMEOUT", "2.0") or "2.0")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
# Alipay (marketplace/payments/gateways/alipay): offered when the app id and both key files are set.
# Keys are PEM files outside the repository: ours (RSA2, PKCS#8) and Alipay's public key.
ALIPAY_APP_ID = env_str("ALIPAY_APP_ID")
ALIPAY_APP_PRIVATE_KEY_PATH = env_str("ALIPAY_APP_PRIVATE_KEY_PATH")
ALIPAY_PUBLIC_KEY_PATH = env_str("ALIPAY_PUBLIC_KEY_PATH")
ALIPAY_GATEWAY_URL = env_str("ALIPAY_GATEWAY_URL", "https://openapi.alipay.com/gateway.do")
ALIPAY_NOTIFY_URL = env_str("ALIPAY_NOTIFY_URL")  # https://<site>/payments/alipay/notify/
ALIPAY_TIMEOUT_SECONDS = env_int("ALIPAY_TIMEOUT_SECONDS", 10)
# WeChat Pay (API v3), offered when all of these are set: merchant id, the app id (公众号/H5 app), the
# merchant API certificate's serial number and its private key (a PEM file path), the APIv3 key (32
# characters; the variable or a file path) and WeChat Pay's platform certificate(s) (PEM file paths,
# comma-separated, or a folder of them). Keys never live in the repository. The notification URL
# defaults to PUBLIC_URL + /payments/wechatpay/notify/; the API base is only changed for tests.
WECHATPAY_MCHID = env_str("WECHATPAY_MCHID")
WECHATPAY_APPID = env_str("WECHATPAY_APPID")
WECHATPAY_APP_SECRET = env_str("WECHATPAY_APP_SECRET")
WECHATPAY_CERT_SERIAL = env_str("WECHATPAY_CERT_SERIAL")
WECHATPAY_PRIVATE_KEY_PATH = env_str("WECHATPAY_PRIVATE_KEY_PATH")
WECHATPAY_APIV3_KEY = env_str("WECHATPAY_APIV3_KEY")
WECHATPAY_APIV3_KEY_PATH = env_str("WECHATPAY_APIV3_KEY_PATH")
WECHATPAY_PLATFORM_CERT_PATH = env_str("WECHATPAY_PLATFORM_CERT_PATH")
WECHATPAY_NOTIFY_URL = env_str("WECHATPAY_NOTIFY_URL")
WECHATPAY_API_BASE = env_str("WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com")
# Seconds to connect to WeChat Pay, then to wait for its answer; a notification's timestamp may be
# this many seconds off our clock (older ones are refused as replays).
WECHATPAY_CONNECT_TIMEOUT_SECONDS = env_int("WECHATPAY_CONNECT_TIMEOUT_SECONDS", 3)
WECHATPAY_TIMEOUT_SECONDS = env_int("WECHATPAY_TIMEOUT_SECONDS", 10)
WECHATPAY_NOTIFY_MAX_SKEW_SECONDS = env_int("WECHATPAY_NOTIFY_MAX_SKEW_SECONDS", 300)
# Payment gateways offered (dotted class paths; marketplace.payments.gateways). Stripe is offered
# only when STRIPE_SECRET_KEY is set, the offline test gateway only in demo and test mode.
PAYMENT_GATEWAYS = env_list(
    "PAYMENT_GATEWAYS",
    [
        "marketplace.payments.gateways.cod.CashOnDeliveryGateway",
        "marketplace.payments.gateways.bank_transfer.BankTransferGateway",
        "marketplace.payments.gateways.stripe.StripeGateway",
        "marketplace.payments.gateways.alipay.AlipayGateway",
        "marketplace.payments.gateways.wechatpay.WeChatPayGateway",
        "marketplace.payments.gateways.offline.OfflineGateway",
    ],
)

DEFAULT_CURRENCY = "CNY"
DEFAULT_COUNTRY = "CN"


# Security headers. Content-Security-Policy on every response (meidu.core.csp); images may also come
# from these origins (the media bucket's, e.g. https://media.example.cn).
def _media_origins() -> list[str]:
    if not AWS_STORAGE_BUCKET_NAME:
        return []
    if AWS_S3_ENDPOINT_URL:
        from urllib.parse import urlsplit

        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        return [f"{endpoint.scheme}://{endpoint.netloc}"]
    return ["https://*.amazonaws.com"]


CSP_IMG_SRC = env_list("CSP_IMG_SRC", _media_origins())
# HSTS: browsers that reached the site over HTTPS keep to HTTPS for this long (sent on HTTPS answers
# only, so plain-HTTP development is unaffected; off in demo, which may run on a LAN address).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEMO_MODE else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients): requests
# that arrived over HTTPS count as secure (HSTS, secure redirects).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The load balancers' networks (CIDR): X-Forwarded-For is believed only from them, and the client it
# names becomes REMOTE_ADDR for throttles and audit (meidu.core.proxy). Empty: the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Web machines behind the load balancer: above 1, `meidu serve` refuses settings that only work on one
# (a cache or media folder of each machine's own) and warns about proxy headers (README, Several web
# machines). Nothing else reads it.
WEB_MACHINES = env_int("WEB_MACHINES", 1)
# Uploaded media in MEDIA_ROOT on a folder every web machine mounts (NFS...), instead of a bucket.
MEDIA_ROOT_SHARED = env_bool("MEDIA_ROOT_SHARED", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not (DEBUG or DEMO_MODE or TEST_MODE))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# The public pages' cache (storefront/shell/page_cache.py: shop, category, product, price boards),
# on when the answer caches are (RESPONSE_CACHE_ENABLED). Browsers and a CDN keep an anonymous page
# PAGE_CACHE_MAX_AGE seconds and may serve it PAGE_CACHE_STALE_WHILE_REVALIDATE more while they
# refresh it; the server keeps a rendering at most PAGE_CACHE_TIMEOUT seconds (what changes with the
# clock alone, such as a campaign's end, shows within that time; a write shows at once).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 10)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 60)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 300)
# Hits of the page cache answered in front of Django (storefront/shell/page_fast_path.py, meidu/wsgi.py):
# the same bytes and headers for a fraction of the CPU. Off: every hit goes through the middleware.
PAGE_FAST_PATH = env_bool("PAGE_FAST_PATH", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"}},
}

# Assisted buying at a village station (网络代购, marketplace.assisted): the channel a station agent
# orders in for a villager, and the agent's service fee, a percentage of the goods with a minimum,
# credited on the ledger when the order is delivered (clawed back if cancelled or fully refunded).
ASSISTED_ORDER_CHANNEL = env_str("ASSISTED_ORDER_CHANNEL", "rural")
ASSISTED_ORDER_FEE_PERCENT = env_str("ASSISTED_ORDER_FEE_PERCENT", "2.00")
ASSISTED_ORDER_FEE_MINIMUM = env_str("ASSISTED_ORDER_FEE_MINIMUM", "1.00")
# An assisted order the villager has not confirmed lapses this long after the agent started it (its
# cart and stock released): long enough to fetch the phone from home or come back after market day.
ASSISTED_ORDER_EXPIRY_HOURS = env_int("ASSISTED_ORDER_EXPIRY_HOURS", 24)

# Village route planning (logistics.routing). The hub is the e-commerce park; without a road-matrix
# server the planner estimates roads from coordinates (great-circle × LOGISTICS_ROAD_FACTOR).
LOGISTICS_HUB_LATITUDE = env_str("LOGISTICS_HUB_LATITUDE", "40.6448")
LOGISTICS_HUB_LONGITUDE = env_str("LOGISTICS_HUB_LONGITUDE", "122.5091")
LOGISTICS_ROAD_FACTOR = env_str("LOGISTICS_ROAD_FACTOR", "1.3")
# An OSRM-compatible server (`/table/v1/driving/...`), e.g. http://osrm:5000; empty: the estimate.
LOGISTICS_ROAD_MATRIX_URL = env_str("LOGISTICS_ROAD_MATRIX_URL")
# The solver's time budget per plan, in seconds (5 s reaches the best known plan of the county's day).
LOGISTICS_ROUTE_SECONDS = env_int("LOGISTICS_ROUTE_SECONDS", 5)
# Express tracking through a subscribe-and-push aggregator (Kuaidi100's protocol): its base URL and our
# customer key; the salt signs its pushes to /logistics/tracking/push/ (required to accept any push).
LOGISTICS_TRACKING_URL = env_str("LOGISTICS_TRACKING_URL")
LOGISTICS_TRACKING_KEY = env_str("LOGISTICS_TRACKING_KEY")
LOGISTICS_TRACKING_SALT = env_str("LOGISTICS_TRACKING_SALT")
