"""The offline validation kit (../shared/validate), called on files in tmp_path.

One call per payload kind with every file at once: the kit takes seconds to start."""

import subprocess
from pathlib import Path

KIT = Path(__file__).resolve().parents[2] / ".." / "shared" / "validate" / "validate"


def validate(kind: str, files: list[Path]) -> str:
    """Run the kit; fail with its report unless it says 0 errors."""
    assert KIT.exists(), f"kit de validation introuvable : {KIT}"
    result = subprocess.run(
        [str(KIT), kind, *map(str, files)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode != 2, f"kit non installé ou mal appelé : {result.stderr}"
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert result.returncode == 0 and not errors, "\n".join(errors[:40]) or result.stdout[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("0 errors"), summary
    return summary
