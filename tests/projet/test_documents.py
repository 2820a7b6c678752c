"""The archivable PDF (what the interop builder embeds in the CDA for the DMP)."""

import datetime
import io

from pypdf import PdfReader

from usagers.projet import services
from usagers.projet.documents import projet_pdf


def test_the_pdf_contains_the_objectives_and_the_persons_words(en_cours, educateur):
    services.evaluation_enregistrer(
        acteur=educateur,
        objectif=en_cours.objectifs.get(),
        date=datetime.date(2025, 6, 1),
        resultat="partiellement",
    )
    reader = PdfReader(io.BytesIO(projet_pdf(en_cours)))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Aller au marché du samedi avec un accompagnement" in text
    assert "Je veux aller au marché le samedi." in text
    assert "1.2.1.3" in text and "2.3.4.3" in text
    assert "partiellement atteint" in text
    assert "Page 1 sur" in text


def test_the_pdf_is_pdf_a_2b(brouillon):
    reader = PdfReader(io.BytesIO(projet_pdf(brouillon)))
    root = reader.trailer["/Root"]
    assert "/OutputIntents" in root and "/Metadata" in root
    assert root["/Lang"] == "fr"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert reader.metadata.title.startswith("Projet personnalisé")
