"""The validation kit kept warm: run by the kit's own Python, it answers requests from the
test peers with the kit's CLI code (shared/validate/lib/cli.py), keeping the compiled CDA
schematrons in memory between requests (a cold `validate cda` spends ~2 s compiling them).

Protocol: one JSON object per line on stdin {"kind": "cda|xds|xdm", "files": [...]}; one
JSON object per line on stdout {"errors": n, "warnings": n, "lines": [...]}.
"""

import argparse
import contextlib
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.environ["DUI_VALIDATE_DIR"], "lib"))
import cli

_warm = {}
_Original = cli.CdaValidator


def _cached(report, extra_sch=(), only_sch=None, phase=None):
    key = (tuple(extra_sch or ()), tuple(only_sch or ()), phase)
    if key not in _warm:
        _warm[key] = _Original(report, extra_sch=extra_sch, only_sch=only_sch, phase=phase)
    validator = _warm[key]
    validator.r = report
    return validator


cli.CdaValidator = _cached
COMMANDS = {"cda": cli.cmd_cda, "xds": cli.cmd_xds, "xdm": cli.cmd_xdm}


def main():
    real_stdout = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            report = cli.Report()
            args = argparse.Namespace(
                files=request["files"], schematron=None, only_schematron=None, phase=None
            )
            try:
                COMMANDS[request["kind"]](args, report)
            except Exception as exc:
                report.error("kit", f"{type(exc).__name__}: {exc}")
        answer = {
            "errors": report.errors,
            "warnings": report.warnings,
            "lines": buffer.getvalue().splitlines()[:50],
        }
        real_stdout.write(json.dumps(answer) + "\n")
        real_stdout.flush()


if __name__ == "__main__":
    main()
