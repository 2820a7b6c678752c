"""Access to the offline validation kit (../shared/validate) for the test peers."""

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VALIDATE_DIR = Path(os.getenv("DUI_VALIDATE_DIR", str(ROOT.parent / "shared" / "validate")))
KIT_HOME = Path(os.getenv("DUI_VALIDATE_HOME", str(Path.home() / ".cache" / "dui-validate")))
KIT_PYTHON = KIT_HOME / "venv" / "bin" / "python"
EXAMPLE_N1 = (
    VALIDATE_DIR.parent / "reference" / "cda" / "examples" / "DOC_NON_STRUCTURE_CDA-R2-N1.xml"
)


def kit_installe() -> bool:
    return (VALIDATE_DIR / "validate").exists() and KIT_PYTHON.exists()


@dataclass(frozen=True)
class Verdict:
    errors: int
    lines: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.errors == 0


def valider_cli(kind: str, files: list[str]) -> Verdict:
    """The kit's command line itself (`validate xds|xdm|cda FILE...`)."""
    result = subprocess.run(
        [str(VALIDATE_DIR / "validate"), kind, *files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = tuple(result.stdout.splitlines())
    errors = sum(1 for line in lines if line.startswith("ERROR"))
    if result.returncode == 2:
        errors += 1
        lines += (result.stderr,)
    return Verdict(errors, lines)


class ValidateurChaud:
    """One long-lived process of the kit's Python running the kit's code (kit_server.py)."""

    def __init__(self) -> None:
        env = {**os.environ, "DUI_VALIDATE_DIR": str(VALIDATE_DIR), "PYTHONDONTWRITEBYTECODE": "1"}
        self._process = subprocess.Popen(
            [str(KIT_PYTHON), str(Path(__file__).with_name("kit_server.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._lock = threading.Lock()

    def valider(self, kind: str, files: list[str]) -> Verdict:
        assert self._process.stdin is not None and self._process.stdout is not None
        with self._lock:
            self._process.stdin.write(json.dumps({"kind": kind, "files": files}) + "\n")
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline())
        return Verdict(answer["errors"], tuple(answer["lines"]))

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
