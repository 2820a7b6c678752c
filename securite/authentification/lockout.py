"""Progressive lockout of failed logins, per username and per IP address.

The lock is checked before the password hash is computed: hashing is deliberately slow
(PBKDF2), so an unthrottled login form is a denial-of-service vector as much as a way to
guess passwords. A lock applies to a typed username whether or not an account has it, so the
answer never tells whether an account exists.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from securite.reseau import client_ip

from .journal import event_record
from .models import LoginEventKind, LoginThrottle, ThrottleScope


@dataclass(frozen=True)
class LockPolicy:
    threshold: int
    delays: tuple[int, ...]
    memory: int


def lock_policy(scope: str) -> LockPolicy:
    threshold = (
        settings.LOGIN_LOCK_THRESHOLD_ACCOUNT
        if scope == ThrottleScope.ACCOUNT
        else settings.LOGIN_LOCK_THRESHOLD_IP
    )
    return LockPolicy(
        threshold=max(1, threshold),
        delays=tuple(settings.LOGIN_LOCK_DELAYS) or (60,),
        memory=settings.LOGIN_LOCK_MEMORY,
    )


def account_key(username: str) -> str:
    """Keyed hash of a typed username: a password typed in the wrong field is never stored."""
    normalized = username.strip().casefold()
    return salted_hmac("securite.authentification.lockout", normalized).hexdigest()


def _targets(username: str, ip: str | None) -> list[tuple[str, str]]:
    targets = [(str(ThrottleScope.ACCOUNT), account_key(username))]
    if ip:
        targets.append((str(ThrottleScope.IP), ip))
    return targets


def locked_until(*, username: str, request: HttpRequest | None) -> datetime | None:
    """When the lock on this username or this address ends; None if neither is locked."""
    query = Q()
    for scope, key in _targets(username, client_ip(request)):
        query |= Q(scope=scope, key=key)
    result = LoginThrottle.objects.filter(query, locked_until__gt=timezone.now()).aggregate(
        until=Max("locked_until")
    )
    until: datetime | None = result["until"]
    return until


def refusal_record(*, request: HttpRequest | None, user: object = None) -> None:
    """An attempt refused because of a lock (no password checked)."""
    event_record(kind=LoginEventKind.REFUSED_LOCKED, request=request, user=user)


def failure_record(
    *, username: str, request: HttpRequest | None, kind: str, user: object = None
) -> None:
    """Count a failed attempt against the username and the address; lock when a threshold is
    reached (next delay of LOGIN_LOCK_DELAYS), and record the failure and any lock."""
    now = timezone.now()
    with transaction.atomic():
        for scope, key in _targets(username, client_ip(request)):
            policy = lock_policy(scope)
            throttle, _ = LoginThrottle.objects.select_for_update().get_or_create(
                scope=scope, key=key, defaults={"last_failure_at": now}
            )
            if (now - throttle.last_failure_at).total_seconds() > policy.memory:
                throttle.failures = 0
                throttle.level = 0
            throttle.failures += 1
            throttle.last_failure_at = now
            if scope == ThrottleScope.ACCOUNT and user is not None:
                throttle.user_id = getattr(user, "pk", None)
            if throttle.failures >= policy.threshold:
                delay = policy.delays[min(throttle.level, len(policy.delays) - 1)]
                throttle.locked_until = now + timedelta(seconds=delay)
                throttle.level += 1
                throttle.failures = 0
                event_record(
                    kind=LoginEventKind.LOCK,
                    request=request,
                    user=user if scope == ThrottleScope.ACCOUNT else None,
                    detail=f"{ThrottleScope(scope).label} : verrouillage de {delay} s "
                    f"(niveau {throttle.level})",
                )
            throttle.save()
        event_record(kind=kind, request=request, user=user)


def account_unlock(username: str) -> None:
    """Forget the failures of a username: after a complete login, or a password reset."""
    LoginThrottle.objects.filter(scope=ThrottleScope.ACCOUNT, key=account_key(username)).delete()
