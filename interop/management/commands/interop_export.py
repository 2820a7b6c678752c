"""Write one payload of a person to a file: what exactly the DUI sends.

    python manage.py interop_export KIND USAGER_ID -o FILE --utilisateur LOGIN [--pdf FILE]
        [--motif TEXT --conscience {conscient,eveillable,non-eveillable}]   (cda-fludt)

KIND: cda-ppa, cda-dlu, cda-fludt, fhir-patient, fhir-tddui, hl7-a28, hl7-a01, hl7-a03.
The access policy applies as in the application (the operator acts as LOGIN), and the export
leaves an "export" audit row. A record lacking what the payload needs is refused with the
list of what is missing. The DLU and the transfer sheet (FLUDT) come from the person's
Dossier de liaison d'urgence (usagers.DossierLiaisonUrgence); the FLUDT adds what is only
known at departure: the reason for the transfer and the state of consciousness.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone

from interop import mapping, partage
from interop.builders import cda, fhir, hl7v2
from interop.builders.data import DluData, DonneesManquantes, MessageData
from securite import access
from securite.audit import audit_record
from securite.models import Action, AuditAction, Categorie, Utilisateur
from usagers.models import Usager

# Category of the record each payload reveals (securite.access matrix).
KINDS = {
    "cda-ppa": Categorie.EDUCATIF,
    "cda-dlu": Categorie.MEDICAL,
    "cda-fludt": Categorie.MEDICAL,
    "fhir-patient": Categorie.ADMINISTRATIF,
    "fhir-tddui": Categorie.EDUCATIF,
    "hl7-a28": Categorie.ADMINISTRATIF,
    "hl7-a01": Categorie.ADMINISTRATIF,
    "hl7-a03": Categorie.ADMINISTRATIF,
}

# State of consciousness at departure (FLUDT: TA_ASIP codes DLU_002 to DLU_004).
CONSCIENCE = {"conscient": "DLU_002", "eveillable": "DLU_003", "non-eveillable": "DLU_004"}


class Command(BaseCommand):
    help = "Exporte un flux (CDA, FHIR, HL7) d'un usager dans un fichier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("usager_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="fichier à écrire")
        parser.add_argument("--utilisateur", required=True, help="identifiant de l'opérateur")
        parser.add_argument("--pdf", help="PDF du projet personnalisé (cda-ppa)")
        parser.add_argument("--motif", default="", help="motif du transfert (cda-fludt)")
        parser.add_argument(
            "--conscience",
            choices=sorted(CONSCIENCE),
            help="état de conscience au départ (cda-fludt)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        user = Utilisateur.objects.filter(username=options["utilisateur"], is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur « {options['utilisateur']} » inconnu ou inactif.")
        try:
            usager = access.usager_get(user, options["usager_id"], categorie=KINDS[kind])
        except Http404:
            raise CommandError(
                "Dossier introuvable, ou hors du périmètre de cet utilisateur pour cette "
                "partie du dossier : rien n'a été exporté."
            ) from None
        try:
            payload = self._payload(kind, usager, user, options)
        except DonneesManquantes as error:
            raise CommandError(f"Export impossible. {error}") from None
        Path(options["output"]).write_bytes(payload)
        audit_record(
            acteur=user,
            action=AuditAction.EXPORT,
            usager=usager,
            objet_type=f"interop.{kind}",
            objet_id=str(usager.pk),
            categorie=KINDS[kind],
            motif="interop_export",
        )
        self.stdout.write(f"{kind} écrit dans {options['output']} ({len(payload)} octets).")

    def _payload(self, kind: str, usager: Usager, user: Utilisateur, options: Any) -> bytes:
        sejour = mapping.sejour_courant(usager)
        if sejour is None:
            raise DonneesManquantes(["séjour de l'usager"])
        structure = mapping.structure_data(sejour.etablissement)
        patient = mapping.patient_data(usager, sejour.etablissement)
        sejour_data = mapping.sejour_data(sejour)
        auteur = mapping.professionnel_data(user, structure.finess)
        if kind == "cda-ppa":
            # The document the validation hands to the DMP (interop.partage): same setId,
            # version and replacement; a new document id at each export.
            pdf = Path(options["pdf"]).read_bytes() if options.get("pdf") else None
            projet = partage.projet_dernier_valide(usager)
            if projet is not None:
                return partage.projet_cda(projet=projet, auteur=user, pdf=pdf)[0]
            if pdf is None:
                raise DonneesManquantes(["projet personnalisé validé (ou --pdf FICHIER)"])
            return partage.cda_ppa(
                usager=usager, etablissement=sejour.etablissement, auteur=user, pdf=pdf
            )[0]
        if kind in ("cda-dlu", "cda-fludt"):
            dlu = self._dlu(kind, usager, structure.is_ehpad, options)
            document = mapping.document_data(
                type_code="74207-2",
                type_libelle="Document de liaison d'urgence",
                titre="Document de liaison d'urgence",
            )
            common: dict[str, Any] = {
                "document": document,
                "patient": patient,
                "auteur": auteur,
                "responsable": auteur,
                "structure": structure,
                "sejour": sejour_data,
                "dlu": dlu,
            }
            if kind == "cda-dlu":
                return cda.cda_dlu(**common)
            fludt = mapping.fludt_data(
                usager,
                dlu,
                motif=options.get("motif") or "",
                conscience=CONSCIENCE[options["conscience"]],
            )
            return cda.cda_fludt(**common, fludt=fludt)
        if kind == "fhir-patient":
            return json.dumps(fhir.fhir_patient(patient), ensure_ascii=False, indent=2).encode()
        if kind == "fhir-tddui":
            # The events the exporting user may read, as on their own screens.
            lisibles = access.categories_permises(user, usager, Action.LIRE)
            dossier = mapping.dossier_data(usager, sejour.etablissement, lisibles)
            return json.dumps(fhir.fhir_tddui_bundle(dossier), ensure_ascii=False).encode()
        trigger = kind.removeprefix("hl7-").upper()
        message = MessageData(
            identifiant=mapping.oid_nouveau()[-20:],
            date=timezone.localtime(),
            mouvement=f"{sejour.pk}-{trigger}",
            date_evenement=timezone.localtime(),
        )
        return hl7v2.hl7_adt(
            trigger, patient=patient, structure=structure, message=message, sejour=sejour_data
        )

    def _dlu(self, kind: str, usager: Usager, is_ehpad: bool, options: Any) -> DluData:
        """The person's DLU data; everything missing (record and command line) at once."""
        manquants: list[str] = []
        if not is_ehpad:
            manquants.append("séjour en EHPAD (le DLU concerne les résidents d'EHPAD)")
        dlu = None
        try:
            dlu = mapping.dlu_data(usager)
        except DonneesManquantes as error:
            manquants.extend(error.manquants)
        if kind == "cda-fludt":
            if not (options.get("motif") or "").strip():
                manquants.append("motif du transfert (--motif)")
            if not options.get("conscience"):
                manquants.append("état de conscience au départ (--conscience)")
        if manquants or dlu is None:
            raise DonneesManquantes(manquants)
        return dlu
