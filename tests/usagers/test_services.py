"""RNIV identity transitions, admission, duplicates and merge (usagers/services.py)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interop.targets.insi.client import InsiClient, ResultatINSi
from interop.targets.insi.transport import InsiConfig
from securite.models import AuditAction, EvenementAudit, MembreEquipe
from tests.factories import (
    CapaciteFactory,
    ContactFactory,
    EtablissementFactory,
    IdentiteINSFactory,
    SejourFactory,
    UniteFactory,
)
from usagers import selectors, services
from usagers.insi import insi_appeler
from usagers.models import (
    Contact,
    IdentiteINS,
    JustificatifIdentite,
    MethodeRecuperation,
    PrecisionDate,
    Sejour,
    StatutIdentite,
    Usager,
)

pytestmark = pytest.mark.django_db
P, R, V, Q = (
    StatutIdentite.PROVISOIRE,
    StatutIdentite.RECUPEREE,
    StatutIdentite.VALIDEE,
    StatutIdentite.QUALIFIEE,
)


@pytest.fixture
def usager(world):
    """Hélène DURAND, born 17/05/1940 in Lyon, resident of unit A of the EHPAD."""
    usager = SejourFactory(unite=world.unite_a).usager
    usager.nom_naissance = "DURAND"
    usager.prenoms_naissance = "HELENE MARIE LOUISE"
    usager.premier_prenom_naissance = "HELENE"
    usager.lieu_naissance_code = "69123"
    usager.save()
    return usager


def _cni(secretaire, usager, **kwargs):
    return services.justificatif_enregistrer(
        acteur=secretaire,
        usager=usager,
        type=kwargs.pop("type", "CN"),
        numero=kwargs.pop("numero", "X4RTBPFW46"),
        **kwargs,
    )


def _insi(insi_peer, usager) -> ResultatINSi:
    appel = insi_appeler(usager=usager, client=InsiClient(InsiConfig(endpoint=insi_peer.url)))
    assert appel.resultat is not None, appel.erreur
    return appel.resultat


def _statut(usager):
    usager.refresh_from_db()
    return usager.statut_identite


# ---------------------------------------------------------------------------------------------
# Validation on a document
# ---------------------------------------------------------------------------------------------
def test_a_provisional_identity_becomes_validated_on_an_identity_card(secretaire, usager):
    justificatif = _cni(secretaire, usager)
    services.identite_valider(acteur=secretaire, usager=usager, justificatif=justificatif)
    assert _statut(usager) == V
    row = EvenementAudit.objects.filter(usager=usager, action=AuditAction.MODIFICATION).last()
    assert row.champs == ["statut_identite"] and "provisoire → validee" in row.motif


def test_the_document_number_is_stored_encrypted_and_shown_by_its_last_four_characters(
    secretaire, usager
):
    justificatif = _cni(secretaire, usager, numero="X4RT BPFW 46")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numero FROM usagers_justificatifidentite WHERE id = %s", [justificatif.pk]
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc:v1:") and "BPFW" not in stored
    assert JustificatifIdentite.objects.get().numero == "X4RTBPFW46"
    assert justificatif.numero_masque == "•••• FW46"
    assert justificatif.verifie_par == secretaire


@pytest.mark.parametrize("type_", ["PC", "CM", "CC", "TC"])
def test_a_low_trust_document_is_recorded_but_does_not_validate(secretaire, usager, type_):
    justificatif = _cni(secretaire, usager, type=type_)
    with pytest.raises(ValidationError, match="haut niveau de confiance"):
        services.identite_valider(acteur=secretaire, usager=usager, justificatif=justificatif)
    assert _statut(usager) == P


def test_an_expired_document_does_not_validate(secretaire, usager):
    justificatif = _cni(secretaire, usager, date_expiration=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="expiré"):
        services.identite_valider(acteur=secretaire, usager=usager, justificatif=justificatif)


def test_a_livret_de_famille_validates_a_minor(world, secretaire):
    enfant = SejourFactory(unite=world.unite_a).usager
    enfant.date_naissance = timezone.localdate() - datetime.timedelta(days=10 * 365)
    enfant.lieu_naissance_code = "69123"
    enfant.save()
    justificatif = _cni(secretaire, enfant, type="LE", numero="")
    services.identite_valider(acteur=secretaire, usager=enfant, justificatif=justificatif)
    assert _statut(enfant) == V


def test_a_birth_certificate_with_a_photo_health_card_validates_an_ehpad_admission(
    secretaire, usager
):
    justificatif = _cni(secretaire, usager, type="AN", numero="", carte_vitale_photo=True)
    services.identite_valider(acteur=secretaire, usager=usager, justificatif=justificatif)
    assert _statut(usager) == V


def test_a_birth_certificate_alone_does_not_validate_an_adult(secretaire, usager):
    justificatif = _cni(secretaire, usager, type="AN", numero="")
    with pytest.raises(ValidationError, match="EHPAD avec une carte Vitale"):
        services.identite_valider(acteur=secretaire, usager=usager, justificatif=justificatif)


def test_the_ehpad_exception_does_not_apply_outside_an_ehpad(world, directeur):
    adulte = SejourFactory(unite=world.unite_ime).usager
    adulte.lieu_naissance_code = "69123"
    adulte.save()
    justificatif = _cni(directeur, adulte, type="LE", numero="", carte_vitale_photo=True)
    with pytest.raises(ValidationError):
        services.identite_valider(acteur=directeur, usager=adulte, justificatif=justificatif)


@pytest.mark.parametrize(
    ("flag", "message"), [("is_douteuse", "douteuse"), ("is_fictive", "fictive")]
)
def test_a_doubtful_or_fictitious_identity_cannot_be_validated(secretaire, usager, flag, message):
    setattr(usager, flag, True)
    usager.save()
    with pytest.raises(ValidationError, match=message):
        services.identite_valider(
            acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
        )


def test_validation_needs_the_birth_place(secretaire, usager):
    usager.lieu_naissance_code = ""
    usager.save()
    with pytest.raises(ValidationError) as exc:
        services.identite_valider(
            acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
        )
    assert "lieu_naissance_code" in exc.value.message_dict


def test_an_identity_is_not_validated_twice(secretaire, usager):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    with pytest.raises(ValidationError, match="déjà validée"):
        services.identite_valider(
            acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
        )


def test_another_records_document_is_refused(world, secretaire, usager):
    autre = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(ValidationError):
        services.identite_valider(
            acteur=secretaire, usager=usager, justificatif=_cni(secretaire, autre)
        )


def test_an_educator_cannot_record_a_document(educateur, usager):
    with pytest.raises(PermissionDenied):
        _cni(educateur, usager)


# ---------------------------------------------------------------------------------------------
# INSi: récupérée, qualifiée
# ---------------------------------------------------------------------------------------------
def test_an_insi_result_makes_a_provisional_identity_recuperee_with_the_ins_traits(
    secretaire, usager, insi_peer
):
    usager.prenoms_naissance = "Hélène"
    usager.save()
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    assert _statut(usager) == R
    assert usager.prenoms_naissance == "HELENE MARIE LOUISE"  # INSi traits replace local ones
    assert usager.ins.oid == "1.2.250.1.213.1.4.10"
    assert usager.ins.recupere_par == secretaire
    assert selectors.ins_partageable(usager) is None


def test_validated_then_recuperee_is_qualified(secretaire, usager, insi_peer):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    usager.prenoms_naissance = "HELENE MARIE LOUISE"
    usager.save()
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    assert _statut(usager) == Q
    assert selectors.ins_partageable(usager) == usager.ins


def test_recuperee_then_validated_is_qualified(secretaire, usager, insi_peer):
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    assert _statut(usager) == Q


def test_a_validated_identity_whose_traits_differ_from_insi_is_only_recuperee(
    secretaire, usager, insi_peer
):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    usager.prenoms_naissance = "HELENE"  # the document showed one first name only
    usager.save()
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    assert _statut(usager) == R


@pytest.mark.parametrize("code", ["01", "02"])
def test_no_ins_is_recorded_without_a_single_identity(secretaire, usager, code):
    with pytest.raises(ValidationError):
        services.ins_recuperer(
            acteur=secretaire, usager=usager, resultat=ResultatINSi(code_cr=code, libelle_cr="")
        )
    assert _statut(usager) == P
    assert not IdentiteINS.objects.exists()


def test_a_fictitious_identity_receives_no_ins(secretaire, usager, insi_peer):
    usager.is_fictive = True
    usager.save()
    with pytest.raises(ValidationError, match="fictive"):
        services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))


def test_an_ins_already_carried_by_another_record_is_refused(world, secretaire, usager, insi_peer):
    resultat = _insi(insi_peer, usager)
    autre = SejourFactory(unite=world.unite_a).usager
    IdentiteINSFactory(usager=autre, matricule=resultat.matricule)
    with pytest.raises(ValidationError, match="fusionnez"):
        services.ins_recuperer(acteur=secretaire, usager=usager, resultat=resultat)


def test_a_record_with_another_ins_is_not_overwritten(secretaire, usager, insi_peer):
    IdentiteINSFactory(usager=usager, matricule="150039935210441"[:13] + "00")
    usager.statut_identite = R
    usager.save()
    resultat = _insi(insi_peer, usager)
    IdentiteINS.objects.filter(usager=usager).update(matricule="250039935210400")
    with pytest.raises(ValidationError, match="autre matricule"):
        services.ins_recuperer(acteur=secretaire, usager=usager, resultat=resultat)


def test_a_failed_insi_verification_takes_the_ins_back(secretaire, usager, insi_peer):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    assert _statut(usager) == Q
    services.ins_verifier(
        acteur=secretaire, usager=usager, resultat=ResultatINSi(code_cr="01", libelle_cr="")
    )
    assert _statut(usager) == V
    assert selectors.ins_partageable(usager) is None


def test_a_successful_verification_keeps_the_status(secretaire, usager, insi_peer):
    resultat = _insi(insi_peer, usager)
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=resultat)
    services.ins_verifier(acteur=secretaire, usager=usager, resultat=resultat)
    assert _statut(usager) == R


def test_a_record_without_ins_cannot_be_verified(secretaire, usager):
    with pytest.raises(ValidationError):
        services.ins_verifier(
            acteur=secretaire, usager=usager, resultat=ResultatINSi(code_cr="00", libelle_cr="")
        )


def test_a_failed_verification_of_a_recuperee_identity_makes_it_provisional(
    secretaire, usager, insi_peer
):
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    services.ins_verifier(
        acteur=secretaire, usager=usager, resultat=ResultatINSi(code_cr="01", libelle_cr="")
    )
    assert _statut(usager) == P


# ---------------------------------------------------------------------------------------------
# Changing traits
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def qualifiee(secretaire, usager, insi_peer):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    usager.prenoms_naissance = "HELENE MARIE LOUISE"
    usager.save()
    services.ins_recuperer(acteur=secretaire, usager=usager, resultat=_insi(insi_peer, usager))
    assert _statut(usager) == Q
    return usager


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nom_naissance", "DURANT"),
        ("prenoms_naissance", "HELENE MARIE"),
        ("date_naissance", datetime.date(1940, 5, 18)),
        ("sexe", "M"),
        ("lieu_naissance_code", "75056"),
    ],
)
def test_changing_a_strict_trait_of_a_qualified_identity_drops_it_to_provisional_and_is_audited(
    secretaire, qualifiee, field, value
):
    services.usager_modifier(acteur=secretaire, usager=qualifiee, **{field: value})
    assert _statut(qualifiee) == P
    assert selectors.ins_partageable(qualifiee) is None
    row = EvenementAudit.objects.filter(usager=qualifiee).last()
    assert row.action == AuditAction.MODIFICATION
    assert field in row.champs and "statut_identite" in row.champs
    assert "qualifiee → provisoire" in row.motif
    assert str(value) not in str(row.champs)  # names, never values


def test_changing_a_used_name_keeps_the_qualification(secretaire, qualifiee):
    services.usager_modifier(
        acteur=secretaire, usager=qualifiee, nom_utilise="Martin", telephone="0102030405"
    )
    assert _statut(qualifiee) == Q


def test_saving_the_same_traits_changes_nothing(secretaire, qualifiee):
    count = EvenementAudit.objects.count()
    services.usager_modifier(acteur=secretaire, usager=qualifiee, nom_naissance="Durand")
    assert _statut(qualifiee) == Q
    assert EvenementAudit.objects.count() == count


def test_marking_a_qualified_identity_doubtful_takes_the_validation_back(secretaire, qualifiee):
    services.usager_modifier(acteur=secretaire, usager=qualifiee, is_douteuse=True)
    assert _statut(qualifiee) == R
    assert selectors.ins_partageable(qualifiee) is None


def test_marking_a_validated_identity_doubtful_makes_it_provisional(secretaire, usager):
    services.identite_valider(
        acteur=secretaire, usager=usager, justificatif=_cni(secretaire, usager)
    )
    services.usager_modifier(acteur=secretaire, usager=usager, is_douteuse=True)
    assert _statut(usager) == P


def test_marking_an_identity_fictitious_makes_it_provisional(secretaire, qualifiee):
    services.usager_modifier(acteur=secretaire, usager=qualifiee, is_fictive=True)
    assert _statut(qualifiee) == P


def test_an_unknown_field_cannot_be_changed(secretaire, usager):
    with pytest.raises(ValueError):
        services.usager_modifier(acteur=secretaire, usager=usager, statut_identite=Q)


def test_a_future_birth_date_is_refused_and_nothing_is_saved(secretaire, usager):
    with pytest.raises(ValidationError) as exc:
        services.usager_modifier(
            acteur=secretaire,
            usager=usager,
            date_naissance=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "date_naissance" in exc.value.message_dict
    usager.refresh_from_db()
    assert usager.date_naissance == datetime.date(1940, 5, 17)


# ---------------------------------------------------------------------------------------------
# Admission and duplicates
# ---------------------------------------------------------------------------------------------
IDENTITE = {
    "nom_naissance": "Lefèbvre",
    "prenoms_naissance": "Chloé Anne",
    "date_naissance": datetime.date(1938, 2, 3),
    "sexe": "F",
    "lieu_naissance_code": "69123",
}


def _admettre(user, world, identite=None, **kwargs):
    return services.usager_admettre(
        acteur=user,
        identite=dict(identite or IDENTITE),
        sejour=services.SejourDonnees(
            etablissement=world.ehpad,
            unite=world.unite_a,
            mode_accueil="internat",
            date_entree=datetime.date(2026, 1, 5),
            mode_entree="8",
        ),
        **kwargs,
    )


def test_admission_creates_a_provisional_identity_in_ins_form_with_its_stay_and_audit(
    secretaire, world
):
    usager = _admettre(secretaire, world)
    assert usager.statut_identite == P
    assert usager.nom_naissance == "LEFEBVRE"
    assert usager.premier_prenom_naissance == "CHLOE"
    assert usager.identifiant_local == f"D{usager.pk:07d}"
    assert usager.sejours.get().unite == world.unite_a
    actions = EvenementAudit.objects.filter(usager=usager).values_list("action", "objet_type")
    assert set(actions) == {("creation", "usagers.Usager"), ("creation", "usagers.Sejour")}


def test_admission_detects_a_duplicate_with_close_names_and_the_same_birth_date(secretaire, world):
    existant = _admettre(secretaire, world)
    proche = {**IDENTITE, "nom_naissance": "LEFEVRE", "prenoms_naissance": "CHLOE"}
    with pytest.raises(services.DoublonPotentiel) as exc:
        _admettre(secretaire, world, proche)
    assert exc.value.candidats == [existant]
    assert Usager.objects.count() == 1


def test_a_duplicate_with_swapped_day_and_month_is_detected(secretaire, world):
    _admettre(secretaire, world)
    swapped = {**IDENTITE, "date_naissance": datetime.date(1938, 3, 2)}
    with pytest.raises(services.DoublonPotentiel):
        _admettre(secretaire, world, swapped)


def test_a_used_name_equal_to_the_birth_name_typed_is_a_duplicate(secretaire, world):
    usager = _admettre(secretaire, world)
    usager.nom_utilise = "Bernard"
    usager.save()
    with pytest.raises(services.DoublonPotentiel):
        _admettre(secretaire, world, {**IDENTITE, "nom_naissance": "Bernard"})


def test_a_different_person_with_the_same_birth_date_is_not_a_duplicate(secretaire, world):
    _admettre(secretaire, world)
    autre = {**IDENTITE, "nom_naissance": "Moreau", "prenoms_naissance": "Paul"}
    assert _admettre(secretaire, world, autre).pk


def test_a_confirmed_duplicate_is_created_and_the_confirmation_is_audited(secretaire, world):
    _admettre(secretaire, world)
    second = _admettre(secretaire, world, confirmer_doublon=True)
    row = EvenementAudit.objects.get(usager=second, objet_type="usagers.Usager")
    assert "doublon potentiel écarté" in row.motif


def test_admission_outside_ones_establishments_is_refused(secretaire, world):
    with pytest.raises(ValidationError) as exc:
        services.usager_admettre(
            acteur=secretaire,
            identite=dict(IDENTITE),
            sejour=services.SejourDonnees(
                etablissement=world.ime,
                mode_accueil="externat",
                date_entree=datetime.date(2026, 1, 5),
            ),
        )
    assert "etablissement" in exc.value.message_dict
    assert not Usager.objects.exists()


def test_admission_of_an_unknown_birth_place_and_exit_before_entry_reports_every_field(
    secretaire, world
):
    with pytest.raises(ValidationError) as exc:
        services.usager_admettre(
            acteur=secretaire,
            identite={**IDENTITE, "lieu_naissance_code": "99999"},
            sejour=services.SejourDonnees(
                etablissement=world.ehpad,
                mode_accueil="internat",
                date_entree=datetime.date(2026, 1, 5),
                date_sortie_prevue=datetime.date(2025, 1, 5),
            ),
        )
    assert {"lieu_naissance_code", "date_sortie_prevue"} <= set(exc.value.message_dict)
    assert not Usager.objects.exists() and not Sejour.objects.exists()


def test_an_educator_cannot_admit(educateur, world):
    with pytest.raises((PermissionDenied, ValidationError)):
        _admettre(educateur, world)
    assert not Usager.objects.exists()


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------
def test_overlapping_stays_in_the_same_establishment_are_refused(secretaire, usager, world):
    with pytest.raises(ValidationError) as exc:
        services.sejour_creer(
            acteur=secretaire,
            usager=usager,
            donnees=services.SejourDonnees(
                etablissement=world.ehpad,
                mode_accueil="internat",
                date_entree=datetime.date(2025, 1, 1),
            ),
        )
    assert "chevauche" in exc.value.message_dict["date_entree"][0]


def test_a_stay_is_closed_with_mode_and_reason_and_a_new_one_may_follow(secretaire, usager, world):
    """(An exit planned a few days ahead keeps the record in the secretary's scope.)"""
    sejour = usager.sejours.get()
    sortie = timezone.localdate() + datetime.timedelta(days=5)
    services.sejour_cloturer(
        acteur=secretaire, sejour=sejour, date_sortie=sortie, mode_sortie="6", motif_sortie="autre"
    )
    nouveau = services.sejour_creer(
        acteur=secretaire,
        usager=usager,
        donnees=services.SejourDonnees(
            etablissement=world.ehpad,
            unite=world.unite_b,
            mode_accueil="internat",
            date_entree=sortie + datetime.timedelta(days=1),
            mode_entree="6",
        ),
    )
    assert nouveau.is_en_cours(sortie + datetime.timedelta(days=2))
    assert not sejour.is_en_cours(sortie + datetime.timedelta(days=2))
    with pytest.raises(ValidationError):
        services.sejour_cloturer(
            acteur=secretaire, sejour=sejour, date_sortie=sortie, mode_sortie="8"
        )


def test_an_exit_before_the_admission_is_refused(secretaire, usager):
    sejour = usager.sejours.get()
    with pytest.raises(ValidationError) as exc:
        services.sejour_cloturer(
            acteur=secretaire, sejour=sejour, date_sortie=datetime.date(2020, 1, 1), mode_sortie="8"
        )
    assert "date_sortie" in exc.value.message_dict
    sejour.refresh_from_db()
    assert sejour.date_sortie is None


# ---------------------------------------------------------------------------------------------
# Entourage, protection, orientation, GIR
# ---------------------------------------------------------------------------------------------
def test_a_trusted_person_needs_the_date_of_written_designation(chef_service, usager):
    with pytest.raises(ValidationError) as exc:
        services.contact_enregistrer(
            acteur=chef_service,
            usager=usager,
            nom="Durand",
            lien="DAUC",
            is_personne_confiance=True,
        )
    assert "personne_confiance_designee_le" in exc.value.message_dict
    contact = services.contact_enregistrer(
        acteur=chef_service,
        usager=usager,
        nom="Durand",
        lien="DAUC",
        is_personne_confiance=True,
        personne_confiance_designee_le=datetime.date(2025, 1, 10),
    )
    assert contact.is_personne_confiance


def test_the_secretary_cannot_write_the_social_part(secretaire, usager):
    with pytest.raises(PermissionDenied):
        services.contact_enregistrer(acteur=secretaire, usager=usager, nom="Durand", lien="DAUC")


@pytest.mark.parametrize(
    "type_",
    ["tutelle", "curatelle_simple", "curatelle_renforcee", "sauvegarde", "habilitation_familiale"],
)
def test_a_judicial_measure_without_an_end_date_is_refused(chef_service, usager, type_):
    with pytest.raises(ValidationError) as exc:
        services.mesure_enregistrer(
            acteur=chef_service,
            usager=usager,
            type=type_,
            portee="biens",
            mandataire_nom="UDAF",
            mandataire_type="service",
            date_debut=datetime.date(2024, 1, 1),
        )
    assert "date_fin" in exc.value.message_dict


def test_a_mandat_de_protection_future_may_have_no_end(chef_service, usager):
    contact = ContactFactory(usager=usager)
    mesure = services.mesure_enregistrer(
        acteur=chef_service,
        usager=usager,
        type="mandat_protection_future",
        portee="personne_et_biens",
        mandataire_nom="Paul Durand",
        mandataire_type="familial",
        mandataire_contact=contact,
        date_debut=datetime.date(2024, 1, 1),
    )
    assert mesure.is_en_cours(datetime.date(2030, 1, 1))


def test_a_mandataire_outside_the_entourage_is_refused(world, chef_service, usager):
    autre = ContactFactory(usager=SejourFactory(unite=world.unite_a).usager)
    with pytest.raises(ValidationError):
        services.mesure_enregistrer(
            acteur=chef_service,
            usager=usager,
            type="mandat_protection_future",
            portee="biens",
            mandataire_nom="X",
            mandataire_type="familial",
            mandataire_contact=autre,
            date_debut=datetime.date(2024, 1, 1),
        )


def test_an_orientation_decision_ending_before_it_opens_is_refused(chef_service, usager):
    with pytest.raises(ValidationError) as exc:
        services.decision_enregistrer(
            acteur=chef_service,
            usager=usager,
            numero="2024-123/069",
            mdph="MDPH du Rhône",
            date_decision=datetime.date(2024, 3, 1),
            date_debut=datetime.date(2024, 4, 1),
            date_fin=datetime.date(2024, 3, 1),
            type_orientation="ime",
        )
    assert "date_fin" in exc.value.message_dict


def test_a_gir_is_recorded_by_a_doctor_but_not_by_the_secretary(medecin, secretaire, usager):
    evaluation = services.evaluation_enregistrer(
        acteur=medecin, usager=usager, date_evaluation=datetime.date(2025, 2, 1), gir=2
    )
    assert evaluation.evaluateur == medecin
    with pytest.raises(PermissionDenied):
        services.evaluation_enregistrer(
            acteur=secretaire, usager=usager, date_evaluation=datetime.date(2025, 2, 1), gir=2
        )


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------
def test_merging_keeps_every_piece_of_history(world, secretaire, chef_service, usager):
    doublon = SejourFactory(unite=world.unite_b).usager
    SejourFactory(
        usager=doublon,
        unite=world.unite_b,
        date_entree=datetime.date(2020, 1, 1),
        date_sortie=datetime.date(2020, 6, 1),
    )
    ContactFactory(usager=doublon)
    _cni(secretaire, doublon)
    IdentiteINSFactory(usager=doublon)
    MembreEquipe.objects.create(
        usager=doublon,
        utilisateur=chef_service,
        role="referent",
        date_debut=datetime.date(2024, 1, 1),
    )
    before_audit = EvenementAudit.objects.filter(usager=doublon).count()
    services.usager_fusionner(
        acteur=chef_service, conserve=usager, doublon=doublon, motif="Même personne, deux dossiers"
    )
    doublon.refresh_from_db()
    assert doublon.fusionne_dans == usager
    assert Sejour.objects.filter(usager=usager).count() == 3
    assert Contact.objects.filter(usager=usager).count() == 1
    assert JustificatifIdentite.objects.filter(usager=usager).count() == 1
    assert MembreEquipe.objects.filter(usager=usager).count() == 1
    assert IdentiteINS.objects.get().usager == usager
    # The duplicate's own audit trail stays on it; both records log the merge.
    assert EvenementAudit.objects.filter(usager=doublon).count() == before_audit + 1
    assert EvenementAudit.objects.filter(usager=usager, action=AuditAction.FUSION).exists()
    assert selectors.usager_ids_dossier(usager) == [usager.pk, doublon.pk]
    assert doublon not in Usager.objects.actifs()


def test_two_records_with_different_ins_are_two_people(world, chef_service, usager):
    doublon = SejourFactory(unite=world.unite_a).usager
    IdentiteINSFactory(usager=usager)
    IdentiteINSFactory(usager=doublon, matricule="150039935210400"[:13] + "41")
    with pytest.raises(ValidationError, match="deux personnes"):
        services.usager_fusionner(
            acteur=chef_service, conserve=usager, doublon=doublon, motif="Même personne"
        )


@pytest.mark.parametrize("case", ["self", "motif", "already"])
def test_a_merge_is_refused_when_it_makes_no_sense(world, chef_service, usager, case):
    doublon = SejourFactory(unite=world.unite_a).usager
    if case == "already":
        tiers = SejourFactory(unite=world.unite_a).usager
        services.usager_fusionner(
            acteur=chef_service, conserve=tiers, doublon=doublon, motif="Même personne ici"
        )
    with pytest.raises(ValidationError):
        services.usager_fusionner(
            acteur=chef_service,
            conserve=usager,
            doublon=usager if case == "self" else doublon,
            motif="court" if case == "motif" else "Même personne, vérifié",
        )


def test_an_out_of_scope_duplicate_cannot_be_merged(world, secretaire, usager):
    ailleurs = SejourFactory(unite=world.unite_ime).usager
    with pytest.raises(PermissionDenied):
        services.usager_fusionner(
            acteur=secretaire, conserve=usager, doublon=ailleurs, motif="Même personne"
        )


def test_the_unused_precision_enum_is_kept_in_sync():
    assert {p.value for p in PrecisionDate} == {"jour", "mois", "annee"}
    assert MethodeRecuperation.INSI_TRAITS == "insi_traits"


@pytest.fixture(autouse=True)
def _capacite(world):
    """The IME also has a residential capacity for the tests that need it."""
    CapaciteFactory(etablissement=world.ime, mode_accueil="internat", places=10)
    EtablissementFactory  # noqa: B018 - imported for other modules' fixtures
    UniteFactory  # noqa: B018
