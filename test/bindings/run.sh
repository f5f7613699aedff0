#!/usr/bin/env bash
# Proves the bindings instead of assuming them: the Python wheel, the Java jar and the Go module
# that `projen package-all` left in dist/ are used as a user would use them (a fresh virtualenv, a
# Maven project with its own local repository, a Go module that replaces this library's with
# dist/go), the consumer apps in python/, java/ and go/ synthesize the reference app, and every
# template must be byte-identical to what the TypeScript reference app (examples/) synthesizes.
# Python's API checks run under pytest.
#
# Everything is fetched from PyPI, Maven Central and the Go module proxy by this script, at the
# versions the repository records (python/requirements.txt, java/pom.xml, go/go.mod and go.sum);
# nothing is installed by hand. Downloads are kept in the machine's cache for the next run.
set -euo pipefail
# Node 20 is what this machine has; the jsii runtime says so once per process otherwise.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

root=$(cd "$(dirname "$0")/../.." && pwd)
work="$root/test/bindings/.work"
version=$(node -p "require('$root/package.json').version")
# Pinned to the aws-cdk-lib and constructs the TypeScript app runs, so templates can be compared.
cdk_version=$(node -p "require('aws-cdk-lib/package.json').version")
constructs_version=$(node -p "require('constructs/package.json').version")
mkdir -p "$work"
rm -rf "$work/out"

step() { printf '\n== %s\n' "$*"; }

step "Packages: the wheel and the jar hold the library, not what the repository's checks leave behind"
# Each embeds the npm package (test/package checks its contents, under 2 MB): 5 MB is far above it
# and far below the 42 MB they weighed when the package shipped cfn-lint's virtualenv.
for package in "$root/dist/python/cdk_multi_env-$version-py3-none-any.whl" "$root/dist/java/io/github/cdkmultienv/cdk-multi-env/$version/cdk-multi-env-$version.jar"; do
  size=$(stat -c %s "$package")
  echo "$(basename "$package"): $size bytes"
  [ "$size" -lt 5000000 ] || { echo "FAIL $(basename "$package") is $size bytes, 5 MB or more"; exit 1; }
done

# The feature flags of examples/cdk.json, given to the Python, Java and Go apps as the CDK CLI gives an
# app its cdk.json context (examples/main.ts reads them itself): all four synthesize with the same flags.
CDK_CONTEXT_JSON=$(node -p "JSON.stringify(require('$root/examples/cdk.json').context)")
export CDK_CONTEXT_JSON

# The four apps build and synthesize side by side (each mostly one process: both cores are used), each
# logging into $work/<language>.log, which is printed once all have ended, in this order.
typescript_app() {
  step "TypeScript: synthesize the reference app"
  CDK_OUTDIR="$work/out/typescript" npx ts-node --transpile-only --project "$root/tsconfig.dev.json" "$root/examples/main.ts" > /dev/null
}

python_app() {
  step "Python: install dist/python/cdk_multi_env-$version wheel into a virtualenv"
  # Every other package at the version python/requirements.txt records (npx projen upgrade:newest writes it).
  local requirements="$root/test/bindings/python/requirements.txt" pin venv
  for pin in "aws-cdk-lib==$cdk_version" "constructs==$constructs_version"; do
    grep -qx "$pin" "$requirements" || { echo "test/bindings/python/requirements.txt does not pin $pin: run npx projen upgrade:newest"; return 1; }
  done
  venv=$(bash "$root/scripts/python-env.sh" "$requirements")
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
    "$root/dist/python/cdk_multi_env-$version-py3-none-any.whl"
  step "Python: API checks"
  (cd "$root/test/bindings/python" && "$venv/bin/python" -m pytest -q -p no:cacheprovider test_tiers.py test_environment.py test_cost.py)
  step "Python: synthesize the reference app"
  CDK_OUTDIR="$work/out/python" "$venv/bin/python" "$root/test/bindings/python/app.py"
}

java_app() {
  step "Java: build against dist/java (cdk-multi-env $version) and synthesize the reference app"
  # A local repository of its own, kept in the machine's cache so that other clones reuse what Maven
  # downloaded; no stale copy of this library from an earlier build is ever used.
  local m2="${XDG_CACHE_HOME:-$HOME/.cache}/cdk-multi-env/m2"
  rm -rf "$m2/io/github/cdkmultienv"
  # From its own folder, as a user runs a Maven project (the app finds examples/functions from there).
  cd "$root/test/bindings/java"
  CDK_OUTDIR="$work/out/java" mvn --batch-mode --quiet \
    -Dmaven.repo.local="$m2" -Dcdkmultienv.version="$version" \
    -Dcdk.version="$cdk_version" -Dconstructs.version="$constructs_version" \
    compile exec:java
}

go_app() {
  step "Go: build against dist/go/cdkmultienv (cdk-multi-env $version) and synthesize the reference app"
  [ "$(cat "$root/dist/go/cdkmultienv/version")" = "$version" ] \
    || { echo "dist/go/cdkmultienv is not cdk-multi-env $version: run npx projen package:go"; return 1; }
  # From its own folder, as a user builds a Go module (the app finds examples/functions from there).
  cd "$root/test/bindings/go"
  # -mod=mod: should dist/go ask for other modules after a release, go.mod and go.sum follow (commit them).
  selected() { go list -mod=mod -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$1"; }
  # Go has no version flags: go.mod pins aws-cdk-go and constructs-go, which must be what TypeScript runs.
  [ "$(selected github.com/aws/aws-cdk-go/awscdk/v2)" = "v$cdk_version" ] \
    && [ "$(selected github.com/aws/constructs-go/constructs/v10)" = "v$constructs_version" ] \
    || { echo "test/bindings/go/go.mod does not pin aws-cdk-lib $cdk_version and constructs $constructs_version"; return 1; }
  go build -mod=mod -o "$work/go/reference-app" .
  CDK_OUTDIR="$work/out/go" "$work/go/reference-app"
}

languages=(typescript python java go)
pids=()
for lang in "${languages[@]}"; do
  ( set -euo pipefail; "${lang}_app" ) > "$work/$lang.log" 2>&1 &
  pids+=($!)
done
apps_failed=()
for i in "${!languages[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  cat "$work/${languages[$i]}.log"
  [ "$status" -eq 0 ] || { echo "FAIL the ${languages[$i]} app (exit $status)"; apps_failed+=("${languages[$i]}"); }
done
[ "${#apps_failed[@]}" -eq 0 ] || { echo "bindings: the ${apps_failed[*]} app(s) failed"; exit 1; }

step "Compare every template with TypeScript's"
passed=0
failed=0
# Every template, nested stage assemblies (assembly-*/) included, by its path in the assembly.
list_templates() { (cd "$1" && find . -name '*.template.json' | sort); }
templates=$(list_templates "$work/out/typescript")
[ -n "$templates" ] || { echo "the TypeScript app synthesized no template"; exit 1; }
for lang in python java go; do
  other=$(list_templates "$work/out/$lang")
  if [ "$other" != "$templates" ]; then
    echo "FAIL $lang synthesized other stacks:"; diff <(echo "$templates") <(echo "$other") || true
    failed=$((failed + 1))
  fi
  for t in $templates; do
    if cmp -s "$work/out/typescript/$t" "$work/out/$lang/$t"; then
      echo "ok   $lang $t"
      passed=$((passed + 1))
    else
      echo "FAIL $lang $t differs from TypeScript's:"
      diff "$work/out/typescript/$t" "$work/out/$lang/$t" | head -n 40 || true
      failed=$((failed + 1))
    fi
  done
done
echo
echo "bindings: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
