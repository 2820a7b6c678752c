"""Pages measured by `make bench`. Adding a page: one `Page(...)` below, and its baseline in
dui/bench_views.py (a view that returns the same rows with one raw SQL query)."""

from dataclasses import dataclass

from quotidien import curseur_il_y_a

DIRECTEUR = "bench.directeur"
EDUCATEUR = "bench.educateur"


@dataclass(frozen=True)
class Page:
    name: str  # stable key of the record in docs/benchmarks.json
    label: str  # French, for docs/benchmarks.md
    url: str
    baseline_url: str
    username: str | None = None  # bench account (dui/demo_data.py), None: anonymous
    # POST pages (the search: terms never in a URL): the form fields; bench/run.py adds the
    # CSRF token of the session. The baseline is posted the same body.
    form: tuple[tuple[str, str], ...] = ()
    # An issue's target for this page: p95 of the server time, measured with one connection
    # (no queueing behind other requests), in ms.
    target_p95_ms: float | None = None

    @property
    def method(self) -> str:
        return "POST" if self.form else "GET"


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
    # Usager record (issue 3): the list of people present and the search by name among the
    # 20,000 usagers of the director's organisme, target p95 under 50 ms.
    Page(
        "usager_list",
        "Personnes accompagnées : liste des présents, 50 par page (direction, 20 000 usagers)",
        "/usagers/",
        "/bench/usagers/",
        DIRECTEUR,
        target_p95_ms=50.0,
    ),
    Page(
        "usager_recherche",
        "Recherche par nom parmi 20 000 usagers, 1re page de 50 (direction)",
        "/usagers/recherche/",
        "/bench/recherche/",
        DIRECTEUR,
        form=(("texte", "dubois"),),
        target_p95_ms=50.0,
    ),
    # Support plan (usagers/projet): the plan page of bench.educateur's plan with the fixed
    # id usagers.projet.demo.BENCH_PROJET_PK, and the due-plans list over ~9,000 plans.
    Page(
        "projet_detail",
        "Projet personnalisé : page du projet (éducateur référent)",
        "/projets/900000001/",
        "/projets/bench/projet/900000001/",
        EDUCATEUR,
    ),
    Page(
        "projet_echeances",
        "Projets personnalisés à réévaluer, 50 par page (direction, ~9 000 projets)",
        "/projets/?vue=tous",
        "/projets/bench/echeances/",
        DIRECTEUR,
    ),
    # Daily support (usagers/quotidien): the timelines of the bench persons with fixed ids
    # (usagers/quotidien/charge.py: more than 10,000 notes, and 100), a page of the long one two
    # years back (keyset cursor), and "ma journée" of bench.educateur's two units. Years of notes
    # for everyone: BENCH_NOTES=20000000 (bench/quotidien.py).
    Page(
        "quotidien_fil_10000",
        "Fil d'une personne à plus de 10 000 notes, 50 par page (éducateur)",
        "/quotidien/usagers/900000101/",
        "/quotidien/bench/fil/900000101/",
        EDUCATEUR,
    ),
    Page(
        "quotidien_fil_100",
        "Fil d'une personne à 100 notes (éducateur)",
        "/quotidien/usagers/900000102/",
        "/quotidien/bench/fil/900000102/",
        EDUCATEUR,
    ),
    Page(
        "quotidien_fil_ancien",
        "Fil à plus de 10 000 notes : la page d'il y a deux ans (curseur)",
        f"/quotidien/usagers/900000101/?apres={curseur_il_y_a(730)}",
        "/quotidien/bench/fil/900000101/",
        EDUCATEUR,
    ),
    Page(
        "quotidien_ma_journee",
        "« Ma journée » : 2 unités, agenda, relève, alertes (éducateur)",
        "/",
        "/quotidien/bench/ma-journee/",
        EDUCATEUR,
    ),
    Page(
        "quotidien_api_chronologie",
        "API : fil d'une personne à plus de 10 000 notes (éducateur)",
        "/api/quotidien/usagers/900000101/chronologie/",
        "/quotidien/bench/fil/900000101/",
        EDUCATEUR,
    ),
)
