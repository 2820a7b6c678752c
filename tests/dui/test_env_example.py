"""`.env.example` lists every variable the product reads from the environment."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dui", "securite", "usagers", "interop")
# envint("X", …), envbool("X", …), envsecret("X"), os.getenv("X", …), os.environ.get("X"…)
READ = re.compile(
    r"""(?:env(?:int|bool|secret)|os\.getenv|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)\""""
)
# Set by the process itself or by the test/bench harness, not by an operator.
NOT_OPERATOR = {"DJANGO_SETTINGS_MODULE"}


def _variables_read() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found |= set(READ.findall(path.read_text(encoding="utf-8")))
    return found - NOT_OPERATOR


def test_every_variable_the_code_reads_is_in_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", example))
    listed |= {name.removesuffix("_FILE") for name in listed}  # envsecret: X or X_FILE
    variables = _variables_read()
    assert len(variables) > 40  # the scan itself works
    assert sorted(variables - listed) == []
