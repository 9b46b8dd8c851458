"""Configuration. This is the only module that reads the environment."""

from __future__ import annotations

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _local_secret(name: str, make) -> str:
    """A secret kept in a file under instance/, made on first use (development only).

    Several processes read the same file, so they agree on keys without shared memory.
    """
    path = INSTANCE_DIR / name
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def _new_data_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class Config:
    APP_ENV = os.environ.get("APP_ENV", "development")
    PRODUCTION = APP_ENV == "production"
    TESTING = False

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'gcm.sqlite'}"
    )
    # hide_parameters keeps user text out of error messages and logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "gcm")
    # Seconds that a finished job's result and a failed job's record stay in Redis.
    RQ_RESULT_TTL = 3600
    RQ_FAILURE_TTL = 7 * 24 * 3600

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Comma-separated base64 keys of 32 bytes; the first encrypts, all decrypt (rotation).
    DATA_ENCRYPTION_KEY = os.environ.get("DATA_ENCRYPTION_KEY")

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@localhost")
    # Seconds to wait for the mail server before the try counts as failed.
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "30"))
    # "smtp" when MAIL_SERVER is set, else "none". "directory" writes .eml files to
    # MAIL_DIRECTORY and exists for tests and local debugging only.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if MAIL_SERVER else "none")
    MAIL_DIRECTORY = os.environ.get("MAIL_DIRECTORY")

    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")))
    PERMANENT_SESSION_LIFETIME = IDLE_TIMEOUT
    SESSION_COOKIE_NAME = "gcm_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = PRODUCTION
    SESSION_REFRESH_EACH_REQUEST = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which idles out
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    WTF_CSRF_SSL_STRICT = True

    MAX_CONTENT_LENGTH = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))) + 65536
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    COMPILATION_DIR = os.environ.get("COMPILATION_DIR", str(INSTANCE_DIR / "compilations"))
    # Testing aid: seconds a compilation waits halfway, so a test can stop its worker then.
    COMPILATION_STAGE_DELAY = float(os.environ.get("COMPILATION_STAGE_DELAY", "0"))
    # Without Redis, jobs run in a thread of the web process; tests run them synchronously.
    JOBS_SYNCHRONOUS = False

    # Redis when REDIS_URL is set; otherwise, and while Redis fails, a store on tmpfs shared
    # by every process of the machine (app/ratelimits.py).
    RATELIMIT_STORAGE_URI = "gcm-limits://"
    # A tmpfs directory for that store; unset: /dev/shm when present.
    RATELIMIT_STORE_DIR = os.environ.get("RATELIMIT_STORE_DIR") or None
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per 5 minutes")
    RATELIMIT_SIGN_UP = os.environ.get("RATELIMIT_SIGN_UP", "5 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per 15 minutes")
    RATELIMIT_TWO_FACTOR = os.environ.get("RATELIMIT_TWO_FACTOR", "10 per 5 minutes")
    RATELIMIT_SAFETY = os.environ.get("RATELIMIT_SAFETY", "10 per hour")
    # How often an open live board asks whether anything changed (a 304 when not).
    # How long rendered parts of busy read-only pages are kept (app/pagecache.py); 0: off.
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "30"))
    # Keep them in Redis (shared by every process) when REDIS_URL is set.
    PAGE_CACHE_SHARED = True
    BOARD_POLL_SECONDS = int(os.environ.get("BOARD_POLL_SECONDS", "5"))

    # Argon2id cost; the library's defaults follow RFC 9106's second recommendation.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    # Argon2id (libsodium) for sealed safety reports; each wrap keeps its own cost, so these
    # can change without breaking older keys. A password is a weak secret: libsodium's
    # "interactive" cost (2 passes, 64 MiB). The report code (~99 bits) and the recovery key
    # (~139 bits) cannot be guessed whatever the cost: 2 passes over 16 MiB is plenty.
    # See bench/README.md for what this costs on the project's machine.
    SEAL_ARGON2_PASSWORD_OPSLIMIT = 2
    SEAL_ARGON2_PASSWORD_MEMLIMIT = 64 * 1024 * 1024
    SEAL_ARGON2_CODE_OPSLIMIT = 2
    SEAL_ARGON2_CODE_MEMLIMIT = 16 * 1024 * 1024

    # Interface languages, in the order of the language menu. A language is listed only when
    # its catalog is complete (tests/main/test_languages.py checks every one).
    LANGUAGES = [
        "en", "id", "fil", "ne", "ar", "bn", "hi", "ur", "si", "ta", "my", "km", "vi", "th",
        "zh_Hans",
    ]  # fmt: skip
    RTL_LANGUAGES = {"ar", "ur", "fa", "he"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Where the quick-exit control sends people: a page common and unremarkable where they live.
    QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
    # Long cache for static files: their URLs carry a version.
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600

    def __init__(self) -> None:
        if not self.SECRET_KEY:
            if self.PRODUCTION:
                raise RuntimeError("SECRET_KEY must be set in production")
            self.SECRET_KEY = _local_secret("secret_key", lambda: secrets.token_urlsafe(48))
        if not self.DATA_ENCRYPTION_KEY:
            if self.PRODUCTION:
                raise RuntimeError("DATA_ENCRYPTION_KEY must be set in production")
            self.DATA_ENCRYPTION_KEY = _local_secret("data_key", _new_data_key)


class TestConfig(Config):
    __test__ = False  # not a test class, whatever pytest thinks of the name
    TESTING = True
    APP_ENV = "test"
    PRODUCTION = False
    SECRET_KEY = "test-secret-key-not-for-production"
    DATA_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    # Each test app counts in its own memory; the shared stores have tests with real processes.
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_SECURE = False
    MAIL_BACKEND = "memory"
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SEAL_ARGON2_PASSWORD_OPSLIMIT = 1
    SEAL_ARGON2_PASSWORD_MEMLIMIT = 8192
    SEAL_ARGON2_CODE_OPSLIMIT = 1
    SEAL_ARGON2_CODE_MEMLIMIT = 8192
    BASE_URL = "http://localhost"
    JOBS_SYNCHRONOUS = True
    # Each test app keeps its own copies; tests of the shared store name their own Redis.
    PAGE_CACHE_SHARED = False

    def __init__(self, **overrides) -> None:
        super().__init__()
        for key, value in overrides.items():
            setattr(self, key, value)


def redis_url_for_tests() -> str | None:
    """The Redis server that tests may use (tests only)."""
    return os.environ.get("REDIS_URL")


def postgres_url_for_tests() -> str | None:
    """The PostgreSQL database that tests may use (tests only)."""
    return os.environ.get("TEST_DATABASE_URL")


def backend_for_tests() -> str:
    """Which database the test run uses: sqlite (default) or postgres."""
    return os.environ.get("TEST_DB", "sqlite")


def running_in_ci() -> bool:
    return _env_bool("CI")
