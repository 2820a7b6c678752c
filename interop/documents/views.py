"""Pages of received documents: a person's documents, one document read, its PDF, the
quarantine list and the identity review queue."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from securite import access
from securite.audit import audit_record, audit_refusal
from securite.models import AuditAction

from . import selectors, services
from .cda import DocumentInvalide, cda_lire
from .models import DocumentRecu, StatutRapprochement


def _document_get(request: HttpRequest, pk: int) -> DocumentRecu:
    """One received document the user may read, or 404 (absent and forbidden alike)."""
    user = access.current_user(request)
    document = DocumentRecu.objects.filter(pk=pk, usager__isnull=False).first()
    if document is None:
        audit_refusal(
            acteur=user, request=request, objet_type="documents.DocumentRecu", objet_id=pk
        )
        raise Http404
    access.usager_get(user, document.usager_id, categorie=document.categorie, request=request)
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=document.usager,
        objet=document,
        categorie=document.categorie,
        request=request,
    )
    return document


@login_required
def usager_documents(request: HttpRequest, pk: int) -> HttpResponse:
    usager = access.usager_consulter(request, pk)
    documents = selectors.documents_usager(access.current_user(request), usager)
    return render(
        request, "documents/usager_documents.html", {"usager": usager, "documents": documents}
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_get(request, pk)
    try:
        lu = cda_lire(services.contenu_brut(document.contenu))
    except DocumentInvalide:  # stored documents were read once; kept for safety
        lu = None
    return render(request, "documents/document_detail.html", {"document": document, "lu": lu})


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_get(request, pk)
    lu = cda_lire(services.contenu_brut(document.contenu))
    if lu.pdf is None:
        raise Http404
    response = HttpResponse(lu.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="document-{document.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def quarantaine(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    if not selectors.is_identitovigilance(user):
        raise Http404
    return render(
        request,
        "documents/quarantaine.html",
        {"elements": selectors.quarantaine_visible(user)[:200]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rapprochements(request: HttpRequest) -> HttpResponse:
    user = access.current_user(request)
    if not selectors.is_identitovigilance(user):
        raise Http404
    if request.method == "POST":
        identifiant = request.POST.get("id", "")
        item = (
            selectors.rapprochements_a_traiter(user).filter(pk=int(identifiant)).first()
            if identifiant.isdigit()
            else None
        )
        if item is None:
            raise Http404
        if request.POST.get("decision") == "ecarter":
            services.rapprochement_ecarter(rapprochement=item, acteur=user)
            messages.success(request, "Élément écarté.")
        else:
            local = (request.POST.get("identifiant_local") or "").strip()
            usager = (
                access.usagers_visibles(user)
                .filter(identifiant_local=local, organisme_id=item.organisme_id)
                .first()
            )
            if usager is None:
                messages.error(request, "Aucun dossier accessible ne porte ce numéro.")
            else:
                services.rapprochement_rattacher(rapprochement=item, usager=usager, acteur=user)
                messages.success(request, f"Rattaché au dossier n° {usager.identifiant_local}.")
        return redirect("documents:rapprochements")
    items = []
    for item in selectors.rapprochements_visibles(user).prefetch_related("candidats")[:200]:
        items.append(
            {
                "item": item,
                "identite": json.loads(item.identite_recue or "{}"),
                "candidats": list(item.candidats.all()),
            }
        )
    return render(
        request,
        "documents/rapprochements.html",
        {"items": items, "a_traiter": StatutRapprochement.A_TRAITER},
    )
