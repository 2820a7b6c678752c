"""Classification of the outbox routes for tests/securite/test_url_policy.py."""

from typing import Any

from tests.factories import SejourFactory

# The delivery queue and its POST-only actions: technical administrators and directors only
# (interop.selectors.file_can_manage, 404 otherwise; tests/interop/test_outbox_views.py). The
# queue shows delivery numbers, establishments, document titles and statuses, no record.
ENVOIS_NO_USAGER_DATA = {"envois:file", "envois:relancer", "envois:annuler"}


def _usager(world: Any) -> dict[str, Any]:
    usager = SejourFactory(unite=world.unite_a).usager
    return {"usager_pk": usager.pk, "_usager": usager}


ENVOIS_USAGER_ROUTES = {"envois:usager": _usager}
