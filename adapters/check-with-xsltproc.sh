#!/usr/bin/env bash
# check-with-xsltproc.sh: a developer convenience for adapter maintainers, NOT part of the test
# suite and not used by the broker. The real checks are the C++ test suite (it discovers every
# adapters/*/fixtures case and runs it through the broker's own libxslt engine and policy) and
# `ozgbus adapt --adapter NAME FILE`. This script gives the same answers without a build, using
# the command-line tools of libxml2/libxslt and python3 (for TOML):
#
#   apt-get install -y xsltproc libxml2-utils      # xsltproc, xmllint, xmlcatalog
#   adapters/check-with-xsltproc.sh [ADAPTER...]   # default: every folder with an adapter.toml
#
# For each adapter it checks:
#   - adapter.toml: name = folder, keys and types, stylesheet files exist, pass-through mappings
#     keep namespace and type, no mapping twice, every output namespace has a schema in
#     xsd/catalog.xml;
#   - every stylesheet: XSLT 1.0, no xsl:import/xsl:include/document()/extensions;
#   - every fixtures/<case>.in.xml: it validates against its input schema; its mapping is found
#     by (root namespace, nachrichtentyp code) as the broker does; then
#       <case>.out.xml   : `xsltproc --nonet --novalid --stringparam <parameters>` gives the same
#                          document (compared after dropping blank text, canonical XML), and
#                          .out.xml validates against the output schema, has the output namespace,
#                          type and root suffix, and carries no ds:Signature;
#       <case>.error.txt : the stylesheet terminates and its message contains the file's text;
#   - every mapping with a stylesheet has at least one .out.xml fixture.
# Exit status 0 only when everything passes.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
catalog="$repo/xsd/catalog.xml"
export XML_CATALOG_FILES="$catalog"
for tool in xsltproc xmllint xmlcatalog python3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install -y xsltproc libxml2-utils python3)"; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
fail() { echo "  FAIL $*"; failures=$((failures + 1)); }
pass() { echo "  ok   $*"; passes=$((passes + 1)); }

schema_for() {  # namespace -> entry schema path (through the catalog's uri entries), or nothing
  local s
  s=$(xmlcatalog "$catalog" "$1" 2>/dev/null | tail -n 1)
  s=${s#file://}
  [ -f "$s" ] && echo "$s"
}
validate() {  # schema file -> "" or the error text
  xmllint --nonet --noout --schema "$1" "$2" 2>&1 | grep -v ' validates$'
}
canon() { xmllint --nonet --noblanks --c14n "$1"; }

if [ $# -gt 0 ]; then adapters=("$@"); else
  adapters=(); for d in "$here"/*/; do [ -f "$d/adapter.toml" ] && adapters+=("$(basename "$d")"); done
fi

for name in "${adapters[@]}"; do
  dir="$here/$name"
  echo "== $name"
  # adapter.toml -> shell variables (python3 tomllib; errors end up as check failures)
  if ! python3 - "$dir" > "$tmp/manifest.sh" 2> "$tmp/manifest.err" <<'PY'
import os, shlex, sys, tomllib
d = sys.argv[1]
with open(os.path.join(d, "adapter.toml"), "rb") as f:
    m = tomllib.load(f)
errors = []
def q(v): return shlex.quote(str(v))
allowed_top = {"name", "description", "ars_prefixes", "pass_through_unmapped", "mappings"}
for k in m:
    if k not in allowed_top: errors.append(f"unknown key {k}")
if m.get("name") != os.path.basename(d.rstrip("/")): errors.append("name must equal the folder name")
if not isinstance(m.get("description"), str): errors.append("description missing")
ap = m.get("ars_prefixes")
if not isinstance(ap, list) or not ap or not all(isinstance(p, str) and p.isdigit() or p == "" for p in ap):
    errors.append("ars_prefixes must be a non-empty list of digit strings")
if not isinstance(m.get("pass_through_unmapped"), bool): errors.append("pass_through_unmapped must be true or false")
maps = m.get("mappings", [])
seen = set()
print(f"nmap={len(maps)}")
for i, mp in enumerate(maps):
    for k in mp:
        if k not in {"input", "message_type", "output", "output_type", "stylesheet", "parameters"}:
            errors.append(f"mapping {i}: unknown key {k}")
    for k in ("input", "message_type", "output", "output_type"):
        if not isinstance(mp.get(k), str) or not mp.get(k): errors.append(f"mapping {i}: {k} missing")
    key = (mp.get("input"), mp.get("message_type"))
    if key in seen: errors.append(f"mapping {i}: {key} mapped twice")
    seen.add(key)
    xsl = mp.get("stylesheet", "")
    if xsl:
        if os.path.isabs(xsl) or ".." in xsl.split("/") or not os.path.isfile(os.path.join(d, xsl)):
            errors.append(f"mapping {i}: stylesheet {xsl} is not a file in the adapter folder")
    elif (mp.get("output"), mp.get("output_type")) != key:
        errors.append(f"mapping {i}: pass-through (no stylesheet) must keep namespace and type")
    params = mp.get("parameters", {})
    args = []
    for pk, pv in params.items():
        if not isinstance(pv, str): errors.append(f"mapping {i}: parameter {pk} must be a string")
        if not xsl: errors.append(f"mapping {i}: parameters without a stylesheet")
        args += ["--stringparam", pk, str(pv)]
    print(f"map_in[{i}]={q(mp.get('input'))} map_type[{i}]={q(mp.get('message_type'))} "
          f"map_out[{i}]={q(mp.get('output'))} map_otype[{i}]={q(mp.get('output_type'))} "
          f"map_xsl[{i}]={q(xsl)} map_args[{i}]={q(' '.join(shlex.quote(a) for a in args))}")
for e in errors: print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
  then
    fail "adapter.toml: $(tr '\n' ';' < "$tmp/manifest.err")"
    [ -s "$tmp/manifest.sh" ] || continue
  else
    pass "adapter.toml"
  fi
  nmap=0; map_in=(); map_type=(); map_out=(); map_otype=(); map_xsl=(); map_args=()
  # shellcheck disable=SC1091
  . "$tmp/manifest.sh"

  declare -A xsl_seen=() covered=()
  for ((i = 0; i < nmap; i++)); do
    [ -n "$(schema_for "${map_out[$i]}")" ] || fail "mapping $i: no schema for output ${map_out[$i]} in xsd/catalog.xml"
    x=${map_xsl[$i]}
    [ -z "$x" ] && continue
    [ -n "${xsl_seen[$x]:-}" ] && continue
    xsl_seen[$x]=1
    problems=""
    grep -q '<xsl:stylesheet[^>]*version="1.0"' "$dir/$x" || grep -q '<xsl:transform[^>]*version="1.0"' "$dir/$x" \
      || problems+=" not version 1.0;"
    grep -Eq '<xsl:(import|include)\b' "$dir/$x" && problems+=" xsl:import/include;"
    grep -Eq '(^|[^-])document\(' "$dir/$x" && problems+=" document();"
    grep -Eq 'extension-element-prefixes|http://exslt\.org|saxon|msxsl|xalan|xsl:result-document' "$dir/$x" \
      && problems+=" extension namespace;"
    xmllint --noout "$dir/$x" 2>/dev/null || problems+=" not well-formed;"
    if [ -n "$problems" ]; then fail "$x:$problems"; else pass "$x (XSLT 1.0, self-contained)"; fi
  done

  shopt -s nullglob
  for in in "$dir"/fixtures/*.in.xml; do
    case_=${in%.in.xml}; cname=$(basename "$case_")
    ns=$(xmllint --nonet --xpath 'namespace-uri(/*)' "$in" 2>/dev/null)
    code=$(xmllint --nonet --xpath 'normalize-space(/*/nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code)' "$in" 2>/dev/null)
    m=-1
    for ((i = 0; i < nmap; i++)); do
      [ "${map_in[$i]}" = "$ns" ] && [ "${map_type[$i]}" = "$code" ] && m=$i
    done
    if [ $m -lt 0 ]; then fail "$cname: no mapping for ($ns, $code)"; continue; fi
    ins=$(schema_for "$ns")
    if [ -z "$ins" ]; then fail "$cname: no schema for input $ns"
    else
      err=$(validate "$ins" "$in")
      if [ -n "$err" ]; then
        if grep -q 'xmldsig' "$in"; then fail "$cname: input (with ds:Signature) does not validate: $err"
        else fail "$cname: input does not validate: $err"; fi
      fi
    fi
    x=${map_xsl[$m]}
    if [ -z "$x" ]; then  # pass-through: the expected output is the input itself
      [ -f "$case_.out.xml" ] && { [ "$(canon "$in")" = "$(canon "$case_.out.xml")" ] \
        && pass "$cname (pass-through)" || fail "$cname: pass-through .out.xml differs from .in.xml"; }
      continue
    fi
    eval "args=( ${map_args[$m]} )"
    xsltproc --nonet --novalid "${args[@]}" "$dir/$x" "$in" > "$tmp/out.xml" 2> "$tmp/err.txt"
    rc=$?
    if [ -f "$case_.error.txt" ]; then
      want=$(tr -d '\n' < "$case_.error.txt")
      if [ $rc -eq 0 ]; then fail "$cname: expected the stylesheet to refuse, but it produced output"
      elif ! grep -qF -- "$want" "$tmp/err.txt"; then fail "$cname: error text differs: $(tr '\n' ' ' < "$tmp/err.txt")"
      else pass "$cname -> refused: $(head -n 1 "$tmp/err.txt")"; fi
      continue
    fi
    if [ $rc -ne 0 ]; then fail "$cname: xsltproc failed: $(tr '\n' ' ' < "$tmp/err.txt")"; continue; fi
    if [ ! -f "$case_.out.xml" ]; then fail "$cname: neither .out.xml nor .error.txt"; continue; fi
    problems=""
    [ "$(canon "$tmp/out.xml")" = "$(canon "$case_.out.xml")" ] || problems+=" output differs from .out.xml;"
    ons=$(xmllint --nonet --xpath 'namespace-uri(/*)' "$case_.out.xml" 2>/dev/null)
    ocode=$(xmllint --nonet --xpath 'normalize-space(/*/nachrichtenkopf.g2g/identifikation.nachricht/nachrichtentyp/code)' "$case_.out.xml" 2>/dev/null)
    oroot=$(xmllint --nonet --xpath 'local-name(/*)' "$case_.out.xml" 2>/dev/null)
    [ "$ons" = "${map_out[$m]}" ] || problems+=" output namespace $ons, manifest says ${map_out[$m]};"
    [ "$ocode" = "${map_otype[$m]}" ] || problems+=" output type $ocode, manifest says ${map_otype[$m]};"
    [ "${oroot##*.}" = "$ocode" ] || problems+=" root $oroot does not end in .$ocode;"
    grep -q 'http://www.w3.org/2000/09/xmldsig#' "$tmp/out.xml" && problems+=" ds:Signature (or its namespace) in the output;"
    outs=$(schema_for "$ons")
    if [ -z "$outs" ]; then problems+=" no schema for $ons;"
    else err=$(validate "$outs" "$case_.out.xml"); [ -n "$err" ] && problems+=" .out.xml invalid: $err;"; fi
    if [ -n "$problems" ]; then
      fail "$cname:$problems"
      [[ $problems == *differs* ]] && diff <(canon "$case_.out.xml" | sed 's/></>\n</g') \
                                           <(canon "$tmp/out.xml" | sed 's/></>\n</g') | head -n 20
    else
      covered[$m]=1
      sig=""; grep -q 'xmldsig' "$in" && sig=", ds:Signature dropped"
      pass "$cname -> ${map_out[$m]} ${map_otype[$m]} (matches .out.xml, valid$sig)"
    fi
  done
  for ((i = 0; i < nmap; i++)); do
    [ -n "${map_xsl[$i]}" ] && [ -z "${covered[$i]:-}" ] \
      && fail "mapping ${map_in[$i]} ${map_type[$i]} (${map_xsl[$i]}) has no fixture"
  done
  unset xsl_seen covered
done
echo "== $passes passed, $failures failed"
[ $failures -eq 0 ]
