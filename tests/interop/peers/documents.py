"""Test payloads: the ANS example N1 document (DOC_NON_STRUCTURE_CDA-R2-N1.xml) with its own
identifiers per document version, until the product's own builders feed the outbox."""

import functools
import uuid

from .validation import EXAMPLE_N1

INS_EXEMPLE = "279035121518989"  # the INS-NIR de test of the ANS example
OID_INS_TEST = "1.2.250.1.213.1.4.10"


@functools.cache
def _exemple() -> str:
    return EXAMPLE_N1.read_text(encoding="utf-8")


def nouvel_identifiant() -> str:
    return f"2.25.{uuid.uuid4().int}"


def cda_n1(*, set_id: str, version: int = 1, parent_uid: str = "") -> tuple[bytes, str]:
    """(CDA bytes, uniqueId) of version `version` of document `set_id`."""
    uid = f"{set_id}.{version}"
    text = _exemple()
    text = text.replace('<id root="1.3.6.1.4.1.19376.1.2.20.12345.1.1"/>', f'<id root="{uid}"/>', 1)
    text = text.replace(
        '<setId root="1.3.6.1.4.1.19376.1.2.20.12345.1"/>', f'<setId root="{set_id}"/>', 1
    )
    text = text.replace('<versionNumber value="1"/>', f'<versionNumber value="{version}"/>', 1)
    if parent_uid:
        text = text.replace(
            "<componentOf>",
            '<relatedDocument typeCode="RPLC"><parentDocument>'
            f'<id root="{parent_uid}"/></parentDocument></relatedDocument>\n  <componentOf>',
            1,
        )
    assert uid in text
    return text.encode("utf-8"), uid
