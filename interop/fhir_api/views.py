"""Read-only FHIR R4 endpoint: CapabilityStatement, Patient read and search by identifier
(GET for local identifiers, POST `_search` for all, the INS included).

Every Patient goes through `securite.access` (404 for absent or out of scope, with the
refusal traced) and leaves a "lecture" and an "export" audit row: the resource leaves the DUI.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, NotAuthenticated, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interop import mapping
from interop.builders import fhir
from interop.builders.data import DonneesManquantes
from securite import access
from securite.audit import audit_record
from securite.models import AuditAction, Categorie
from usagers.models import Usager


class FhirJsonRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"
    charset = None


def _outcome(code: str, diagnostics: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


class FhirView(APIView):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]
    schema = None  # FHIR has its own description: /fhir/metadata, not the OpenAPI schema

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            return Response(_outcome("not-found", "Ressource inconnue."), status=404)
        if isinstance(exc, DjangoPermissionDenied):
            return Response(_outcome("security", "Accès refusé."), status=403)
        if isinstance(exc, NotAuthenticated | PermissionDenied):
            response = super().handle_exception(exc)
            response.data = _outcome("security", "Accès refusé.")
            return response
        if isinstance(exc, DonneesManquantes):
            return Response(_outcome("incomplete", str(exc)), status=422)
        if isinstance(exc, APIException):
            response = super().handle_exception(exc)
            response.data = _outcome("processing", str(exc.detail))
            return response
        raise exc


def _patient_resource(usager: Usager) -> dict[str, Any]:
    return fhir.fhir_patient(mapping.patient_data(usager))


def _exporter(request: Request, usager: Usager) -> None:
    audit_record(
        acteur=access.current_user(request),
        action=AuditAction.EXPORT,
        usager=usager,
        objet_type="fhir.Patient",
        objet_id=str(usager.pk),
        categorie=Categorie.ADMINISTRATIF,
        request=request,
    )


class MetadataView(FhirView):
    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        base = request.build_absolute_uri("/fhir")
        version = getattr(settings, "DUI_VERSION", "0.1.0")
        return Response(fhir.fhir_capability_statement(base, version, timezone.localdate()))


class PatientReadView(FhirView):
    def get(self, request: Request, id: str) -> Response:
        usager = access.usager_consulter(request, id)
        resource = _patient_resource(usager)
        _exporter(request, usager)
        return Response(resource)


def _is_ins_system(system: str) -> bool:
    return system.startswith("urn:oid:1.2.250.1.213.1.4.")


class PatientSearchView(FhirView):
    """`GET /fhir/Patient?identifier=…` for a local identifier, and
    `POST /fhir/Patient/_search` (form body, the FHIR way of searching without the terms in
    the URL) for any identifier. An INS is a health identifier: searched by POST only, so it
    never lands in a URL, an access log or a browser history."""

    def get(self, request: Request) -> Response:
        identifier = request.query_params.get("identifier", "")
        if _is_ins_system(identifier.rpartition("|")[0]):
            return Response(
                _outcome(
                    "security",
                    "Une recherche par INS passe par POST /fhir/Patient/_search (corps du "
                    "formulaire), jamais dans l'adresse.",
                ),
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._search(request, identifier)

    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        return self._search(request, str(data.get("identifier", "")))

    def _search(self, request: Request, identifier: str) -> Response:
        user = access.current_user(request)
        system, _, value = identifier.rpartition("|")
        if not value:
            return Response(
                _outcome("required", "Paramètre de recherche « identifier » attendu."),
                status=status.HTTP_400_BAD_REQUEST,
            )
        queryset = access.usagers_visibles(user)
        if system in ("", fhir.SYSTEM_LOCAL_USAGER):
            local = value.split("/", 1)[1] if "/" in value else value
            queryset = queryset.filter(identifiant_local=local)
        elif _is_ins_system(system):
            queryset = queryset.filter(ins__matricule=value)
        else:
            queryset = queryset.none()
        entries = []
        for usager in queryset[:50]:
            resource = _patient_resource(usager)
            if system.startswith("urn:oid:") and not any(
                i.get("value") == value for i in resource["identifier"]
            ):
                continue  # an unqualified INS is never searchable: it is not in the payload
            audit_record(
                acteur=user,
                action=AuditAction.LECTURE,
                usager=usager,
                categorie=Categorie.ADMINISTRATIF,
                request=request,
            )
            _exporter(request, usager)
            entries.append(
                {
                    "fullUrl": request.build_absolute_uri(f"/fhir/Patient/{usager.pk}"),
                    "resource": resource,
                    "search": {"mode": "match"},
                }
            )
        return Response(
            {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
        )
