"""Regenerates the selector goldens with az 2.91.0's own `SubscriptionSelector` and tabulate.

Run in a virtual environment with `azure-cli==2.91.0` installed (no `wcwidth`, as in az's own
environment):

    python tests/golden/selector/generate.py

For each case of `cases.json` it builds az's subscription dicts, sets the theme az would set
(`format_styled_text.theme`), answers the prompt with the case's answers, and writes
`<case>.stdout.txt` (everything az prints on stdout), `<case>.stderr.txt` (its warnings, in
knack's plain `WARNING: ` form) and, in `selected.json`, the id each case ends with.
"""

import contextlib
import io
import json
import logging
import os

from azure.cli.command_modules.profile import _subscription_selector as selector_module
from azure.cli.core.style import format_styled_text

HERE = os.path.dirname(os.path.abspath(__file__))


class _PlainWarnings(logging.Handler):
    def __init__(self, sink):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record):
        self.sink.write(f"WARNING: {record.getMessage()}\n")


def run_case(case):
    subscriptions = []
    for entry in case["entries"]:
        sub = {"id": entry["id"], "name": entry["name"], "tenantId": entry["tenantId"],
               "isDefault": entry["id"] == case["default"]}
        if "tenantDisplayName" in entry:
            sub["tenantDisplayName"] = entry["tenantDisplayName"]
        subscriptions.append(sub)
    format_styled_text.theme = case["theme"]
    answers = iter(case["answers"])
    out, err = io.StringIO(), io.StringIO()

    def prompt(msg, help_string=None):  # knack's prompt: input(msg) writes msg to stdout
        print(msg, end="")
        return next(answers)

    logger = logging.getLogger(selector_module.logger.name)
    handler = _PlainWarnings(err)
    logger.addHandler(handler)
    logger.propagate = False
    import knack.prompting
    original = knack.prompting.prompt
    knack.prompting.prompt = prompt
    try:
        with contextlib.redirect_stdout(out):
            selected = selector_module.SubscriptionSelector(subscriptions)()
    finally:
        knack.prompting.prompt = original
        logger.removeHandler(handler)
    return out.getvalue(), err.getvalue(), selected["id"]


def main():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    chosen = {}
    for case in cases:
        stdout, stderr, chosen[case["name"]] = run_case(case)
        for suffix, text in (("stdout", stdout), ("stderr", stderr)):
            path = os.path.join(HERE, f"{case['name']}.{suffix}.txt")
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
    with open(os.path.join(HERE, "selected.json"), "w", encoding="utf-8") as f:
        json.dump(chosen, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
