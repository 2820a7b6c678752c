"""Throughput of the payload builders, one core, no database: documents per second.

    .venv/bin/python bench/builders.py          # prints and merges into docs/benchmarks.json

Targets (issue 7): N1 CDA with PDF >= 20/s, HL7 v2 messages >= 500/s, TDDUI bundles of a
person with five years of data >= 100/s. Records have the shape of bench/run.py's (name,
p50/p95/p99 in ms per document, rps = documents per second, queries = 0) plus `target_rps`.
`measure(date)` is what bench/run.py can call to add these records to its own.
"""

import base64
import dataclasses
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interop.builders import cda, fhir, hl7v2  # noqa: E402
from interop.builders.data import MessageData  # noqa: E402
from tests.interop import personas as P  # noqa: E402

JSON_PATH = ROOT / "docs" / "benchmarks.json"
N1_EXAMPLE = (
    ROOT / ".." / "shared" / "reference" / "cda" / "examples" / "DOC_NON_STRUCTURE_CDA-R2-N1.xml"
)


def _realistic_pdf() -> bytes:
    """The PDF of the ANS N1 example (a real two-page report), else a small generated one."""
    if N1_EXAMPLE.exists():
        text = N1_EXAMPLE.read_text(encoding="utf-8")
        start = text.index('representation="B64">') + len('representation="B64">')
        return base64.b64decode("".join(text[start : text.index("</text>", start)].split()))
    return P.pdf_minimal()


def _measure(name: str, target: float, build: Callable[[], object], seconds: float) -> dict:
    build()  # warm-up (imports, caches)
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(timings) < 20:
        start = time.perf_counter()
        build()
        timings.append(time.perf_counter() - start)
    cuts = statistics.quantiles(timings, n=100)
    rps = len(timings) / sum(timings)
    return {
        "name": name,
        "p50_ms": round(statistics.median(timings) * 1000, 3),
        "p95_ms": round(cuts[94] * 1000, 3),
        "p99_ms": round(cuts[98] * 1000, 3),
        "rps": round(rps, 1),
        "target_rps": target,
        "queries": 0,
        "baseline_p95_ms": 0.0,
    }


def measure(date: str, seconds: float = 2.0) -> list[dict]:
    pdf = _realistic_pdf()
    patient = P.QUALIFIEE_INS
    sejour = P.sejour_of(patient)
    common = {
        "patient": patient,
        "auteur": P.MEDECIN,
        "responsable": P.MEDECIN,
        "structure": P.EHPAD,
        "sejour": sejour,
    }
    dossier = P.dossier(patient, annees=5)
    message = MessageData(
        identifiant="B1", date=dt.datetime(2026, 3, 2, 10, tzinfo=P.PARIS), mouvement="M1"
    )
    sortie = dataclasses.replace(sejour, date_sortie=dt.date(2026, 3, 1))
    cases = [
        (
            "builder:cda-n1-pdf",
            20.0,
            lambda: cda.cda_n1(document=P.document(), pdf=pdf, **common),
        ),
        (
            "builder:cda-dlu",
            20.0,
            lambda: cda.cda_dlu(document=P.document("74207-2"), dlu=P.DLU, **common),
        ),
        (
            "builder:fhir-tddui-5ans",
            100.0,
            lambda: json.dumps(fhir.fhir_tddui_bundle(dossier)),
        ),
        (
            "builder:hl7-a01",
            500.0,
            lambda: hl7v2.hl7_adt(
                "A01", patient=patient, structure=P.EHPAD, message=message, sejour=sejour
            ),
        ),
        (
            "builder:hl7-a03",
            500.0,
            lambda: hl7v2.hl7_adt(
                "A03", patient=patient, structure=P.EHPAD, message=message, sejour=sortie
            ),
        ),
    ]
    records = []
    for name, target, build in cases:
        record = _measure(name, target, build, seconds)
        record["dataset"] = (
            f"personas de tests/interop ; PDF de {len(pdf) // 1024} Kio ; bundle de "
            f"{len(fhir.fhir_tddui_bundle(dossier)['entry'])} ressources (5 ans)"
        )
        record["date"] = date
        records.append(record)
    return records


def main() -> int:
    date = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    records = measure(date)
    failed = False
    for record in records:
        ok = record["rps"] >= record["target_rps"]
        failed |= not ok
        print(
            f"{record['name']}: {record['rps']:.0f}/s par cœur (cible {record['target_rps']:.0f}), "
            f"p50 {record['p50_ms']:.2f} ms, p95 {record['p95_ms']:.2f} ms"
            + ("" if ok else "  SOUS LA CIBLE")
        )
    existing = json.loads(JSON_PATH.read_text(encoding="utf-8")) if JSON_PATH.exists() else []
    merged = {
        record["name"]: record for record in existing if not record["name"].startswith("builder:")
    }
    merged.update({record["name"]: record for record in records})
    JSON_PATH.parent.mkdir(exist_ok=True)
    JSON_PATH.write_text(
        json.dumps(list(merged.values()), indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
