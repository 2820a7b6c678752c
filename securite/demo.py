"""The demo personas of the embedded demo (`make run`): one account per persona.

The accounts are created by `manage.py seed_demo` with their second factor enrolled: a TOTP
application whose key is derived from the username, and recovery codes. The login page lists
them, with the code of the moment, only when DUI_DEMO_MODE is on, which `check --deploy`
refuses in production.
"""

import hashlib
from dataclasses import dataclass

# A passphrase shared by the demo accounts; it exists only in demo databases.
DEMO_PASSWORD = "Tilleuls-demo-2026"  # noqa: S105 - demo data, refused in production


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    persona: str
    type_compte: str
    profession: str = ""
    # Where the persona works: establishment keys (all units) and unit keys.
    etablissements: tuple[str, ...] = ()
    unites: tuple[tuple[str, str], ...] = ()


DEMO_ACCOUNTS = (
    DemoAccount(
        "educateur",
        "Karim",
        "Benali",
        "Éducateur spécialisé (IME, groupe Les Colibris)",
        "professionnel",
        "educateur",
        unites=(("ime", "Les Colibris"),),
    ),
    DemoAccount(
        "infirmier",
        "Sophie",
        "Marchand",
        "Infirmière (EHPAD, unité Les Glycines)",
        "professionnel",
        "infirmier",
        unites=(("ehpad", "Les Glycines"), ("ehpad", "Les Lilas")),
    ),
    DemoAccount(
        "medecin",
        "Jean",
        "Lefèvre",
        "Médecin coordonnateur (EHPAD)",
        "professionnel",
        "medecin",
        etablissements=("ehpad",),
    ),
    DemoAccount(
        "chef.service",
        "Nadia",
        "Roussel",
        "Cheffe de service (IME et SESSAD)",
        "professionnel",
        "chef_service",
        etablissements=("ime", "sessad"),
    ),
    DemoAccount(
        "secretaire",
        "Claire",
        "Dumont",
        "Secrétaire d'accueil (EHPAD)",
        "professionnel",
        "secretaire",
        etablissements=("ehpad",),
    ),
    DemoAccount(
        "directeur",
        "Michel",
        "Garnier",
        "Directeur général de l'association",
        "professionnel",
        "directeur",
    ),
    DemoAccount("famille", "Isabelle", "Moreau", "Famille (fille d'une résidente)", "famille"),
    DemoAccount("admin", "Thomas", "Petit", "Administrateur technique", "technique"),
)


def demo_accounts() -> tuple[DemoAccount, ...]:
    return DEMO_ACCOUNTS


def demo_totp_key(username: str) -> str:
    """The fixed TOTP key (hex, 20 bytes) of a demo account: public, like its password."""
    return hashlib.sha1(f"dui-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def demo_recovery_codes(username: str) -> list[str]:
    """Three fixed recovery codes of a demo account (8 characters each)."""
    return [
        hashlib.sha1(
            f"dui-demo-secours:{username}:{index}".encode(), usedforsecurity=False
        ).hexdigest()[:8]
        for index in range(3)
    ]
