"""REST API of the usager record: one APIView per operation, nested Input/Output serializers
with unique component names.

The API is for use outside the product: its outputs carry the matricule INS only through
`selectors.ins_partageable` (qualified identities), never otherwise. Searches by name or
birth date are POSTs (no identity in URLs or access logs).
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dui.models import ModeAccueil
from securite import access
from securite.models import Action, Categorie

from . import selectors, services
from .identifiants import cog_validate
from .insi import JetonInvalide, insi_appeler, resultat_depuis_jeton, resultat_vers_jeton
from .models import (
    ETAT_DLU_CODES,
    Appareillage,
    Contact,
    DossierLiaisonUrgence,
    Lien,
    MethodeRecuperation,
    ModeEntree,
    ModeSortie,
    MotifSortie,
    PorteeMesure,
    PrecisionDate,
    Sejour,
    Sexe,
    StatutEtablissementSante,
    TypeJustificatif,
    TypeMandataire,
    TypeMesure,
    TypeOrientation,
    Usager,
)
from .selectors import Presence

A, S, SO = Categorie.ADMINISTRATIF, Categorie.SOCIAL, Categorie.SOINS
M = Categorie.MEDICAL


def _ajouter(
    view: Any,
    request: Request,
    pk: int,
    *,
    categorie: str,
    enregistrer: Callable[..., Any],
) -> Response:
    """POST one item to a usager's record: write right on `categorie` (else 404 and a trace),
    the view's InputSerializer, the service (`enregistrer(acteur=, usager=, request=, **data)`,
    its refusal as field errors through dui.api_errors, nothing saved), 201 with the view's
    OutputSerializer."""
    user = access.current_user(request)
    usager = access.usager_get(user, pk, categorie=categorie, action=Action.ECRIRE, request=request)
    serializer = view.InputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    objet = enregistrer(acteur=user, usager=usager, request=request, **serializer.validated_data)
    return Response(view.OutputSerializer(objet).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
class UsagerInsOutputSerializer(serializers.Serializer):
    matricule = serializers.CharField()
    oid = serializers.CharField()


class UsagerSejourOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    etablissement = serializers.IntegerField(source="etablissement_id")
    etablissement_nom = serializers.CharField(source="etablissement.nom")
    unite = serializers.IntegerField(source="unite_id", allow_null=True)
    mode_accueil = serializers.CharField()
    date_entree = serializers.DateField()
    mode_entree = serializers.CharField()
    date_sortie_prevue = serializers.DateField(allow_null=True)
    date_sortie = serializers.DateField(allow_null=True)
    mode_sortie = serializers.CharField()
    motif_sortie = serializers.CharField()


class UsagerResumeOutputSerializer(serializers.Serializer):
    """A row of a list: identity and status, never the INS."""

    id = serializers.IntegerField()
    identifiant_local = serializers.CharField()
    nom_naissance = serializers.CharField()
    premier_prenom_naissance = serializers.CharField()
    nom_utilise = serializers.CharField()
    prenom_utilise = serializers.CharField()
    date_naissance = serializers.DateField()
    precision_date_naissance = serializers.CharField()
    sexe = serializers.CharField()
    statut_identite = serializers.CharField()


class UsagerDetailOutputSerializer(UsagerResumeOutputSerializer):
    prenoms_naissance = serializers.CharField()
    date_naissance_ins = serializers.CharField(help_text="aaaa-mm-jj, 00 pour une partie inconnue")
    lieu_naissance_code = serializers.CharField()
    is_douteuse = serializers.BooleanField()
    is_fictive = serializers.BooleanField()
    is_homonyme = serializers.BooleanField()
    telephone = serializers.CharField()
    email = serializers.CharField()
    adresse = serializers.CharField()
    code_postal = serializers.CharField()
    commune = serializers.CharField()
    ins = serializers.SerializerMethodField(
        help_text="Matricule INS et OID : présents seulement pour une identité qualifiée "
        "(RNIV) ; null sinon."
    )
    sejours = UsagerSejourOutputSerializer(many=True, source="sejours_dossier")

    @extend_schema_field(UsagerInsOutputSerializer(allow_null=True))
    def get_ins(self, usager: Usager) -> dict[str, Any] | None:
        # The one gate of the INS (usagers.selectors.ins_partageable).
        ins = selectors.ins_partageable(usager)
        return dict(UsagerInsOutputSerializer(ins).data) if ins is not None else None


def _detail_data(usager: Usager) -> dict[str, Any]:
    usager.sejours_dossier = list(  # type: ignore[attr-defined]
        Sejour.objects.filter(usager_id__in=selectors.usager_ids_dossier(usager))
        .select_related("etablissement")
        .order_by("-date_entree")
    )
    return dict(UsagerDetailOutputSerializer(usager).data)


class UsagerPageOutputSerializer(serializers.Serializer):
    results = UsagerResumeOutputSerializer(many=True)
    suivant = serializers.IntegerField(
        allow_null=True, help_text="Curseur de la page suivante (paramètre `apres`)."
    )


def _page_data(page: selectors.UsagerPage) -> dict[str, Any]:
    return {
        "results": UsagerResumeOutputSerializer(page.usagers, many=True).data,
        "suivant": page.suivant,
    }


# ---------------------------------------------------------------------------------------------
# List, admission, search
# ---------------------------------------------------------------------------------------------
class UsagerIdentiteInputSerializer(serializers.Serializer):
    nom_naissance = serializers.CharField(max_length=100)
    prenoms_naissance = serializers.CharField(max_length=200)
    date_naissance = serializers.DateField()
    precision_date_naissance = serializers.ChoiceField(
        choices=PrecisionDate.choices, default=PrecisionDate.JOUR
    )
    sexe = serializers.ChoiceField(choices=Sexe.choices)
    lieu_naissance_code = serializers.CharField(max_length=5, required=False, default="")
    nom_utilise = serializers.CharField(max_length=100, required=False, default="")
    prenom_utilise = serializers.CharField(max_length=100, required=False, default="")
    telephone = serializers.CharField(max_length=20, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    adresse = serializers.CharField(max_length=300, required=False, default="")
    code_postal = serializers.RegexField(
        r"^\d{5}$",
        required=False,
        default="",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = serializers.CharField(max_length=100, required=False, default="")

    def validate_lieu_naissance_code(self, value: str) -> str:
        if not value:
            return ""
        try:
            return cog_validate(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_date_naissance(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(
                "La date de naissance ne peut pas être dans le futur."
            )
        return value


class UsagerSejourInputSerializer(serializers.Serializer):
    etablissement = serializers.IntegerField()
    unite = serializers.IntegerField(required=False, allow_null=True, default=None)
    mode_accueil = serializers.ChoiceField(choices=ModeAccueil.choices)
    date_entree = serializers.DateField()
    mode_entree = serializers.ChoiceField(choices=ModeEntree.choices, required=False, default="")
    date_sortie_prevue = serializers.DateField(required=False, allow_null=True, default=None)
    origine_demande = serializers.CharField(max_length=200, required=False, default="")


def _sejour_donnees(request: Request, data: dict[str, Any]) -> services.SejourDonnees:
    user = access.current_user(request)
    etablissement = access.etablissements_visibles(user).filter(pk=data["etablissement"]).first()
    if etablissement is None:
        raise serializers.ValidationError(
            {"etablissement": ["Établissement inconnu ou hors de votre périmètre."]}
        )
    unite = None
    if data.get("unite"):
        unite = etablissement.unites.filter(pk=data["unite"]).first()
        if unite is None:
            raise serializers.ValidationError(
                {"unite": ["Cette unité n'appartient pas à l'établissement."]}
            )
    return services.SejourDonnees(
        etablissement=etablissement,
        unite=unite,
        mode_accueil=data["mode_accueil"],
        date_entree=data["date_entree"],
        mode_entree=data["mode_entree"],
        date_sortie_prevue=data["date_sortie_prevue"],
        origine_demande=data["origine_demande"],
    )


class UsagerDoublonOutputSerializer(serializers.Serializer):
    detail = serializers.CharField()
    doublons = serializers.ListField(
        child=serializers.CharField(), help_text="N° de dossier des dossiers aux traits proches."
    )


class UsagerListApi(APIView):
    class AdmissionInputSerializer(serializers.Serializer):
        identite = UsagerIdentiteInputSerializer()
        sejour = UsagerSejourInputSerializer()
        confirmer_doublon = serializers.BooleanField(default=False)

    AdmissionInputSerializer.__name__ = "UsagerAdmissionInput"

    @extend_schema(
        operation_id="usager_list",
        parameters=[
            OpenApiParameter("presence", str, enum=[p for p, _ in Presence.CHOICES]),
            OpenApiParameter("etablissement", int),
            OpenApiParameter("unite", int),
            OpenApiParameter("apres", int, description="Curseur renvoyé par la page précédente."),
        ],
        responses=UsagerPageOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        user = access.current_user(request)

        def number(name: str) -> int | None:
            value = request.query_params.get(name)
            return int(value) if value and value.isdigit() else None

        presence = request.query_params.get("presence") or Presence.PRESENTS
        if presence not in dict(Presence.CHOICES):
            raise serializers.ValidationError({"presence": ["Valeur inconnue."]})
        page = selectors.usager_list(
            user=user,
            jour=timezone.localdate(),
            presence=presence,
            etablissement_id=number("etablissement"),
            unite_id=number("unite"),
            apres=number("apres"),
        )
        services.liste_tracer(user=user, page=page, request=request)
        return Response(_page_data(page))

    @extend_schema(
        operation_id="usager_admettre",
        request=AdmissionInputSerializer,
        responses={
            201: UsagerDetailOutputSerializer,
            400: OpenApiResponse(description="Erreurs par champ, en français."),
            409: UsagerDoublonOutputSerializer,
        },
        description="Admission : crée le dossier (identité provisoire) et son premier séjour. "
        "409 si des dossiers aux traits proches existent (renvoyer avec "
        "`confirmer_doublon: true` après vérification).",
    )
    def post(self, request: Request) -> Response:
        user = access.current_user(request)
        serializer = self.AdmissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            usager = services.usager_admettre(
                acteur=user,
                identite=dict(data["identite"]),
                sejour=_sejour_donnees(request, data["sejour"]),
                confirmer_doublon=data["confirmer_doublon"],
                request=request,
            )
        except services.DoublonPotentiel as error:
            return Response(
                {
                    "detail": error.messages[0],
                    "doublons": [c.identifiant_local for c in error.candidats],
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(_detail_data(usager), status=status.HTTP_201_CREATED)


class UsagerRechercheApi(APIView):
    class InputSerializer(serializers.Serializer):
        texte = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        date_naissance = serializers.DateField(required=False, allow_null=True, default=None)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs["texte"].strip() and attrs["date_naissance"] is None:
                raise serializers.ValidationError(
                    "Saisissez un nom, un numéro ou une date de naissance."
                )
            return attrs

    InputSerializer.__name__ = "UsagerRechercheInput"

    @extend_schema(
        operation_id="usager_rechercher",
        request=InputSerializer,
        responses=UsagerPageOutputSerializer,
        description="Recherche par nom (sans accents ni casse, nom de naissance ou utilisé), "
        "date de naissance, matricule INS ou n° de dossier. En POST : aucun nom dans les URL.",
    )
    def post(self, request: Request) -> Response:
        user = access.current_user(request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        page = selectors.usager_search(
            user=user, jour=timezone.localdate(), **serializer.validated_data
        )
        services.recherche_tracer(user=user, page=page, request=request)
        return Response(_page_data(page))


# ---------------------------------------------------------------------------------------------
# One usager
# ---------------------------------------------------------------------------------------------
class UsagerDetailApi(APIView):
    class ModificationInputSerializer(serializers.Serializer):
        nom_naissance = serializers.CharField(max_length=100, required=False)
        prenoms_naissance = serializers.CharField(max_length=200, required=False)
        date_naissance = serializers.DateField(required=False)
        precision_date_naissance = serializers.ChoiceField(
            choices=PrecisionDate.choices, required=False
        )
        sexe = serializers.ChoiceField(choices=Sexe.choices, required=False)
        lieu_naissance_code = serializers.CharField(max_length=5, required=False, allow_blank=True)
        nom_utilise = serializers.CharField(max_length=100, required=False, allow_blank=True)
        prenom_utilise = serializers.CharField(max_length=100, required=False, allow_blank=True)
        telephone = serializers.CharField(max_length=20, required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)
        adresse = serializers.CharField(max_length=300, required=False, allow_blank=True)
        code_postal = serializers.CharField(max_length=5, required=False, allow_blank=True)
        commune = serializers.CharField(max_length=100, required=False, allow_blank=True)
        is_douteuse = serializers.BooleanField(required=False)
        is_fictive = serializers.BooleanField(required=False)
        is_homonyme = serializers.BooleanField(required=False)

    ModificationInputSerializer.__name__ = "UsagerModificationInput"

    @extend_schema(operation_id="usager_detail", responses=UsagerDetailOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        usager = access.usager_consulter(request, pk)
        return Response(_detail_data(usager))

    @extend_schema(
        operation_id="usager_modifier",
        request=ModificationInputSerializer,
        responses=UsagerDetailOutputSerializer,
        description="Modifier un trait strict d'une identité récupérée, validée ou qualifiée "
        "la rend provisoire (RNIV) ; la modification est tracée.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = self.ModificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.usager_modifier(
            acteur=user, usager=usager, request=request, **serializer.validated_data
        )
        return Response(_detail_data(usager))


class UsagerJustificatifApi(APIView):
    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=TypeJustificatif.choices)
        numero = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
        date_expiration = serializers.DateField(required=False, allow_null=True, default=None)
        carte_vitale_photo = serializers.BooleanField(default=False)
        valider = serializers.BooleanField(
            default=False, help_text="Valider l'identité sur ce document."
        )

    InputSerializer.__name__ = "UsagerJustificatifInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        type = serializers.CharField()
        numero_masque = serializers.CharField()
        verifie_le = serializers.DateTimeField()
        statut_identite = serializers.CharField(source="usager.statut_identite")

    OutputSerializer.__name__ = "UsagerJustificatifOutput"

    @extend_schema(
        operation_id="usager_justificatif_enregistrer",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        valider = data.pop("valider")
        from django.db import transaction

        with transaction.atomic():
            justificatif = services.justificatif_enregistrer(
                acteur=user, usager=usager, request=request, **data
            )
            if valider:
                services.identite_valider(
                    acteur=user, usager=usager, justificatif=justificatif, request=request
                )
        return Response(self.OutputSerializer(justificatif).data, status=status.HTTP_201_CREATED)


class UsagerInsiApi(APIView):
    """Ask INSi. The answer carries the traits and an opaque token to retain them, never the
    matricule (an unqualified INS does not leave the system)."""

    class InputSerializer(serializers.Serializer):
        nir_ouvrant_droit = serializers.CharField(
            max_length=21,
            required=False,
            default="",
            allow_blank=True,
            help_text="NIR de la carte Vitale : recherche par carte Vitale plutôt que par traits.",
        )

    InputSerializer.__name__ = "UsagerInsiInput"

    class OutputSerializer(serializers.Serializer):
        code_cr = serializers.CharField()
        message = serializers.CharField()
        traits = serializers.DictField(allow_null=True)
        jeton = serializers.CharField(allow_null=True)

    OutputSerializer.__name__ = "UsagerInsiOutput"

    @extend_schema(
        operation_id="usager_insi_rechercher",
        request=InputSerializer,
        responses={200: OutputSerializer, 502: OpenApiResponse(description="INSi indisponible")},
    )
    def post(self, request: Request, pk: int) -> Response:
        from .identifiants import OID_INS_NIR, matricule_ins_validate

        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nir = serializer.validated_data["nir_ouvrant_droit"]
        if nir:
            try:
                nir = matricule_ins_validate(nir, OID_INS_NIR)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"nir_ouvrant_droit": error.messages}) from None
        appel = insi_appeler(usager=usager, nir_ouvrant_droit=nir)
        if appel.resultat is None:
            return Response({"detail": appel.erreur}, status=status.HTTP_502_BAD_GATEWAY)
        resultat = appel.resultat
        methode = MethodeRecuperation.INSI_VITALE if nir else MethodeRecuperation.INSI_TRAITS
        traits = None
        if resultat.traits is not None:
            traits = {
                "nom_naissance": resultat.traits.nom_naissance,
                "prenoms": resultat.traits.prenoms,
                "sexe": resultat.traits.sexe,
                "date_naissance": resultat.traits.date_naissance,
                "lieu_naissance": resultat.traits.lieu_naissance,
            }
        return Response(
            {
                "code_cr": resultat.code_cr,
                "message": resultat.message,
                "traits": traits,
                "jeton": resultat_vers_jeton(resultat, methode, usager.pk)
                if resultat.is_trouve
                else None,
            }
        )


class UsagerInsiRetenirApi(APIView):
    class InputSerializer(serializers.Serializer):
        jeton = serializers.CharField()

    InputSerializer.__name__ = "UsagerInsiRetenirInput"

    @extend_schema(
        operation_id="usager_insi_retenir",
        request=InputSerializer,
        responses=UsagerDetailOutputSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            resultat, methode = resultat_depuis_jeton(serializer.validated_data["jeton"], usager.pk)
        except JetonInvalide:
            raise serializers.ValidationError(
                {"jeton": ["Résultat INSi expiré ou invalide : interrogez à nouveau."]}
            ) from None
        services.ins_recuperer(
            acteur=user, usager=usager, resultat=resultat, methode=methode, request=request
        )
        return Response(_detail_data(usager))


class UsagerSejourApi(APIView):
    @extend_schema(
        operation_id="usager_sejour_creer",
        request=UsagerSejourInputSerializer,
        responses={201: UsagerSejourOutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = UsagerSejourInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sejour = services.sejour_creer(
            acteur=user,
            usager=usager,
            donnees=_sejour_donnees(request, serializer.validated_data),
            request=request,
        )
        return Response(UsagerSejourOutputSerializer(sejour).data, status=status.HTTP_201_CREATED)


class UsagerSejourSortieApi(APIView):
    class InputSerializer(serializers.Serializer):
        date_sortie = serializers.DateField()
        mode_sortie = serializers.ChoiceField(choices=ModeSortie.choices)
        motif_sortie = serializers.ChoiceField(
            choices=MotifSortie.choices, required=False, default=""
        )

    InputSerializer.__name__ = "UsagerSejourSortieInput"

    @extend_schema(
        operation_id="usager_sejour_cloturer",
        request=InputSerializer,
        responses=UsagerSejourOutputSerializer,
    )
    def post(self, request: Request, pk: int, sejour_pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        sejour = get_object_or_404(Sejour, pk=sejour_pk, usager=usager)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sejour_cloturer(
            acteur=user, sejour=sejour, request=request, **serializer.validated_data
        )
        return Response(UsagerSejourOutputSerializer(sejour).data)


class UsagerContactApi(APIView):
    class InputSerializer(serializers.Serializer):
        nom = serializers.CharField(max_length=100)
        prenom = serializers.CharField(max_length=100, required=False, default="")
        lien = serializers.ChoiceField(choices=Lien.choices)
        is_personne_confiance = serializers.BooleanField(default=False)
        personne_confiance_designee_le = serializers.DateField(
            required=False, allow_null=True, default=None
        )
        is_a_prevenir = serializers.BooleanField(default=False)
        is_aidant = serializers.BooleanField(default=False)
        is_autorite_parentale = serializers.BooleanField(default=False)
        telephone = serializers.CharField(max_length=20, required=False, default="")
        email = serializers.EmailField(required=False, default="")
        adresse = serializers.CharField(max_length=300, required=False, default="")
        ordre_appel = serializers.IntegerField(
            min_value=1, max_value=99, required=False, allow_null=True, default=None
        )
        commentaire = serializers.CharField(required=False, default="")

    InputSerializer.__name__ = "UsagerContactInput"

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Contact
            exclude = ["usager"]

    OutputSerializer.__name__ = "UsagerContactOutput"

    @extend_schema(
        operation_id="usager_contact_ajouter",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _ajouter(self, request, pk, categorie=S, enregistrer=services.contact_enregistrer)


class UsagerMesureApi(APIView):
    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=TypeMesure.choices)
        portee = serializers.ChoiceField(choices=PorteeMesure.choices)
        mandataire_nom = serializers.CharField(max_length=200)
        mandataire_type = serializers.ChoiceField(choices=TypeMandataire.choices)
        mandataire_telephone = serializers.CharField(max_length=20, required=False, default="")
        tribunal = serializers.CharField(max_length=200, required=False, default="")
        date_jugement = serializers.DateField(required=False, allow_null=True, default=None)
        date_debut = serializers.DateField(
            error_messages={"required": "La date de début de la mesure est obligatoire."}
        )
        date_fin = serializers.DateField(required=False, allow_null=True, default=None)
        commentaire = serializers.CharField(required=False, default="")

    InputSerializer.__name__ = "UsagerMesureInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        type = serializers.CharField()
        portee = serializers.CharField()
        mandataire_nom = serializers.CharField()
        mandataire_type = serializers.CharField()
        date_debut = serializers.DateField()
        date_fin = serializers.DateField(allow_null=True)

    OutputSerializer.__name__ = "UsagerMesureOutput"

    @extend_schema(
        operation_id="usager_mesure_ajouter",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _ajouter(self, request, pk, categorie=S, enregistrer=services.mesure_enregistrer)


class UsagerDecisionApi(APIView):
    class InputSerializer(serializers.Serializer):
        numero = serializers.CharField(max_length=60)
        mdph = serializers.CharField(max_length=100)
        date_decision = serializers.DateField()
        date_debut = serializers.DateField()
        date_fin = serializers.DateField()
        type_orientation = serializers.ChoiceField(choices=TypeOrientation.choices)
        mode_accueil = serializers.ChoiceField(
            choices=ModeAccueil.choices, required=False, default=""
        )
        is_creton = serializers.BooleanField(default=False)
        commentaire = serializers.CharField(required=False, default="")

    InputSerializer.__name__ = "UsagerDecisionInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        numero = serializers.CharField()
        type_orientation = serializers.CharField()
        date_decision = serializers.DateField()
        date_debut = serializers.DateField()
        date_fin = serializers.DateField()

    OutputSerializer.__name__ = "UsagerDecisionOutput"

    @extend_schema(
        operation_id="usager_decision_ajouter",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _ajouter(self, request, pk, categorie=S, enregistrer=services.decision_enregistrer)


class UsagerEvaluationApi(APIView):
    class InputSerializer(serializers.Serializer):
        date_evaluation = serializers.DateField()
        gir = serializers.IntegerField(min_value=1, max_value=6)
        commentaire = serializers.CharField(required=False, default="")

    InputSerializer.__name__ = "UsagerEvaluationInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        grille = serializers.CharField()
        date_evaluation = serializers.DateField()
        gir = serializers.IntegerField()

    OutputSerializer.__name__ = "UsagerEvaluationOutput"

    @extend_schema(
        operation_id="usager_evaluation_ajouter",
        request=InputSerializer,
        responses={201: OutputSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        return _ajouter(
            self, request, pk, categorie=SO, enregistrer=services.evaluation_enregistrer
        )


class UsagerFusionApi(APIView):
    class InputSerializer(serializers.Serializer):
        doublon = serializers.IntegerField(
            help_text="Id du dossier doublon, fusionné dans celui-ci."
        )
        motif = serializers.CharField()

    InputSerializer.__name__ = "UsagerFusionInput"

    @extend_schema(
        operation_id="usager_fusionner",
        request=InputSerializer,
        responses=UsagerDetailOutputSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        conserve = access.usager_get(user, pk, action=Action.ECRIRE, request=request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        doublon = access.usager_get(
            user, serializer.validated_data["doublon"], action=Action.ECRIRE, request=request
        )
        services.usager_fusionner(
            acteur=user,
            conserve=conserve,
            doublon=doublon,
            motif=serializer.validated_data["motif"],
            request=request,
        )
        return Response(_detail_data(conserve))


class UsagerDluApi(APIView):
    """The person's Dossier de liaison d'urgence (category médical): read it, or replace it
    as a whole (the fields left out are emptied)."""

    class InputSerializer(serializers.Serializer):
        medecin_traitant_nom = serializers.CharField(
            max_length=100, required=False, default="", allow_blank=True
        )
        medecin_traitant_prenom = serializers.CharField(
            max_length=100, required=False, default="", allow_blank=True
        )
        medecin_traitant_rpps = serializers.CharField(
            max_length=14, required=False, default="", allow_blank=True
        )
        medecin_traitant_telephone = serializers.CharField(
            max_length=20, required=False, default="", allow_blank=True
        )
        etablissement_preference_nom = serializers.CharField(
            max_length=200, required=False, default="", allow_blank=True
        )
        etablissement_preference_finess = serializers.CharField(
            max_length=11, required=False, default="", allow_blank=True
        )
        etablissement_preference_statut = serializers.ChoiceField(
            choices=StatutEtablissementSante.choices,
            required=False,
            default=StatutEtablissementSante.PUBLIC,
        )
        etablissement_preference_telephone = serializers.CharField(
            max_length=20, required=False, default="", allow_blank=True
        )
        allergies_medicamenteuses = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Une par ligne."
        )
        allergies_alimentaires = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Une par ligne."
        )
        autres_allergies = serializers.CharField(
            required=False, default="", allow_blank=True, help_text="Une par ligne."
        )
        is_sans_allergie_connue = serializers.BooleanField(default=False)
        pathologies = serializers.CharField(required=False, default="", allow_blank=True)
        antecedents = serializers.CharField(required=False, default="", allow_blank=True)
        traitements = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Texte libre, un traitement par ligne.",
        )
        soins_palliatifs = serializers.BooleanField(required=False, allow_null=True, default=None)
        directives_anticipees = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )
        directives_anticipees_lieu = serializers.CharField(
            required=False, default="", allow_blank=True
        )
        bmr = serializers.BooleanField(required=False, allow_null=True, default=None)
        etat = serializers.DictField(
            child=serializers.BooleanField(),
            required=False,
            default=dict,
            help_text="Grille du DLU : code SNOMED CT (JDV_ObservationEtatPatient_CISIS) → "
            "oui/non ; un code absent est « non renseigné ».",
        )
        appareillages = serializers.ListField(
            child=serializers.ChoiceField(choices=Appareillage.choices),
            required=False,
            default=list,
        )
        appareillages_precisions = serializers.CharField(
            required=False, default="", allow_blank=True
        )
        informations_utiles = serializers.CharField(required=False, default="", allow_blank=True)

        def validate_etat(self, value: dict[str, bool]) -> dict[str, bool]:
            inconnus = sorted(set(value) - ETAT_DLU_CODES)
            if inconnus:
                raise serializers.ValidationError(
                    f"Codes inconnus de la grille du DLU : {', '.join(inconnus)}."
                )
            return value

    InputSerializer.__name__ = "UsagerDluInput"

    class OutputSerializer(serializers.ModelSerializer):
        mis_a_jour_par: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
        manquants = serializers.SerializerMethodField(
            help_text="Ce qui manque pour transmettre le DLU (vide : complet)."
        )

        class Meta:
            model = DossierLiaisonUrgence
            exclude = ["id", "usager", "created_at"]

        def get_manquants(self, dlu: DossierLiaisonUrgence) -> list[str]:
            return dlu.manquants()

    OutputSerializer.__name__ = "UsagerDluOutput"

    @extend_schema(
        operation_id="usager_dlu_lire",
        responses={200: OutputSerializer, 404: OpenApiResponse(description="Aucun DLU.")},
    )
    def get(self, request: Request, pk: int) -> Response:
        usager = access.usager_consulter(request, pk, categorie=M)
        dlu = get_object_or_404(DossierLiaisonUrgence, usager=usager)
        return Response(self.OutputSerializer(dlu).data)

    @extend_schema(
        operation_id="usager_dlu_enregistrer",
        request=InputSerializer,
        responses={200: OutputSerializer, 400: OpenApiResponse(description="Erreurs par champ.")},
    )
    def put(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        usager = access.usager_get(user, pk, categorie=M, action=Action.ECRIRE, request=request)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dlu = services.dlu_enregistrer(
            acteur=user, usager=usager, request=request, **serializer.validated_data
        )
        return Response(self.OutputSerializer(dlu).data)
