"""`content check`: validate every file, print problems or a summary."""
from __future__ import annotations

import sys

from . import load_from_config
from .loader import ContentInvalid
from .readability import report


def run_check(config: dict, reading: bool = True, out=None, only_topics=()) -> int:
    out = out or sys.stdout
    try:
        content = load_from_config(config, only_topics)
    except ContentInvalid as exc:
        for problem in exc.problems:
            print(problem, file=out)
        print(f"{len(exc.problems)} problem(s) found.", file=out)
        return 1
    from .lints import run as run_lints

    lints = run_lints(content)
    print("Lints: answer-length cue (L3) and 4-7 sentence length (L1) by module", file=out)
    print(lints.table, file=out)
    for problem in lints.problems:
        print(problem, file=out)
    status = 1 if lints.problems else 0
    if reading:
        rows, table = report(content)
        print(table, file=out)
        hard = [r for r in rows if not r.ok]
        for r in hard:
            module = content.modules[r.module_id]
            where = f"lessons/{module.topic.id}/{module.band}.yaml + question_banks/{module.topic.id}/{module.band}.yaml"
            print(f"{where}: module {r.module_id} reads above its band ({r.limit})", file=out)
        status = 1 if hard else status
    print(("OK: " if status == 0 else "FAILED: ") + content.summary(), file=out)
    return status
