"""REST API of the daily support: one APIView per resource, input and output serializers,
the same policy, services and selectors as the pages. Reads of a person's data leave a
reading in the audit; writes leave theirs in the service."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dui.models import Etablissement
from securite import access
from securite.audit import audit_record, audit_record_many, audit_refusal
from securite.models import Action, AuditAction, Categorie, Utilisateur
from usagers.models import Usager
from usagers.projet.access import CATEGORIE as PROJET_CATEGORIE
from usagers.projet.models import Objectif

from . import selectors, services
from .acces import (
    absence_get,
    evenement_get,
    incident_can_manage,
    incident_get,
    incidents_visibles,
)
from .models import (
    AbsencePrevue,
    DemiJournee,
    Evenement,
    Gravite,
    MotifAbsence,
    NatureEvenement,
    Periode,
    Presence,
    Recurrence,
    StatutPresence,
    Transmission,
    Transport,
    TypeIncident,
)
from .plausibilite import TypeObservation
from .services import EtapeIncident, MesureSaisie


def _usager(request: Request, pk: int) -> tuple[Utilisateur, Usager]:
    user = access.current_user(request)
    return user, access.usager_get(user, pk, request=request)


def _lecture(
    request: Request,
    user: Utilisateur,
    usager: Usager,
    objet_type: str,
    champs: Iterable[str] = (),
) -> None:
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        objet_type=objet_type,
        objet_id=str(usager.pk),
        champs=champs,
        request=request,
    )


class PersonneSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    nom = serializers.CharField(source="nom_affiche")
    prenom = serializers.CharField(source="prenom_affiche")


class AuteurSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    nom = serializers.CharField(source="get_full_name")


# ---------------------------------------------------------------------------
# Transmissions
# ---------------------------------------------------------------------------
class TransmissionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    usager = serializers.IntegerField(source="usager_id")
    auteur = AuteurSerializer()
    ecrite_le = serializers.DateTimeField()
    categorie = serializers.CharField()
    cible = serializers.CharField()
    donnees = serializers.CharField()
    actions = serializers.CharField()
    resultats = serializers.CharField()
    is_importante = serializers.BooleanField()
    is_partageable_famille = serializers.BooleanField()
    prestation_serafin = serializers.CharField()
    objectif = serializers.IntegerField(source="objectif_id", allow_null=True)
    complete = serializers.IntegerField(source="complete_id", allow_null=True)


class TransmissionInputSerializer(serializers.Serializer):
    categorie = serializers.ChoiceField(choices=Categorie.choices)
    cible = serializers.CharField(max_length=80, allow_blank=True)
    donnees = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    resultats = serializers.CharField(required=False, allow_blank=True, default="")
    is_importante = serializers.BooleanField(required=False, default=False)
    is_partageable_famille = serializers.BooleanField(required=False, default=False)
    prestation_serafin = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=12
    )
    objectif = serializers.PrimaryKeyRelatedField(
        queryset=Objectif.objects.all(), required=False, allow_null=True, default=None
    )


class PageParametres(serializers.Serializer):
    categorie = serializers.ChoiceField(choices=Categorie.choices, required=False)
    genre = serializers.ChoiceField(choices=selectors.Genre.CHOICES, required=False)
    du = serializers.DateField(required=False)
    au = serializers.DateField(required=False)
    curseur = serializers.CharField(required=False)


def _page(request: Request, user: Utilisateur, usager: Usager, genres: Any = None) -> Any:
    params = PageParametres(data=request.query_params)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    return selectors.chronologie(
        user=user,
        usager=usager,
        categories=[data["categorie"]] if data.get("categorie") else None,
        genres=genres or ([data["genre"]] if data.get("genre") else None),
        du=data.get("du"),
        au=data.get("au"),
        curseur=selectors.Curseur.decode(data.get("curseur")),
    )


PAGE_PARAMETRES = [
    OpenApiParameter("categorie", str, enum=Categorie.values),
    OpenApiParameter("du", date),
    OpenApiParameter("au", date),
    OpenApiParameter("curseur", str, description="Valeur `suivant` de la page précédente."),
]


class TransmissionPageSerializer(serializers.Serializer):
    resultats = TransmissionOutputSerializer(many=True)
    suivant = serializers.CharField(allow_null=True)


class TransmissionListApi(APIView):
    @extend_schema(
        parameters=PAGE_PARAMETRES,
        responses=TransmissionPageSerializer,
        operation_id="quotidien_transmission_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        """The person's transmissions, newest first, keyset-paginated (`curseur`)."""
        user, usager = _usager(request, pk)
        page = _page(request, user, usager, genres=[selectors.Genre.TRANSMISSION])
        _lecture(request, user, usager, "quotidien.transmissions", sorted(page.categories))
        return Response(
            {
                "resultats": TransmissionOutputSerializer(
                    [e.objet for e in page.elements], many=True
                ).data,
                "suivant": page.suivant.encode() if page.suivant else None,
            }
        )

    @extend_schema(
        request=TransmissionInputSerializer,
        responses={201: TransmissionOutputSerializer},
        operation_id="quotidien_transmission_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Write a transmission (author and time are set by the server)."""
        user, usager = _usager(request, pk)
        serializer = TransmissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        transmission = services.transmission_create(
            acteur=user, usager=usager, request=request, **serializer.validated_data
        )
        return Response(
            TransmissionOutputSerializer(transmission).data, status=status.HTTP_201_CREATED
        )


def _transmission(request: Request, pk: int) -> tuple[Utilisateur, Transmission]:
    """A transmission the user may read (its person in scope, its category readable)."""
    user = access.current_user(request)
    transmission = Transmission.objects.select_related("auteur").filter(pk=pk).first()
    if transmission is None:
        audit_refusal(
            acteur=user, request=request, objet_type=Transmission._meta.label, objet_id=pk
        )
        raise Http404
    access.usager_get(
        user,
        transmission.usager_id,
        categorie=transmission.categorie,
        action=Action.LIRE,
        request=request,
    )
    return user, transmission


class TransmissionDetailOutputSerializer(TransmissionOutputSerializer):
    complements = TransmissionOutputSerializer(many=True, source="addenda.all")


class TransmissionDetailApi(APIView):
    @extend_schema(
        responses=TransmissionDetailOutputSerializer, operation_id="quotidien_transmission_detail"
    )
    def get(self, request: Request, pk: int) -> Response:
        """One transmission with its complements (corrections), oldest first."""
        user, transmission = _transmission(request, pk)
        audit_record(
            acteur=user,
            action=AuditAction.LECTURE,
            usager=transmission.usager,
            objet=transmission,
            categorie=transmission.categorie,
            request=request,
        )
        return Response(TransmissionDetailOutputSerializer(transmission).data)


class ComplementInputSerializer(serializers.Serializer):
    donnees = serializers.CharField(allow_blank=True)
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    resultats = serializers.CharField(required=False, allow_blank=True, default="")


class ComplementApi(APIView):
    @extend_schema(
        responses=TransmissionOutputSerializer(many=True),
        operation_id="quotidien_complement_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        """Complements (corrections) of a transmission."""
        user, transmission = _transmission(request, pk)
        audit_record(
            acteur=user,
            action=AuditAction.LECTURE,
            usager=transmission.usager,
            objet=transmission,
            categorie=transmission.categorie,
            request=request,
        )
        addenda = transmission.addenda.select_related("auteur").order_by("ecrite_le")
        return Response(TransmissionOutputSerializer(addenda, many=True).data)

    @extend_schema(
        request=ComplementInputSerializer,
        responses={201: TransmissionOutputSerializer},
        operation_id="quotidien_complement_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Correct or complete a transmission: the original is never changed."""
        user, transmission = _transmission(request, pk)
        serializer = ComplementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        addendum = services.transmission_completer(
            acteur=user, transmission=transmission, request=request, **serializer.validated_data
        )
        return Response(TransmissionOutputSerializer(addendum).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------
class ElementSerializer(serializers.Serializer):
    genre = serializers.CharField()
    date = serializers.DateTimeField(source="quand")
    id = serializers.IntegerField(source="objet.pk")
    titre = serializers.SerializerMethodField()
    categorie = serializers.SerializerMethodField()

    def get_titre(self, element: selectors.Element) -> str:
        objet = element.objet
        if element.genre == selectors.Genre.TRANSMISSION:
            return str(objet.cible)
        if element.genre == selectors.Genre.OBSERVATION:
            return f"{objet.get_type_display()} : {objet.valeur_affichee}"
        if element.genre == selectors.Genre.INCIDENT:
            return f"Événement indésirable : {objet.get_type_display().lower()}"
        if element.genre == selectors.Genre.EVALUATION:
            return (
                f"Objectif évalué : {objet.objectif.titre} — {objet.get_resultat_display().lower()}"
            )
        if element.genre == selectors.Genre.BILAN:
            return f"Bilan {objet.get_categorie_display().lower()} : {objet.projet.titre}"
        return str(objet.titre)

    def get_categorie(self, element: selectors.Element) -> str:
        if element.genre in selectors.Genre.PROJET_ET_SUIVI:
            # A plan and its follow-up belong to the plan's category (a review's own
            # `categorie` is its kind: partial, intermediate, final).
            return str(PROJET_CATEGORIE)
        return str(getattr(element.objet, "categorie", ""))


class ChronologieSerializer(serializers.Serializer):
    resultats = ElementSerializer(many=True)
    suivant = serializers.CharField(allow_null=True)


class ChronologieApi(APIView):
    @extend_schema(
        parameters=[
            *PAGE_PARAMETRES,
            OpenApiParameter("genre", str, enum=sorted(selectors.Genre.TOUS)),
        ],
        responses=ChronologieSerializer,
        operation_id="quotidien_chronologie",
    )
    def get(self, request: Request, pk: int) -> Response:
        """A person's timeline, newest first, item by item as the access policy allows."""
        user, usager = _usager(request, pk)
        page = _page(request, user, usager)
        _lecture(request, user, usager, "quotidien.chronologie", sorted(page.categories))
        return Response(
            {
                "resultats": ElementSerializer(page.elements, many=True).data,
                "suivant": page.suivant.encode() if page.suivant else None,
            }
        )


# ---------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------
class ObservationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    mesuree_le = serializers.DateTimeField()
    valeur = serializers.DecimalField(max_digits=7, decimal_places=2)
    valeur_2 = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    unite = serializers.CharField()
    repas = serializers.CharField()
    is_anormale = serializers.BooleanField()
    motif_anomalie = serializers.CharField()
    categorie = serializers.CharField()


class MesureInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypeObservation.choices)
    valeur = serializers.CharField(max_length=12)
    valeur_2 = serializers.CharField(max_length=12, required=False, allow_null=True, default=None)
    repas = serializers.CharField(required=False, allow_blank=True, default="")


class ObservationsInputSerializer(serializers.Serializer):
    mesuree_le = serializers.DateTimeField()
    mesures = MesureInputSerializer(many=True)
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class ObservationApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=TypeObservation.values, many=True),
            OpenApiParameter("jours", int, description="Profondeur, 92 jours par défaut."),
        ],
        responses=ObservationOutputSerializer(many=True),
        operation_id="quotidien_observation_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        """Measurements of the person, oldest first (curves)."""
        user, usager = _usager(request, pk)
        types = [t for t in request.query_params.getlist("type") if t in TypeObservation.values]
        try:
            jours = min(max(int(request.query_params.get("jours", "92")), 1), 3660)
        except ValueError:
            jours = 92
        series = selectors.observations_series(
            user=user,
            usager=usager,
            types=types or TypeObservation.values,
            depuis=timezone.now() - timedelta(days=jours),
        )
        _lecture(request, user, usager, "quotidien.observations")
        rows = sorted(
            (o for serie in series.values() for o in serie), key=lambda o: (o.mesuree_le, o.pk)
        )
        return Response(ObservationOutputSerializer(rows, many=True).data)

    @extend_schema(
        request=ObservationsInputSerializer,
        responses={201: ObservationOutputSerializer(many=True)},
        operation_id="quotidien_observation_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record measurements taken together: all or none."""
        user, usager = _usager(request, pk)
        serializer = ObservationsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.observations_enregistrer(
            acteur=user,
            usager=usager,
            mesuree_le=data["mesuree_le"],
            mesures=[MesureSaisie(**m) for m in data["mesures"]],
            commentaire=data["commentaire"],
            request=request,
        )
        return Response(
            ObservationOutputSerializer(saved, many=True).data, status=status.HTTP_201_CREATED
        )


# ---------------------------------------------------------------------------
# Planned absences and presence
# ---------------------------------------------------------------------------
class AbsenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    debut = serializers.DateField()
    debut_demi_journee = serializers.ChoiceField(
        choices=DemiJournee.choices, default=DemiJournee.MATIN
    )
    fin = serializers.DateField()
    fin_demi_journee = serializers.ChoiceField(
        choices=DemiJournee.choices, default=DemiJournee.APRES_MIDI
    )
    motif = serializers.ChoiceField(choices=MotifAbsence.choices)


class AbsenceApi(APIView):
    @extend_schema(responses=AbsenceSerializer(many=True), operation_id="quotidien_absence_list")
    def get(self, request: Request, pk: int) -> Response:
        """Planned absences of the person that are not over."""
        user, usager = _usager(request, pk)
        _lecture(request, user, usager, "quotidien.absences")
        rows = AbsencePrevue.objects.filter(usager=usager, fin__gte=timezone.localdate())
        return Response(AbsenceSerializer(rows.order_by("debut"), many=True).data)

    @extend_schema(
        request=AbsenceSerializer,
        responses={201: AbsenceSerializer},
        operation_id="quotidien_absence_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Plan an absence (refused if it overlaps another one)."""
        user, usager = _usager(request, pk)
        serializer = AbsenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        absence = services.absence_prevue_creer(
            acteur=user, usager=usager, request=request, **serializer.validated_data
        )
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceDetailApi(APIView):
    @extend_schema(responses=AbsenceSerializer, operation_id="quotidien_absence_detail")
    def get(self, request: Request, pk: int) -> Response:
        """One planned absence."""
        user = access.current_user(request)
        absence = absence_get(user, pk, request=request)
        _lecture(request, user, absence.usager, "quotidien.absences")
        return Response(AbsenceSerializer(absence).data)

    @extend_schema(
        request=AbsenceSerializer,
        responses=AbsenceSerializer,
        operation_id="quotidien_absence_update",
    )
    def put(self, request: Request, pk: int) -> Response:
        """Change the dates or the reason of a planned absence (refused if it then overlaps
        another one); the presence of the days already counted is derived again."""
        user = access.current_user(request)
        absence = absence_get(user, pk, request=request)
        serializer = AbsenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        absence = services.absence_prevue_modifier(
            acteur=user, absence=absence, request=request, **serializer.validated_data
        )
        return Response(AbsenceSerializer(absence).data)

    @extend_schema(responses={204: None}, operation_id="quotidien_absence_cancel")
    def delete(self, request: Request, pk: int) -> Response:
        """Cancel a planned absence: its days become presence again (unless entered)."""
        user = access.current_user(request)
        absence = absence_get(user, pk, request=request)
        services.absence_prevue_annuler(acteur=user, absence=absence, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PresenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    jour = serializers.DateField()
    periode = serializers.ChoiceField(choices=Periode.choices)
    statut = serializers.ChoiceField(choices=StatutPresence.choices)
    motif_absence = serializers.ChoiceField(
        choices=MotifAbsence.choices, required=False, allow_blank=True, default=""
    )
    is_absence_prevue = serializers.BooleanField(read_only=True)
    origine = serializers.CharField(source="source", read_only=True)


class PresenceApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("du", date), OpenApiParameter("au", date)],
        responses=PresenceSerializer(many=True),
        operation_id="quotidien_presence_list",
    )
    def get(self, request: Request, pk: int) -> Response:
        """Stored presence of the person (31 days up to today by default)."""
        user, usager = _usager(request, pk)
        au = _date(request.query_params.get("au")) or timezone.localdate()
        du = _date(request.query_params.get("du")) or au - timedelta(days=30)
        _lecture(request, user, usager, "quotidien.presences")
        rows = Presence.objects.filter(usager=usager, jour__gte=du, jour__lte=au)
        return Response(PresenceSerializer(rows.order_by("jour", "periode"), many=True).data)

    @extend_schema(
        request=PresenceSerializer,
        responses={201: PresenceSerializer},
        operation_id="quotidien_presence_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Record or correct the presence of a day or half-day."""
        user, usager = _usager(request, pk)
        serializer = PresenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.presence_enregistrer(
            acteur=user, usager=usager, request=request, **serializer.validated_data
        )
        return Response(PresenceSerializer(row).data, status=status.HTTP_201_CREATED)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise serializers.ValidationError({"date": "Date attendue au format AAAA-MM-JJ."}) from None


class PresenceTotauxSerializer(serializers.Serializer):
    du = serializers.DateField()
    au = serializers.DateField()
    presence = serializers.FloatField(help_text="Journées de présence (une demi-journée : 0,5).")
    absences = serializers.DictField(
        child=serializers.FloatField(), help_text="Journées d'absence par motif."
    )


class PresenceTotauxApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("du", date), OpenApiParameter("au", date)],
        responses=PresenceTotauxSerializer,
        operation_id="quotidien_presence_totaux",
    )
    def get(self, request: Request, pk: int) -> Response:
        """Days of presence and absence (by reason) of an establishment: billing basis."""
        user = access.current_user(request)
        au = _date(request.query_params.get("au")) or timezone.localdate()
        du = _date(request.query_params.get("du")) or au.replace(day=1)
        totaux = selectors.presence_totaux(user=user, etablissement_id=pk, du=du, au=au)
        return Response(PresenceTotauxSerializer({"du": du, "au": au, **totaux}).data)


# ---------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------
class EvenementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.SerializerMethodField()
    nature = serializers.CharField()
    categorie = serializers.CharField()
    prestation_serafin = serializers.CharField()
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    lieu = serializers.SerializerMethodField()
    transport = serializers.CharField()
    statut = serializers.CharField()
    unite = serializers.IntegerField(source="unite_id", allow_null=True)
    serie = serializers.UUIDField(allow_null=True)

    def get_titre(self, evenement: Any) -> str:
        return str(evenement.titre) if getattr(evenement, "is_lisible", True) else "Occupé"

    def get_lieu(self, evenement: Any) -> str:
        return str(evenement.lieu) if getattr(evenement, "is_lisible", True) else ""


class EvenementInputSerializer(serializers.Serializer):
    unite = serializers.IntegerField()
    titre = serializers.CharField(max_length=120, allow_blank=True)
    nature = serializers.ChoiceField(choices=NatureEvenement.choices)
    categorie = serializers.ChoiceField(choices=Categorie.choices, default=Categorie.EDUCATIF)
    prestation_serafin = serializers.CharField(required=False, allow_blank=True, default="")
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    lieu = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    transport = serializers.ChoiceField(choices=Transport.choices, default=Transport.AUCUN)
    usagers = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    professionnels = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    recurrence = serializers.ChoiceField(
        choices=Recurrence.choices, required=False, allow_blank=True, default=""
    )
    recurrence_fin = serializers.DateField(required=False, allow_null=True, default=None)


class EvenementListApi(APIView):
    @extend_schema(
        request=EvenementInputSerializer,
        responses={201: EvenementOutputSerializer(many=True)},
        operation_id="quotidien_evenement_create",
    )
    def post(self, request: Request) -> Response:
        """Plan an appointment or activity in a unit (one row per occurrence)."""
        user = access.current_user(request)
        serializer = EvenementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unite = (
            access.unites_visibles(user)
            .select_related("etablissement")
            .filter(pk=data.pop("unite"))
            .first()
        )
        if unite is None:
            raise serializers.ValidationError(
                {"unite": ["Unité inconnue ou hors de votre périmètre."]}
            )
        usager_ids = data.pop("usagers")
        # Through the policy: a person out of scope reads like an unknown one.
        usagers = list(access.usagers_visibles(user).filter(pk__in=usager_ids))
        if len(usagers) != len(set(usager_ids)):
            raise serializers.ValidationError(
                {"usagers": ["Personne inconnue ou hors de votre périmètre."]}
            )
        professionnels = list(Utilisateur.objects.filter(pk__in=data.pop("professionnels")))
        evenements = services.evenement_creer(
            acteur=user,
            etablissement=unite.etablissement,
            unite=unite,
            usagers=usagers,
            professionnels=professionnels,
            request=request,
            **data,
        )
        return Response(
            EvenementOutputSerializer(evenements, many=True).data, status=status.HTTP_201_CREATED
        )


class EvenementDetailOutputSerializer(EvenementOutputSerializer):
    is_lisible = serializers.SerializerMethodField(
        help_text="Faux : catégorie non lisible, seul le créneau est montré (« Occupé »)."
    )
    usagers = serializers.SerializerMethodField()

    def get_is_lisible(self, evenement: Any) -> bool:
        return bool(getattr(evenement, "is_lisible", True))

    def get_usagers(self, evenement: Any) -> list[int]:
        return [p.usager_id for p in self.context.get("participants", [])]


class DeplacementInputSerializer(serializers.Serializer):
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    toute_la_serie = serializers.BooleanField(required=False, default=False)


class EvenementDetailApi(APIView):
    @extend_schema(
        responses=EvenementDetailOutputSerializer, operation_id="quotidien_evenement_detail"
    )
    def get(self, request: Request, pk: int) -> Response:
        """One agenda event. An event in a category the user may not read for one of its
        persons shows as a busy slot ("Occupé", no place)."""
        user = access.current_user(request)
        evenement, participants = evenement_get(user, pk, request=request)
        audit_record_many(
            acteur=user,
            usager_ids=[p.usager_id for p in participants],
            objet_type=Evenement._meta.label,
            categorie=evenement.categorie,
            request=request,
        )
        return Response(
            EvenementDetailOutputSerializer(evenement, context={"participants": participants}).data
        )

    @extend_schema(
        request=DeplacementInputSerializer,
        responses=EvenementOutputSerializer(many=True),
        operation_id="quotidien_evenement_deplacer",
    )
    def patch(self, request: Request, pk: int) -> Response:
        """Move an event (and, with `toute_la_serie`, the following occurrences of its series
        by the same shift) to a new start and end. Returns the events moved."""
        user = access.current_user(request)
        evenement, _ = evenement_get(user, pk, request=request)
        serializer = DeplacementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evenements = services.evenement_deplacer(
            acteur=user, evenement=evenement, request=request, **serializer.validated_data
        )
        return Response(EvenementOutputSerializer(evenements, many=True).data)


class AgendaApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("du", date, description="Premier jour, aujourd'hui par défaut."),
            OpenApiParameter(
                "au",
                date,
                description=f"Dernier jour (inclus), 13 jours après `du` par défaut ; "
                f"{selectors.AGENDA_JOURS_MAX} jours au plus.",
            ),
        ],
        responses=EvenementOutputSerializer(many=True),
        operation_id="quotidien_agenda",
    )
    def get(self, request: Request, pk: int) -> Response:
        """A person's appointments and activities over a period, oldest first. An event in a
        category the user may not read shows as a busy slot ("Occupé")."""
        user, usager = _usager(request, pk)
        params = AgendaParametres(data=request.query_params)
        params.is_valid(raise_exception=True)
        du = params.validated_data.get("du") or timezone.localdate()
        au = params.validated_data.get("au") or du + timedelta(days=13)
        if au < du:
            raise serializers.ValidationError({"au": ["La fin de la période précède son début."]})
        if (au - du).days >= selectors.AGENDA_JOURS_MAX:
            raise serializers.ValidationError(
                {"au": [f"La période dure au plus {selectors.AGENDA_JOURS_MAX} jours."]}
            )
        evenements = selectors.agenda_usager(user=user, usager=usager, du=du, au=au)
        _lecture(request, user, usager, "quotidien.agenda")
        return Response(EvenementOutputSerializer(evenements, many=True).data)


class AgendaParametres(serializers.Serializer):
    du = serializers.DateField(required=False)
    au = serializers.DateField(required=False)


class CelluleSerializer(serializers.Serializer):
    jour = serializers.DateField()
    presence = serializers.CharField(source="etat.libelle")
    evenements = EvenementOutputSerializer(many=True)


class LigneSemaineSerializer(serializers.Serializer):
    usager = PersonneSerializer()
    jours = CelluleSerializer(many=True, source="cellules")


class SemaineSerializer(serializers.Serializer):
    unite = serializers.IntegerField(source="unite.pk")
    jours = serializers.ListField(child=serializers.DateField())
    personnes = LigneSemaineSerializer(many=True, source="lignes")
    journees_presence = serializers.ListField(
        child=serializers.FloatField(), source="presents_par_jour"
    )


class SemaineApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("semaine", date, description="Un jour de la semaine.")],
        responses=SemaineSerializer,
        operation_id="quotidien_semaine",
    )
    def get(self, request: Request, pk: int) -> Response:
        """Week of a unit: presence and agenda per person."""
        user = access.current_user(request)
        unite = access.unites_visibles(user).filter(pk=pk).first()
        if unite is None:
            raise Http404
        jour = _date(request.query_params.get("semaine")) or timezone.localdate()
        semaine = selectors.semaine_unite(
            user=user, unite=unite, lundi=jour - timedelta(days=jour.weekday())
        )
        audit_record_many(
            acteur=user,
            usager_ids=[ligne.usager.pk for ligne in semaine.lignes],
            objet_type="quotidien.semaine",
            request=request,
        )
        return Response(SemaineSerializer(semaine).data)


# ---------------------------------------------------------------------------
# Ma journée
# ---------------------------------------------------------------------------
class PersonneDuJourSerializer(serializers.Serializer):
    usager = PersonneSerializer()
    presence = serializers.CharField(source="etat.libelle")
    evenements = EvenementOutputSerializer(many=True)
    non_lues = serializers.IntegerField()
    alertes = serializers.IntegerField()


class UniteDuJourSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="unite.pk")
    nom = serializers.CharField(source="unite.nom")
    presents = PersonneDuJourSerializer(many=True)
    absents = PersonneDuJourSerializer(many=True)


class TransmissionReleveSerializer(TransmissionOutputSerializer):
    is_non_lue = serializers.BooleanField()


class AlerteSerializer(serializers.Serializer):
    niveau = serializers.CharField()
    texte = serializers.CharField()
    usager = serializers.IntegerField(source="usager.pk", allow_null=True)


class MaJourneeSerializer(serializers.Serializer):
    jour = serializers.DateField()
    lu_jusqu_au = serializers.DateTimeField(allow_null=True)
    unites = UniteDuJourSerializer(many=True)
    transmissions = TransmissionReleveSerializer(many=True)
    alertes = AlerteSerializer(many=True)


class MaJourneeApi(APIView):
    @extend_schema(responses=MaJourneeSerializer, operation_id="quotidien_ma_journee")
    def get(self, request: Request) -> Response:
        """The field professional's day: people of their units, agenda, handover, alerts."""
        user = access.current_user(request)
        journee = selectors.ma_journee(user=user)
        audit_record_many(
            acteur=user,
            usager_ids=journee.usager_ids_lus,
            objet_type="quotidien.ma_journee",
            champs=("transmissions", "observations"),
            request=request,
        )
        return Response(MaJourneeSerializer(journee).data)


# ---------------------------------------------------------------------------
# Adverse events
# ---------------------------------------------------------------------------
class IncidentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    etablissement = serializers.IntegerField(source="etablissement_id")
    usager = serializers.IntegerField(source="usager_id", allow_null=True)
    declarant = AuteurSerializer()
    declare_le = serializers.DateTimeField()
    survenu_le = serializers.DateTimeField()
    type = serializers.CharField()
    gravite = serializers.IntegerField()
    lieu = serializers.CharField()
    recit = serializers.CharField()
    mesures_immediates = serializers.CharField()
    is_famille_informee = serializers.BooleanField()
    statut = serializers.CharField()
    is_eigs = serializers.BooleanField()
    eigs_partie1_le = serializers.DateTimeField(allow_null=True)
    eigs_partie2_le = serializers.DateTimeField(allow_null=True)
    eigs_partie2_echeance = serializers.DateField(allow_null=True)
    signalement_nature = serializers.CharField()
    signalement_le = serializers.DateTimeField(allow_null=True)


class IncidentInputSerializer(serializers.Serializer):
    etablissement = serializers.IntegerField()
    usager = serializers.IntegerField(required=False, allow_null=True, default=None)
    survenu_le = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=TypeIncident.choices)
    gravite = serializers.ChoiceField(choices=Gravite.choices)
    lieu = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    recit = serializers.CharField(allow_blank=True)
    mesures_immediates = serializers.CharField(required=False, allow_blank=True, default="")
    is_famille_informee = serializers.BooleanField(required=False, default=False)
    is_eigs = serializers.BooleanField(required=False, default=False)


class IncidentListApi(APIView):
    @extend_schema(
        responses=IncidentOutputSerializer(many=True), operation_id="quotidien_incident_list"
    )
    def get(self, request: Request) -> Response:
        """Adverse events the user may see (100 most recent)."""
        user = access.current_user(request)
        rows = list(
            incidents_visibles(user)
            .select_related("declarant")
            .order_by("-survenu_le", "-pk")[:100]
        )
        audit_record_many(
            acteur=user,
            usager_ids=[i.usager_id for i in rows if i.usager_id],
            objet_type="quotidien.incidents",
            request=request,
        )
        return Response(IncidentOutputSerializer(rows, many=True).data)

    @extend_schema(
        request=IncidentInputSerializer,
        responses={201: IncidentOutputSerializer},
        operation_id="quotidien_incident_create",
    )
    def post(self, request: Request) -> Response:
        """Declare an adverse event."""
        user = access.current_user(request)
        serializer = IncidentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        usager_id = data.pop("usager")
        usager = access.usager_get(user, usager_id, request=request) if usager_id else None
        etablissement = Etablissement.objects.filter(pk=data.pop("etablissement")).first()
        if etablissement is None:
            raise serializers.ValidationError({"etablissement": ["Établissement inconnu."]})
        if (
            usager is not None
            and not selectors.etablissements_du_sejour(usager=usager, jour=timezone.localdate())
            .filter(pk=etablissement.pk)
            .exists()
        ):
            raise serializers.ValidationError(
                {
                    "etablissement": [
                        "La personne n'a pas de séjour en cours dans cet établissement."
                    ]
                }
            )
        incident = services.incident_declarer(
            acteur=user, etablissement=etablissement, usager=usager, request=request, **data
        )
        return Response(IncidentOutputSerializer(incident).data, status=status.HTTP_201_CREATED)


class IncidentDetailApi(APIView):
    @extend_schema(responses=IncidentOutputSerializer, operation_id="quotidien_incident_detail")
    def get(self, request: Request, pk: int) -> Response:
        user = access.current_user(request)
        incident = incident_get(user, pk, request=request)
        audit_record(
            acteur=user,
            action=AuditAction.LECTURE,
            usager=incident.usager,
            objet=incident,
            request=request,
        )
        return Response(IncidentOutputSerializer(incident).data)


class EtapeInputSerializer(serializers.Serializer):
    etape = serializers.ChoiceField(choices=EtapeIncident.CHOICES)
    quand = serializers.DateTimeField(required=False, allow_null=True, default=None)
    nature = serializers.CharField(required=False, allow_blank=True, default="")


class RelanceSerializer(serializers.Serializer):
    palier = serializers.CharField()
    envoyee_le = serializers.DateTimeField()
    destinataires = serializers.IntegerField()


class IncidentEtapeApi(APIView):
    @extend_schema(
        responses=RelanceSerializer(many=True), operation_id="quotidien_incident_relances"
    )
    def get(self, request: Request, pk: int) -> Response:
        """Reminders sent about an EIGS."""
        user = access.current_user(request)
        incident = incident_get(user, pk, request=request)
        audit_record(
            acteur=user,
            action=AuditAction.LECTURE,
            usager=incident.usager,
            objet=incident,
            request=request,
        )
        return Response(RelanceSerializer(incident.relances.order_by("envoyee_le"), many=True).data)

    @extend_schema(
        request=EtapeInputSerializer,
        responses=IncidentOutputSerializer,
        operation_id="quotidien_incident_etape",
    )
    def post(self, request: Request, pk: int) -> Response:
        """One step of the workflow (heads of service and directors)."""
        user = access.current_user(request)
        incident = incident_get(user, pk, request=request)
        if not incident_can_manage(user):
            raise PermissionDenied(
                "Seuls les chefs de service et la direction suivent les événements."
            )
        serializer = EtapeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_etape(
            acteur=user, incident=incident, request=request, **serializer.validated_data
        )
        return Response(IncidentOutputSerializer(incident).data)
