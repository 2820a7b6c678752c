"""Authentication: password step, second factor (TOTP, passkeys, recovery codes), lockout,
session lifetime, password reset and Pro Santé Connect."""
