"""Documents of the support plan: the easy-to-read version (FALC) and the archivable PDF.

`projet_pdf(projet) -> bytes` is what the interop builder embeds in the CDA document sent to
the DMP (N1 document, type 80788-3): it reads the plan and renders it, with no side effect (no
audit row: the caller that reveals the document records its own). The PDF is PDF/A-2b
(ISO 19005-2, level B: fonts embedded, sRGB output intent, XMP metadata), as produced by
WeasyPrint's `pdf/a-2b` variant.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors
from .models import OrigineAttente, ProjetPersonnalise

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "projet-impression.css"


def document_context(projet: ProjetPersonnalise) -> dict[str, Any]:
    """Everything the FALC page and the PDF show, the person's own words first."""
    complet = selectors.projet_complet(projet)
    attentes = list(complet.attentes.all())
    prestations = list(complet.prestations.all())
    objectifs = [
        {
            "objectif": o,
            "derniere": selectors.derniere_evaluation(o),
            "prestations": [p for p in prestations if o in p.objectifs.all()],
        }
        for o in complet.objectifs.all()
    ]
    return {
        "projet": complet,
        "usager": complet.usager,
        "projet_de_vie": selectors.projet_de_vie(complet),
        "attentes_personne": [a for a in attentes if a.origine == OrigineAttente.USAGER],
        "attentes_autres": [a for a in attentes if a.origine != OrigineAttente.USAGER],
        "besoins": list(complet.besoins.all()),
        "objectifs": objectifs,
        "prestations": prestations,
        "participants": list(complet.participants.all()),
        "accords": list(complet.accords.all()),
        "bilans": list(complet.bilans.all()),
        "genere_le": timezone.localtime(),
    }


def projet_pdf(projet: ProjetPersonnalise, *, aujourdhui: date | None = None) -> bytes:
    """The plan as an archivable PDF (PDF/A-2b)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs ~0.3 s

    context = document_context(projet)
    if aujourdhui is not None:
        context["genere_le"] = aujourdhui
    html = render_to_string("projet/pdf.html", context)
    result = HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS))], pdf_variant="pdf/a-2b"
    )
    assert result is not None  # noqa: S101 - write_pdf without a target returns bytes
    return bytes(result)
