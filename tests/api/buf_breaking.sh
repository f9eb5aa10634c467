#!/usr/bin/env bash
# tests/api/buf_breaking.sh SOURCE_DIR: buf breaking on SOURCE_DIR/proto (the
# working tree, uncommitted edits included) against the protos of a baseline
# commit, with the rules in proto/buf.yaml (WIRE_JSON: what clients of a
# running server depend on). Exit 0 when compatible; otherwise buf's findings
# and exit 1.
#
# The baseline:
#   - $STATUSCAST_BUF_AGAINST when set (any git revision);
#   - on a branch that left main, the commit where it left (git merge-base
#     HEAD main), so every commit of the branch is checked, not only the last;
#   - otherwise (on main itself, as in CI's fresh clone) the previous commit.
# Its proto/ comes out with `git archive`, which works in a fresh clone and in
# a worktree alike. A missing tool or missing history fails with the reason.
#
# tests/api/buf_breaking.sh --self-test SOURCE_DIR: proves the rules bite, by
# removing a field from a copy of proto/ and expecting buf to report it.
set -euo pipefail

self_test=false
if [ "${1:-}" = --self-test ]; then
  self_test=true
  shift
fi
src="$(cd "${1:?usage: buf_breaking.sh [--self-test] SOURCE_DIR}" && pwd)"
buf="$src/tests/api/node_modules/.bin/buf"
fail() { echo "buf_breaking: $*" >&2; exit 1; }

[ -x "$buf" ] || fail "$buf is missing: run npm ci in tests/api (scripts/test does; needs npm)"
command -v git >/dev/null || fail "git is not installed"
work="$(mktemp -d /tmp/statuscast-buf-breaking.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if $self_test; then
  cp -r "$src/proto" "$work/changed"
  # Drop `string incident_ref = 1;` from GetIncidentRequest, as a careless
  # edit would.
  sed -i '/^message GetIncidentRequest {/,/^}/{/incident_ref = 1;/d}' \
    "$work/changed/statuscast/v1/incident.proto"
  cmp -s "$src/proto/statuscast/v1/incident.proto" "$work/changed/statuscast/v1/incident.proto" \
    && fail "self-test: could not remove the field (did GetIncidentRequest change?)"
  if out="$("$buf" breaking "$work/changed" --against "$src/proto" 2>&1)"; then
    fail "self-test: buf breaking accepted a removed field; check proto/buf.yaml's breaking rules"
  fi
  echo "$out"
  grep -q 'Previously present field "1" with name "incident_ref" on message "GetIncidentRequest" was deleted' <<<"$out" \
    || fail "self-test: buf breaking failed, but not on the removed field (above)"
  echo "buf_breaking self-test: a removed field is reported"
  exit 0
fi

git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || fail "$src is not a git checkout"
describe() { git -C "$src" log -1 --format='%h %s' "$1"; }
if [ -n "${STATUSCAST_BUF_AGAINST:-}" ]; then
  base="$(git -C "$src" rev-parse --verify -q "$STATUSCAST_BUF_AGAINST^{commit}")" \
    || fail "STATUSCAST_BUF_AGAINST=$STATUSCAST_BUF_AGAINST is not a commit here"
  why="STATUSCAST_BUF_AGAINST"
else
  head="$(git -C "$src" rev-parse HEAD)"
  main=""
  for ref in main origin/main; do
    main="$(git -C "$src" rev-parse --verify -q "$ref^{commit}")" && break
  done
  base=""
  if [ -n "$main" ]; then
    fork="$(git -C "$src" merge-base HEAD "$main" || true)"
    if [ -n "$fork" ] && [ "$fork" != "$head" ]; then
      base="$fork"
      why="where this branch left main"
    fi
  fi
  if [ -z "$base" ]; then
    if base="$(git -C "$src" rev-parse --verify -q 'HEAD~1^{commit}')"; then
      why="the previous commit"
    elif [ "$(git -C "$src" rev-parse --is-shallow-repository)" = true ]; then
      fail "a shallow clone without the previous commit: git fetch --deepen=1 (or clone without --depth)"
    else
      echo "buf_breaking: HEAD is the first commit; no earlier API to be compatible with"
      exit 0
    fi
  fi
fi

if ! git -C "$src" cat-file -e "$base:proto" 2>/dev/null; then
  echo "buf_breaking: $(describe "$base") has no proto/; nothing to be compatible with"
  exit 0
fi
mkdir -p "$work/against"
git -C "$src" archive "$base" proto | tar -x -C "$work/against"
echo "buf_breaking: proto/ against $why: $(describe "$base")"
(cd "$src" && "$buf" breaking proto --against "$work/against/proto") \
  || fail "proto/ breaks wire or JSON compatibility with $(describe "$base") (findings above)"
echo "buf_breaking: no breaking change"
