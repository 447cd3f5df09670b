"""API keys, per-key rate limits (flask-limiter) and per-key daily character quotas.

Keys arrive as ``Authorization: Bearer <key>``, ``Authorization: DeepL-Auth-Key
<key>`` or an ``api_key`` form/JSON field. Only the API routes (``/v1/`` and the
DeepL/LibreTranslate-compatible doors) are guarded; health, metrics and docs are open.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from service.errors import AuthError, StoreUnavailableError
from service.runtime.request_budget import admit
from service.settings import Settings
from service.storage.keys import ApiKey, KeyStore, quota_exceeded

log = logging.getLogger(__name__)

GUARDED_PREFIX = "/v1/"
# Every door that translates or stores: ours, DeepL's (/v2, /v3) and LibreTranslate's (a translated
# file's download link included: with keys required, a link alone does not give the file away).
GUARDED_PREFIXES = (GUARDED_PREFIX, "/v2/", "/v3/", "/translate", "/detect", "/download_file/")
AUTH_SCHEMES = ("bearer", "deepl-auth-key")


def presented_key() -> str | None:
    """The key the caller sent, wherever it was sent; None when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in AUTH_SCHEMES and value.strip():
        return value.strip()
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.get("api_key") or None
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("api_key"), str):
            return body["api_key"] or None
    return None


def current_key() -> ApiKey | None:
    """The verified key of this request (None when keys are optional and none was sent)."""
    return g.get("api_key")


def _authenticate() -> None:
    # A CORS preflight (OPTIONS) never carries credentials; the request it announces does.
    if request.method == "OPTIONS" or not request.path.startswith(GUARDED_PREFIXES):
        return
    settings: Settings = current_app.extensions["briefs"].settings
    secret = presented_key()
    if secret is None:
        if settings.http.api_keys_required:
            raise AuthError("this service needs an API key: send 'Authorization: Bearer <key>'")
        return
    g.api_key = current_app.extensions["briefs.keys"].verify(secret)


def _rate_key() -> str:
    key = current_key()
    return f"key:{key.id}" if key else f"addr:{get_remote_address()}"


def _rate_limit() -> str:
    key = current_key()
    default: str = current_app.extensions["briefs"].settings.http.rate_limit
    return (key.rate_limit if key and key.rate_limit else None) or default


def quota_for(key: ApiKey, settings: Settings) -> int:
    """The key's characters per day; 0 means unlimited."""
    return settings.http.char_quota if key.char_quota is None else key.char_quota


@dataclass(frozen=True)
class Charge:
    """What one request added to a key's usage, so that it can be taken back."""

    key_id: str
    day: str
    characters: int


def charge(characters: int) -> Charge | None:
    """Admit the request to the model stages, then count its characters against the caller's daily quota.

    A key already past its quota is refused first (429, DeepL: 456), before it waits for a model slot;
    then admission (a model slot of this worker, or 503 overloaded): a request refused for load is
    never charged; then the charge, checked against the quota again atomically. A request that then ends in a
    refusal or a failure (any status of 400 or more) gets the charge back when its answer is made
    (:func:`_settle_usage`); None when no key is in use.
    """
    key = current_key()
    settings: Settings = current_app.extensions["briefs"].settings
    quota = quota_for(key, settings) if key is not None else 0
    if key is not None and quota and characters:  # a key past its quota learns so now, not after a turn's wait
        used = current_app.extensions["briefs.keys"].usage(key.id).characters
        if used + characters > quota:
            raise quota_exceeded(characters, used, quota)
    admit()
    if key is None:
        return None
    usage = current_app.extensions["briefs.keys"].record(key.id, characters=characters, quota=quota)
    g.briefs_charge = Charge(key.id, usage.day, characters)
    return g.briefs_charge


def keep_charge() -> Charge | None:
    """Hand this request's charge to work that outlives it (a document job): the request no longer refunds
    it, whatever it answers; the job refunds it if it fails."""
    charged: Charge | None = g.pop("briefs_charge", None)
    g.briefs_charge_kept = charged is not None  # counted already: the answer adds no request of its own
    return charged


def refund(charged: Charge | None) -> None:
    """Give a charge back (a refused request, a failed document job); logged, never raised."""
    if charged is None:
        return
    try:
        current_app.extensions["briefs.keys"].refund(charged.key_id, charged.day, characters=charged.characters)
    except Exception as exc:  # the store is down: the refusal itself must still be answered
        log.warning("could not refund %d characters to key %s: %s", charged.characters, charged.key_id,
                    type(exc).__name__, exc_info=not isinstance(exc, StoreUnavailableError))


def _settle_usage(response: Response) -> Response:
    """A served request counts once for its key; a refused or failed one (400 and up) leaves usage unchanged."""
    g.briefs_settled = True
    charged: Charge | None = g.pop("briefs_charge", None)
    if response.status_code >= 400:
        refund(charged)
        return response
    key = current_key()
    if key is not None and charged is None and not g.get("briefs_charge_kept") \
            and request.path.startswith(GUARDED_PREFIXES):
        try:
            current_app.extensions["briefs.keys"].record(key.id)
        except StoreUnavailableError:  # a usage counter must not turn a success into a failure; the store
            pass  # logs its outage once, not once per request
        except Exception:
            log.warning("could not record usage of key %s", key.id, exc_info=True)
    return response


def _settle_on_teardown(error: BaseException | None) -> None:
    """A request that ended without an answer (an error past every handler) gives its charge back."""
    if not g.get("briefs_settled"):
        refund(g.pop("briefs_charge", None))


def _retry_after_only_when_refused(response: Response) -> Response:
    """flask-limiter sets Retry-After (its window) on every limited response; it means "wait" only on 429/503,
    and a refusal that named its own wait (quota until midnight, an overloaded worker) keeps that one."""
    own = g.pop("briefs_retry_after", None)
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    elif own is not None:
        response.headers["Retry-After"] = own
    return response


def _storage_down(error: Exception) -> Response:
    """The rate-limit storage (Redis) went away: 503 naming it, never 500; it recovers when Redis returns."""
    from service.api.errors import briefs_error

    log.warning("rate-limit storage unreachable: %s", type(error).__name__)
    limiter = current_app.extensions.get("briefs.limiter")
    if limiter is not None:
        limiter.context.reset()  # no X-RateLimit headers: reading them would ask the dead storage again
    return briefs_error(StoreUnavailableError("the rate-limit store (http.rate_limit_storage) cannot be "
                                              "reached; retry shortly", retry_after=5))


def init_access(app: Flask, settings: Settings) -> Limiter:
    """Register key checks before flask-limiter, so limits are per verified key.

    One budget per key (or client address) across every guarded endpoint: the limit is an
    application limit, not a per-route default. Its counters live in ``http.rate_limit_storage``
    (memory: this process only; ``redis://``: every worker and host shares them).
    """
    keys = KeyStore(settings.database_url, pool_size=settings.store_pool_size)
    if settings.store_url and not settings.store_url.startswith("sqlite"):
        _check_store_at_start(keys, settings.store_url)
    app.extensions["briefs.keys"] = keys
    app.before_request(_authenticate)
    app.after_request(_settle_usage)
    app.teardown_request(_settle_on_teardown)
    app.after_request(_retry_after_only_when_refused)  # registered first, so it runs after the limiter's
    storage = settings.http.rate_limit_storage or "memory://"
    limiter = Limiter(
        _rate_key,
        app=app,
        application_limits=[_rate_limit],
        application_limits_exempt_when=lambda: not request.path.startswith(GUARDED_PREFIXES),
        storage_uri=storage,
        storage_options={"socket_connect_timeout": 5, "socket_timeout": 5} if storage.startswith("redis") else {},
        headers_enabled=True,
        enabled=bool(settings.http.rate_limit),
    )
    if limiter.enabled and not storage.startswith("memory") and not limiter.storage.check():
        raise StoreUnavailableError(f"the rate-limit store {_redacted(storage)} cannot be reached "
                                    "(http.rate_limit_storage); start it or fix the setting")
    if storage.startswith("redis"):  # importing redis costs start-up time a memory:// store never needs
        _register_storage_errors(app)
    app.extensions["briefs.limiter"] = limiter
    return limiter


def _check_store_at_start(keys: KeyStore, url: str) -> None:
    """A database server that is down at start is a clear error naming it, not a failure on first request."""
    try:
        keys.list()
    except StoreUnavailableError:
        raise StoreUnavailableError(f"the store {_redacted(url)} (store_url) cannot be reached; start it or "
                                    "fix the setting") from None


def rate_limit_storage_problem(app: Flask) -> str | None:
    """For /readyz: why the shared rate-limit storage does not answer (None when it does or is memory)."""
    limiter: Limiter | None = app.extensions.get("briefs.limiter")
    settings: Settings = app.extensions["briefs"].settings
    storage = settings.http.rate_limit_storage or "memory://"
    if limiter is None or not limiter.enabled or storage.startswith("memory"):
        return None
    try:
        if limiter.storage.check():
            return None
    except Exception:  # readiness reports, it does not crash
        log.debug("rate-limit storage check failed", exc_info=True)
    return f"the rate-limit store {_redacted(storage)} is not reachable"


def _register_storage_errors(app: Flask) -> None:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # redis is only needed for redis:// storage
        return
    app.register_error_handler(RedisConnectionError, _storage_down)
    app.register_error_handler(RedisTimeoutError, _storage_down)


def _redacted(url: str) -> str:
    """A storage URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    userinfo, host = rest.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    return f"{scheme}{sep}{user + '@' if user else ''}{host}"
