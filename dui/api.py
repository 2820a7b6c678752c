"""REST API of the organisation: establishments, units, the current user."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from securite import access

from . import selectors, services
from .models import CategorieEtablissement, ModeAccueil
from .validators import finess_validate


class CapaciteSerializer(serializers.Serializer):
    mode_accueil = serializers.ChoiceField(choices=ModeAccueil.choices)
    places = serializers.IntegerField(min_value=0, max_value=10000)


class UniteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()
    mode_accueil = serializers.CharField()
    presents = serializers.IntegerField(source="presents_total")


class EtablissementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()
    finess = serializers.CharField()
    categorie = serializers.CharField()
    categorie_libelle = serializers.CharField(source="get_categorie_display")
    commune = serializers.CharField()


class EtablissementCreateInputSerializer(serializers.Serializer):
    """Creation of an establishment."""

    nom = serializers.CharField(max_length=200)
    finess = serializers.CharField(max_length=11)
    categorie = serializers.ChoiceField(choices=CategorieEtablissement.choices)
    adresse = serializers.CharField(max_length=300, required=False, default="")
    code_postal = serializers.RegexField(
        r"^\d{5}$",
        required=False,
        default="",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = serializers.CharField(max_length=100, required=False, default="")
    capacites = CapaciteSerializer(many=True, required=False, default=list)

    def validate_finess(self, value: str) -> str:
        try:
            return finess_validate(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_capacites(self, value: list[dict]) -> list[dict]:
        modes = [item["mode_accueil"] for item in value]
        if len(modes) != len(set(modes)):
            raise serializers.ValidationError("Un mode d'accueil ne figure qu'une fois.")
        return value


class EtablissementListApi(APIView):
    @extend_schema(
        responses=EtablissementOutputSerializer(many=True), operation_id="etablissement_list"
    )
    def get(self, request: Request) -> Response:
        user = access.current_user(request)
        queryset = access.etablissements_visibles(user).order_by("nom")
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(EtablissementOutputSerializer(page, many=True).data)

    @extend_schema(
        request=EtablissementCreateInputSerializer,
        responses={201: EtablissementOutputSerializer},
        operation_id="etablissement_create",
    )
    def post(self, request: Request) -> Response:
        user = access.current_user(request)
        if not access.etablissement_can_manage(user):
            raise PermissionDenied("Vous n'avez pas le droit de créer un établissement.")
        serializer = EtablissementCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        etablissement = services.etablissement_create(
            acteur=user,
            nom=data["nom"],
            finess=data["finess"],
            categorie=data["categorie"],
            adresse=data["adresse"],
            code_postal=data["code_postal"],
            commune=data["commune"],
            capacites={c["mode_accueil"]: c["places"] for c in data["capacites"]},
        )
        return Response(
            EtablissementOutputSerializer(etablissement).data, status=status.HTTP_201_CREATED
        )


class EtablissementDetailOutputSerializer(EtablissementOutputSerializer):
    capacites = CapaciteSerializer(many=True)
    unites = UniteOutputSerializer(many=True)


class EtablissementDetailApi(APIView):
    @extend_schema(
        responses=EtablissementDetailOutputSerializer, operation_id="etablissement_detail"
    )
    def get(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        etablissement = access.etablissement_get(user, pk)
        unites = selectors.unite_list_with_presents(
            user=user, jour=timezone.localdate(), etablissement=etablissement
        )
        data = {
            **EtablissementOutputSerializer(etablissement).data,
            "capacites": CapaciteSerializer(
                etablissement.capacites.order_by("mode_accueil"), many=True
            ).data,
            "unites": UniteOutputSerializer(unites, many=True).data,
        }
        return Response(data)


class MoiOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    nom_complet = serializers.CharField(source="get_full_name")
    type_compte = serializers.CharField()
    profession = serializers.CharField()


class MoiApi(APIView):
    @extend_schema(responses=MoiOutputSerializer, operation_id="moi")
    def get(self, request: Request) -> Response:
        user = access.current_user(request)
        return Response(MoiOutputSerializer(user).data)
