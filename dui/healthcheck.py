"""Health probe of the web container: `python -m dui.healthcheck` (docker-compose `web`).

It asks gunicorn on 127.0.0.1:8000 for /sante/ the way the load balancer does: with a Host
header the application accepts (the first entry of ALLOWED_HOSTS) and, behind a TLS proxy
(BEHIND_PROXY), `X-Forwarded-Proto: https` — without them Django answers 400 (unknown host)
or 301 (HTTPS redirect) and the container would never be healthy. Exit code 0 on 200.
Reads only the environment: no Django set-up, so it stays cheap every 30 seconds.
"""

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

URL = "http://127.0.0.1:8000/sante/"


def probe_headers(environ: Mapping[str, str]) -> dict[str, str]:
    """Headers of the probe for this environment."""
    hosts = [h.strip() for h in environ.get("ALLOWED_HOSTS", "localhost").split(",")]
    usable = [h.lstrip(".") for h in hosts if h and h != "*"]
    headers = {"Host": usable[0] if usable else "localhost"}
    if environ.get("BEHIND_PROXY", "false").strip().lower() in ("1", "true", "yes", "on"):
        headers["X-Forwarded-Proto"] = "https"
    return headers


def main() -> int:
    request = urllib.request.Request(URL, headers=probe_headers(os.environ))
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - fixed http URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"/sante/ : {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
