#!/usr/bin/env python3
"""Converts a blind writer's JSON lines to the corpus textproto format:

  tests/lint/blind/jsonl_to_textproto.py 4 tests/lint/blind/batch4/corpus.jsonl \\
    > tests/lint/blind/blind_corpus4.textproto

Each line gives phase, severity, label, text, next_update_at and
third_party_confirmed, and (batch 5 on) state_after. Where a writer gave no
state (batch 4), the state after the post is derived mechanically from the
phase: first: investigating; resolution and postmortem: resolved; update:
monitoring when the text says it is being monitored, identified when it says
a cause or fix is identified, else investigating."""
import json
import sys

PHASE = {"first": "LINT_PHASE_FIRST", "update": "LINT_PHASE_UPDATE",
         "resolution": "LINT_PHASE_RESOLUTION", "postmortem": "LINT_PHASE_POSTMORTEM"}
SEV = {"SEV-1": "SEVERITY_SEV1", "SEV-2": "SEVERITY_SEV2", "SEV-3": "SEVERITY_SEV3"}
STATES = {"investigating": "INCIDENT_STATE_INVESTIGATING",
          "identified": "INCIDENT_STATE_IDENTIFIED",
          "monitoring": "INCIDENT_STATE_MONITORING", "resolved": "INCIDENT_STATE_RESOLVED"}
ORDINAL = {4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh"}


def state(c):
    if c.get("state_after"):
        return STATES[c["state_after"]]
    p, t = c["phase"], c["text"].lower()
    if p == "first":
        return STATES["investigating"]
    if p in ("resolution", "postmortem"):
        return STATES["resolved"]
    if "monitor" in t:
        return STATES["monitoring"]
    if "identified" in t or "cause" in t or "fix" in t:
        return STATES["identified"]
    return STATES["investigating"]


def q(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    batch, path = int(sys.argv[1]), sys.argv[2]
    cases = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    given = all(c.get("state_after") for c in cases)
    out = ["# Blind corpus, %s batch (b%d-)." % (ORDINAL[batch], batch),
           "# Written only from the mission text by a writer who never saw the linter, its",
           "# rules or the other batches; converted from the writer's JSON lines by",
           "# jsonl_to_textproto.py from batch%d/corpus.jsonl (%s)." %
           (batch, "the writer gave the state after each post" if given
            else "state_after derived from the phase, see there"), ""]
    for c in cases:
        out.append("cases {")
        out.append(f"  name: {q(c['id'])}")
        out.append(f"  phase: {PHASE[c['phase']]}")
        out.append(f"  severity: {SEV[c['severity']]}")
        out.append(f"  state_after: {state(c)}")
        out.append(f"  message: {q(c['text'])}")
        if c.get("next_update_at"):
            out.append(f"  next_update_at: {q(c['next_update_at'])}")
        if c.get("third_party_confirmed"):
            out.append("  third_party_confirmed: true")
        out.append(f"  label: {q(c['label'])}")
        out.append(f"  note: {q(c['note'])}")
        out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
