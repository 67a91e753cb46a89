#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a while (15 s by default); fails on any
# crash, broken invariant, timeout or memory blow-up, printing the input that caused it.
#
#   scripts/fuzz.sh                          # every target, 15 s each (the test command's run)
#   scripts/fuzz.sh --seconds 3600 splitter  # a long run of one target
#
# Targets: splitter, htmlscan, updatedecoder, manifest, remotejson, matrixtransaction (each
# harness, Fuzz/<Target>/main.swift, says what it covers and checks; README.md, "Layout and tests", sums them up).
# Each one is compiled with `swiftc -sanitize=fuzzer` from its harness and exactly the files of
# Sources/ it tests, not the whole package, so the build takes seconds; the manifest target also
# compiles Yams and libyaml from .build/checkouts. Binaries and failing inputs go to .build/fuzz/.
# Runs start from the committed seeds in Fuzz/Corpus/<target>, copied to a temporary folder, with
# a fixed seed; nothing is written into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."

all_targets=(splitter htmlscan updatedecoder manifest remotejson matrixtransaction)
seconds=15
targets=()
while (($#)); do
    case "$1" in
        --seconds)
            [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds needs a positive number" >&2; exit 2; }
            seconds=$2
            shift 2
            ;;
        -h | --help)
            sed -n '2,/^[^#]/p' "$0" | sed -n 's/^# \{0,1\}//p'
            exit 0
            ;;
        *)
            [[ " ${all_targets[*]} " == *" $1 "* ]] || {
                echo "fuzz: unknown target '$1' (targets: ${all_targets[*]})" >&2
                exit 2
            }
            targets+=("$1")
            shift
            ;;
    esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")

out=.build/fuzz
mkdir -p "$out"
started=$SECONDS

# The package's own compiler settings, so the sources compile here as they do in the package.
swift_flags=(
    -sanitize=fuzzer -parse-as-library -g
    -enable-upcoming-feature ExistentialAny
    -enable-upcoming-feature MemberImportVisibility
    -enable-upcoming-feature InternalImportsByDefault
)
# clang and llvm-ar from the Swift toolchain, whose LLVM matches swiftc's and ships libFuzzer.
toolchain=$(dirname "$(command -v swiftc)")
tenant=Sources/Tenant
manifest=Sources/Host/Manifest
yams=.build/checkouts/Yams/Sources

# The files each target compiles: its harness, the shared support and the sources under test.
sources() {
    local files=(Fuzz/Support/*.swift)
    case "$1" in
        splitter)
            files+=(Fuzz/Splitter/*.swift "$tenant"/Delivery/{MessageSplitter*,HTMLScan,TelegramTextLength}.swift
                "$tenant/Model/OutgoingAction.swift")
            ;;
        htmlscan)
            files+=(Fuzz/HTMLScan/*.swift "$tenant"/Delivery/{HTMLScan,TelegramTextLength}.swift
                "$tenant/Model/OutgoingAction.swift")
            ;;
        updatedecoder)
            files+=(Fuzz/UpdateDecoder/*.swift
                "$tenant"/Telegram/{TelegramUpdateDecoder,TelegramUpdate,TelegramTypes,UpdateListSlicer}.swift
                "$tenant"/Model/*.swift "$tenant"/Platform/Platform.swift
                "$tenant"/Plugin/{ScheduledJob,BotDescriptor}.swift)
            ;;
        remotejson)
            files+=(Fuzz/RemoteJSON/*.swift Sources/Plugins/Remote/RemoteJSON{,Reader}.swift
                Tests/PluginsTests/Support/RemoteJSONOracle.swift)
            ;;
        matrixtransaction)
            files+=(Fuzz/MatrixTransaction/*.swift "$tenant/Matrix/MatrixEvent.swift")
            ;;
        manifest)
            files+=(Fuzz/Manifest/*.swift "$manifest"/Decoding/*.swift "$manifest/ManifestDocument.swift"
                "$manifest/MatrixDocument.swift" "$manifest/Interpolation.swift" "$manifest/Suggestion.swift")
            ;;
    esac
    printf '%s\n' "${files[@]}"
}

# Whether `$1` is missing or older than any of the other files.
stale() {
    local product=$1
    shift
    [ -e "$product" ] || return 0
    [ -n "$(find "$@" -newer "$product" -print -quit)" ]
}

# Yams and its C part libyaml, for the manifest target: libyaml instrumented for coverage too.
build_yams() {
    if [ ! -d "$yams" ]; then
        echo "fuzz: resolving packages for Yams' sources"
        swift package resolve >/dev/null
    fi
    local dir=$out/yams
    stale "$dir/libYams.a" "$yams" || return 0
    mkdir -p "$dir"
    local objects=()
    for file in "$yams"/CYaml/src/*.c; do
        objects+=("$dir/$(basename "$file" .c).o")
        "$toolchain/clang" -c -O1 -g -fsanitize=fuzzer-no-link -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" \
            "$file" -o "${objects[-1]}"
    done
    # Yams compiles unoptimised: its build is three times faster so, and the run barely slower.
    swiftc "${swift_flags[@]:0:3}" -Onone -D SWIFT_PACKAGE -module-name Yams \
        -Xcc -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" \
        -emit-module -emit-module-path "$dir/Yams.swiftmodule" -emit-library -static -o "$dir/libYams.a" \
        "$yams"/Yams/*.swift -suppress-warnings
    "$toolchain/llvm-ar" rcs "$dir/libCYaml.a" "${objects[@]}"
}

build() {
    local target=$1 binary=$out/$1
    local files
    mapfile -t files < <(sources "$target")
    local extra=()
    # The decoder target is unoptimised: there the slicer's unsafe-buffer reads are bounds-checked.
    local optimization=-O
    [ "$target" = updatedecoder ] && optimization=-Onone
    if [ "$target" = manifest ]; then
        build_yams
        extra=(-I "$out/yams" -Xcc -DYAML_DECLARE_STATIC -I "$yams/CYaml/include" "$out/yams/libYams.a"
            "$out/yams/libCYaml.a")
        stale "$binary" "${files[@]}" "$0" "$out/yams/libYams.a" || return 0
    else
        stale "$binary" "${files[@]}" "$0" || return 0
    fi
    local module
    module="$(tr '[:lower:]' '[:upper:]' <<<"${target:0:1}")${target:1}Fuzz"
    swiftc "${swift_flags[@]}" "$optimization" -warnings-as-errors -module-name "$module" \
        "${files[@]}" "${extra[@]}" -o "$binary"
}

# Runs one target for `seconds`; on failure prints the reproducer and the command to replay it.
run() {
    local target=$1
    local corpus artifacts=$out/artifacts/$target log
    corpus=$(mktemp -d)
    log=$(mktemp)
    mkdir -p "$artifacts"
    cp Fuzz/Corpus/"$target"/* "$corpus"/
    local dictionary=Fuzz/Dictionaries/$target.dict
    [ "$target" = htmlscan ] && dictionary=Fuzz/Dictionaries/splitter.dict
    set +e
    # SWIFT_BACKTRACE off: Swift's own crash handler would otherwise stop libFuzzer from saving the input.
    SWIFT_BACKTRACE=enable=no "$out/$target" "$corpus" -seed=1 -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=1024 -dict="$dictionary" -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
    local status=$?
    set -e
    rm -rf "$corpus"
    if [ "$status" -ne 0 ]; then
        grep -v '^    #' "$log" | tail -n 25
        local input
        input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        echo "fuzz: $target FAILED (libFuzzer exit $status)" >&2
        if [ -n "$input" ]; then
            echo "fuzz: reproducer: $input" >&2
            echo "fuzz: replay it:  SWIFT_BACKTRACE=enable=no $out/$target $input" >&2
        fi
        rm -f "$log"
        return 1
    fi
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, no failure"
    rm -f "$log"
}

echo "fuzz: building ${targets[*]} into $out/"
for target in "${targets[@]}"; do build "$target"; done
echo "fuzz: built in $((SECONDS - started)) s"
failed=()
for target in "${targets[@]}"; do run "$target" || failed+=("$target"); done
echo "fuzz: done in $((SECONDS - started)) s"
if ((${#failed[@]})); then
    echo "fuzz: failing targets: ${failed[*]}" >&2
    exit 1
fi
