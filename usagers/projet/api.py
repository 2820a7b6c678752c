"""REST API of the support plan: plans, objectives, evaluations (and what they need: needs,
agreements, lifecycle, SERAFIN-PH search, due plans).

Reads go through usagers.projet.access (policy and "lecture" audit); writes through the
services (policy, state, audit, one transaction). A refused rule answers 400 with field errors
in French (dui.api_errors); a plan the user may not read answers 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from securite import access as securite_access
from securite.models import Utilisateur

from . import access, selectors, services
from .models import (
    Besoin,
    CategorieBilan,
    FamilleSerafin,
    FormeAccord,
    Objectif,
    PartieAccord,
    Priorite,
    ProjetPersonnalise,
    ResultatEvaluation,
    StatutProjet,
    TypeProjet,
)

# ---------------------------------------------------------------------------
# Serializers
# ---------------------------------------------------------------------------


class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    resultat = serializers.CharField()
    resultat_libelle = serializers.CharField(source="get_resultat_display")
    commentaire = serializers.CharField()
    evaluateur = serializers.CharField()


class ObjectifOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    besoin = serializers.IntegerField(source="besoin_id")
    titre = serializers.CharField()
    titre_facile = serializers.CharField()
    description = serializers.CharField()
    date_debut = serializers.DateField(allow_null=True)
    date_cible = serializers.DateField(allow_null=True)
    indicateur = serializers.CharField()
    priorite = serializers.CharField()
    strategie = serializers.CharField()
    avis_usager = serializers.CharField()
    referent = serializers.IntegerField(source="referent_id", allow_null=True)
    evaluations = EvaluationOutputSerializer(many=True)


class BesoinOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="code.code")
    libelle = serializers.CharField()
    commentaire = serializers.CharField()


class AttenteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    origine = serializers.CharField()
    description = serializers.CharField()


class PrestationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="code.code")
    titre = serializers.CharField()
    objectifs = serializers.SerializerMethodField()
    responsable = serializers.IntegerField(source="responsable_id", allow_null=True)
    frequence = serializers.CharField()
    moyens = serializers.CharField()

    def get_objectifs(self, obj: Any) -> list[int]:
        return [o.pk for o in obj.objectifs.all()]


class AccordOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partie = serializers.CharField()
    forme = serializers.CharField()
    date = serializers.DateField()


class ProjetOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    usager = serializers.IntegerField(source="usager_id")
    etablissement = serializers.IntegerField(source="etablissement_id")
    type_projet = serializers.CharField(source="type_projet.code")
    titre = serializers.CharField()
    statut = serializers.CharField()
    statut_libelle = serializers.CharField(source="get_statut_display")
    version = serializers.IntegerField()
    precedent = serializers.IntegerField(source="precedent_id", allow_null=True)
    date_debut = serializers.DateField(allow_null=True)
    date_fin = serializers.DateField(allow_null=True)
    date_reevaluation = serializers.DateField(allow_null=True)
    referent = serializers.IntegerField(source="referent_id")
    identifiant_tddui = serializers.CharField()


class ProjetDetailOutputSerializer(ProjetOutputSerializer):
    description = serializers.CharField()
    modalites_communication = serializers.CharField()
    usager_present = serializers.BooleanField(allow_null=True)
    attentes = AttenteOutputSerializer(many=True)
    besoins = BesoinOutputSerializer(many=True)
    objectifs = ObjectifOutputSerializer(many=True)
    prestations = PrestationOutputSerializer(many=True)
    accords = AccordOutputSerializer(many=True)


def _user(request: Request) -> Utilisateur:
    return securite_access.current_user(request)  # type: ignore[arg-type]


def _editable(request: Request, pk: Any) -> ProjetPersonnalise:
    user = _user(request)
    projet = access.projet_get(user, pk, request=request)  # type: ignore[arg-type]
    if not access.projet_can_edit(user, projet):
        raise PermissionDenied("Vous ne pouvez pas modifier ce projet.")
    return projet


def _detail(request: Request, projet: ProjetPersonnalise) -> dict[str, Any]:
    return ProjetDetailOutputSerializer(selectors.projet_complet(projet)).data  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------


class ProjetCreateInputSerializer(serializers.Serializer):
    usager = serializers.IntegerField()
    type_projet = serializers.SlugRelatedField(
        slug_field="code", queryset=TypeProjet.objects.filter(actif=True)
    )
    titre = serializers.CharField(max_length=200)
    referent = serializers.IntegerField(required=False)
    date_debut = serializers.DateField(required=False, allow_null=True, default=None)
    date_fin = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    modalites_communication = serializers.CharField(required=False, allow_blank=True, default="")


class ProjetListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("usager", int, description="Plans of one person")],
        responses=ProjetOutputSerializer(many=True),
        operation_id="projet_list",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        queryset: QuerySet[ProjetPersonnalise] = access.projets_visibles(user).select_related(
            "type_projet", "usager", "etablissement"
        )
        usager = request.query_params.get("usager")
        if usager:
            # Reading one person's plans is reading their record: policy and audit.
            access.usager_projets_consulter(request, usager)  # type: ignore[arg-type]
            queryset = queryset.filter(usager_id=usager)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(
            queryset.order_by("usager_id", "-version"), request, self
        )
        return paginator.get_paginated_response(ProjetOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ProjetCreateInputSerializer,
        responses={201: ProjetDetailOutputSerializer},
        operation_id="projet_create",
    )
    def post(self, request: Request) -> Response:
        user = _user(request)
        serializer = ProjetCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        usager = securite_access.usager_get(user, data["usager"], request=request)  # type: ignore[arg-type]
        referent = None
        if data.get("referent"):
            referent = Utilisateur.objects.filter(
                pk=data["referent"], organisme_id=usager.organisme_id
            ).first()
            if referent is None:
                raise serializers.ValidationError({"referent": ["Professionnel inconnu."]})
        projet = services.projet_creer(
            acteur=user,
            usager=usager,
            type_projet=data["type_projet"],
            titre=data["titre"],
            referent=referent,
            date_debut=data["date_debut"],
            date_fin=data["date_fin"],
            description=data["description"],
            modalites_communication=data["modalites_communication"],
            request=request,  # type: ignore[arg-type]
        )
        return Response(_detail(request, projet), status=status.HTTP_201_CREATED)


class ProjetUpdateInputSerializer(serializers.Serializer):
    titre = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    date_reevaluation = serializers.DateField(required=False, allow_null=True)
    usager_present = serializers.BooleanField(required=False, allow_null=True)
    modalites_communication = serializers.CharField(required=False, allow_blank=True)


class ProjetDetailApi(APIView):
    @extend_schema(responses=ProjetDetailOutputSerializer, operation_id="projet_detail")
    def get(self, request: Request, pk: int) -> Response:
        projet = access.projet_consulter(request, pk)  # type: ignore[arg-type]
        return Response(_detail(request, projet))

    @extend_schema(
        request=ProjetUpdateInputSerializer,
        responses=ProjetDetailOutputSerializer,
        operation_id="projet_update",
    )
    def patch(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        serializer = ProjetUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.projet_modifier(
            acteur=_user(request),
            projet=projet,
            request=request,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(_detail(request, projet))


class TransitionInputSerializer(serializers.Serializer):
    vers = serializers.ChoiceField(choices=StatutProjet.choices)
    motif = serializers.CharField(required=False, allow_blank=True, default="")


class ProjetTransitionApi(APIView):
    @extend_schema(
        request=TransitionInputSerializer,
        responses=ProjetDetailOutputSerializer,
        operation_id="projet_transition",
    )
    def post(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        projet = services.projet_transition(
            acteur=_user(request),
            projet=projet,
            vers=serializer.validated_data["vers"],
            motif=serializer.validated_data["motif"],
            request=request,  # type: ignore[arg-type]
        )
        return Response(_detail(request, projet))


class ProjetNouvelleVersionApi(APIView):
    @extend_schema(
        request=None,
        responses={201: ProjetDetailOutputSerializer},
        operation_id="projet_nouvelle_version",
    )
    def post(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        nouveau = services.projet_nouvelle_version(
            acteur=_user(request),
            projet=projet,
            request=request,  # type: ignore[arg-type]
        )
        return Response(_detail(request, nouveau), status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------
# Needs, objectives, evaluations, agreements
# ---------------------------------------------------------------------------


class BesoinInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class BesoinCreateApi(APIView):
    @extend_schema(
        request=BesoinInputSerializer,
        responses={201: BesoinOutputSerializer},
        operation_id="besoin_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        serializer = BesoinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        besoin = services.besoin_ajouter(
            acteur=_user(request),
            projet=projet,
            request=request,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(BesoinOutputSerializer(besoin).data, status=status.HTTP_201_CREATED)


class ObjectifInputSerializer(serializers.Serializer):
    besoin = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Identifiant d'un besoin du projet (obligatoire).",
    )
    titre = serializers.CharField(max_length=200)
    titre_facile = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_cible = serializers.DateField(required=False, allow_null=True)
    indicateur = serializers.CharField(max_length=300, required=False, allow_blank=True)
    priorite = serializers.ChoiceField(choices=Priorite.choices, required=False)
    strategie = serializers.CharField(required=False, allow_blank=True)
    avis_usager = serializers.CharField(required=False, allow_blank=True)


class ObjectifListApi(APIView):
    @extend_schema(responses=ObjectifOutputSerializer(many=True), operation_id="objectif_list")
    def get(self, request: Request, pk: int) -> Response:
        projet = selectors.projet_complet(access.projet_consulter(request, pk))  # type: ignore[arg-type]
        return Response(ObjectifOutputSerializer(projet.objectifs.all(), many=True).data)

    @extend_schema(
        request=ObjectifInputSerializer,
        responses={201: ObjectifOutputSerializer},
        operation_id="objectif_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        serializer = ObjectifInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        besoin_id = data.pop("besoin")
        besoin = Besoin.objects.filter(pk=besoin_id, projet=projet).first() if besoin_id else None
        if besoin_id and besoin is None:
            raise serializers.ValidationError(
                {"besoin": ["Ce besoin n'appartient pas à ce projet."]}
            )
        objectif = services.objectif_ajouter(
            acteur=_user(request),
            projet=projet,
            besoin=besoin,
            request=request,  # type: ignore[arg-type]
            **data,
        )
        return Response(ObjectifOutputSerializer(objectif).data, status=status.HTTP_201_CREATED)


class EvaluationInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    resultat = serializers.ChoiceField(choices=ResultatEvaluation.choices)
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationCreateApi(APIView):
    @extend_schema(
        request=EvaluationInputSerializer,
        responses={201: EvaluationOutputSerializer},
        operation_id="evaluation_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        objectif_projet = Objectif.objects.filter(pk=pk).values_list("projet_id", flat=True).first()
        projet = _editable(request, objectif_projet if objectif_projet is not None else 0)
        objectif = get_object_or_404(Objectif, pk=pk, projet=projet)
        objectif.projet = projet
        serializer = EvaluationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.evaluation_enregistrer(
            acteur=user,
            objectif=objectif,
            request=request,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(EvaluationOutputSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class AccordInputSerializer(serializers.Serializer):
    partie = serializers.ChoiceField(choices=PartieAccord.choices)
    forme = serializers.ChoiceField(choices=FormeAccord.choices)
    date = serializers.DateField()
    signataire = serializers.CharField(required=False, allow_blank=True, default="")
    temoin = serializers.CharField(required=False, allow_blank=True, default="")
    motif_refus = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class AccordCreateApi(APIView):
    @extend_schema(
        request=AccordInputSerializer,
        responses={201: AccordOutputSerializer},
        operation_id="accord_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        projet = access.projet_get(user, pk, request=request)  # type: ignore[arg-type]
        serializer = AccordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accord = services.accord_enregistrer(
            acteur=user,
            projet=projet,
            request=request,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(AccordOutputSerializer(accord).data, status=status.HTTP_201_CREATED)


class BilanInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    categorie = serializers.ChoiceField(choices=CategorieBilan.choices)
    synthese = serializers.CharField()
    invites = serializers.CharField(required=False, allow_blank=True, default="")
    date_prochain_bilan = serializers.DateField(required=False, allow_null=True, default=None)


class BilanCreateApi(APIView):
    @extend_schema(request=BilanInputSerializer, responses={201: None}, operation_id="bilan_create")
    def post(self, request: Request, pk: int) -> Response:
        projet = _editable(request, pk)
        serializer = BilanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bilan = services.bilan_enregistrer(
            acteur=_user(request),
            projet=projet,
            request=request,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response({"id": bilan.pk}, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------
# Reference data and due plans
# ---------------------------------------------------------------------------


class ConceptOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField()
    code_parent = serializers.CharField(source="parent.code", allow_null=True)
    niveau = serializers.IntegerField()
    famille = serializers.CharField()


class SerafinApi(APIView):
    """SERAFIN-PH search for the picker: accent- and case-insensitive, on code and label."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Mots ou code recherchés"),
            OpenApiParameter("famille", str, enum=["1", "2", "3"]),
        ],
        responses=ConceptOutputSerializer(many=True),
        operation_id="serafin_search",
    )
    def get(self, request: Request) -> Response:
        famille = request.query_params.get("famille") or None
        if famille and famille not in FamilleSerafin.values:
            raise serializers.ValidationError({"famille": ["Famille inconnue (1, 2 ou 3)."]})
        concepts = selectors.serafin_rechercher(request.query_params.get("q", ""), famille)
        return Response(ConceptOutputSerializer(concepts[:200], many=True).data)


class EcheancesOutputSerializer(serializers.Serializer):
    en_retard = serializers.IntegerField()
    a_venir = serializers.IntegerField()
    projets = ProjetOutputSerializer(many=True)


class EcheancesApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("vue", str, enum=["mes", "tous"])],
        responses=EcheancesOutputSerializer,
        operation_id="projet_echeances",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        jour = timezone.localdate()
        mes = request.query_params.get("vue", "mes") == "mes"
        compte = selectors.echeances_compter(user=user, jour=jour)
        # All columns: the output carries the TDDUI identifier (FINESS, local id).
        projets = selectors.echeances_liste(user=user, jour=jour, mes_projets=mes).defer(None)[:200]
        return Response(
            {
                "en_retard": compte.en_retard,
                "a_venir": compte.a_venir,
                "projets": ProjetOutputSerializer(projets, many=True).data,
            }
        )
