"""Pages measured by `make bench`. Adding a page: one `Page(...)` below, and its baseline in
dui/bench_views.py (a view that returns the same rows with one raw SQL query)."""

from dataclasses import dataclass

DIRECTEUR = "bench.directeur"
EDUCATEUR = "bench.educateur"


@dataclass(frozen=True)
class Page:
    name: str  # stable key of the record in docs/benchmarks.json
    label: str  # French, for docs/benchmarks.md
    url: str
    baseline_url: str
    username: str | None = None  # bench account (dui/demo_data.py), None: anonymous


PAGES: tuple[Page, ...] = (
    Page("connexion", "Page de connexion (anonyme)", "/connexion/", "/bench/statique/"),
    Page(
        "accueil_direction",
        "Accueil direction : occupation des 100 établissements",
        "/",
        "/bench/occupation/",
        DIRECTEUR,
    ),
    Page(
        "accueil_terrain",
        "Accueil éducateur « Ma journée » : présents de 2 unités",
        "/",
        "/bench/presents/",
        EDUCATEUR,
    ),
    Page(
        "etablissement_list",
        "Liste des établissements (direction)",
        "/etablissements/",
        "/bench/occupation/",
        DIRECTEUR,
    ),
    Page(
        "api_etablissement_list",
        "API : liste des établissements, 50 par page (direction)",
        "/api/etablissements/?limit=50",
        "/bench/api/etablissements/?limit=50",
        DIRECTEUR,
    ),
)
