#!/usr/bin/env python3
"""Converts the writer's corpus.jsonl to the corpus textproto format:

  tests/lint/blind/batch4/to_textproto.py tests/lint/blind/batch4/corpus.jsonl \
    > tests/lint/blind/blind_corpus4.textproto


The writer gave phase, severity, label, text, next_update_at and
third_party_confirmed; the state after the post is derived mechanically
from the phase (first: investigating; resolution and postmortem: resolved;
update: monitoring when the text says it is being monitored, identified when
it says a cause or fix is identified, else investigating)."""
import json, sys

PHASE = {"first": "LINT_PHASE_FIRST", "update": "LINT_PHASE_UPDATE",
         "resolution": "LINT_PHASE_RESOLUTION", "postmortem": "LINT_PHASE_POSTMORTEM"}
SEV = {"SEV-1": "SEVERITY_SEV1", "SEV-2": "SEVERITY_SEV2", "SEV-3": "SEVERITY_SEV3"}

def state(c):
    p, t = c["phase"], c["text"].lower()
    if p == "first":
        return "INCIDENT_STATE_INVESTIGATING"
    if p in ("resolution", "postmortem"):
        return "INCIDENT_STATE_RESOLVED"
    if "monitor" in t:
        return "INCIDENT_STATE_MONITORING"
    if "identified" in t or "cause" in t or "fix" in t:
        return "INCIDENT_STATE_IDENTIFIED"
    return "INCIDENT_STATE_INVESTIGATING"

def q(s):
    return json.dumps(s, ensure_ascii=False)

out = ["# Blind corpus, fourth batch (b4-).",
       "# Written only from the mission text by a writer who never saw the linter, its",
       "# rules or the other batches; converted from the writer's JSON lines by",
       "# batch4/to_textproto.py from batch4/corpus.jsonl (state_after derived from the",
       "# phase, see there).", ""]
for line in open(sys.argv[1]):
    c = json.loads(line)
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
