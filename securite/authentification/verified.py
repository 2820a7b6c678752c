"""Whether a request's account passed the second factor (no model import: usable while the
applications load, e.g. by the admin site)."""

from typing import Any


def is_verified(user: Any) -> bool:
    """True when the session passed a second factor (set by django-otp's OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and callable(check) and check())
