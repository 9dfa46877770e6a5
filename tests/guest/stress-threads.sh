#!/bin/sh
# stress-threads.sh - run a guest program many times under mimic and count what went wrong.
# Thread bugs (lost wake-ups, races in clone/exit, non-atomic atomics) often show once in
# hundreds of runs, which ctest's single run per engine does not catch. For running by hand.
#
# usage: tests/guest/stress-threads.sh [-n RUNS] [-t SECONDS] [-e ENGINE] [-m MIMIC] [-k DIR]
#                                      [PROGRAM [ARGS...]]
#   -n RUNS     how many runs (default 1000)
#   -t SECONDS  a run taking longer counts as a hang and is killed (default 30)
#   -e ENGINE   mimic engine (default jit)
#   -m MIMIC    mimic binary (default: build/mimic in the source tree)
#   -k DIR      keep the output of failed runs in DIR (default: a new temporary directory)
#   PROGRAM     default: build/tests/guest/riscv64/thread_churn-static 20 (built by ctest's
#               guest_build_riscv64 fixture: `ctest --test-dir build -R guest_build`)
#
# The expected stdout and exit status come from one run under qemu-riscv64 when it is
# installed, otherwise from the first mimic run (then only consistency is checked; the
# script says so). Reports hangs (timeout), crashes (death by a signal), wrong exit statuses
# and wrong outputs; exits 1 if any run went wrong.
set -u
root=$(dirname "$0")/../..      # defaults are relative to the source tree, arguments to the cwd

runs=1000 limit=30 engine=jit mimic=$root/build/mimic keep=
while getopts n:t:e:m:k:h opt; do
    case $opt in
    n) runs=$OPTARG ;;
    t) limit=$OPTARG ;;
    e) engine=$OPTARG ;;
    m) mimic=$OPTARG ;;
    k) keep=$OPTARG ;;
    *) sed -n '2,22s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
    set -- "$root/build/tests/guest/riscv64/thread_churn-static" 20
fi
if [ ! -x "$mimic" ]; then
    echo "stress-threads: mimic binary $mimic not found (build it with tools/build.sh)" >&2
    exit 2
fi
if [ ! -f "$1" ]; then
    echo "stress-threads: guest program $1 not found (build the guest programs with" \
         "ctest --test-dir build -R guest_build)" >&2
    exit 2
fi
sysroot=/usr/riscv64-linux-gnu
[ -n "$keep" ] || keep=$(mktemp -d "${TMPDIR:-/tmp}/stress-threads.XXXXXX")
mkdir -p "$keep"
out=$keep/last.out

# The reference outcome.
if command -v qemu-riscv64 >/dev/null 2>&1; then
    ref_from=qemu-riscv64
    timeout -k 5 "$limit" qemu-riscv64 -L "$sysroot" "$@" >"$keep/expected.out" 2>/dev/null
else
    ref_from="the first mimic run (qemu-riscv64 not installed: checking consistency only)"
    timeout -k 5 "$limit" "$mimic" run --engine="$engine" -L "$sysroot" "$@" >"$keep/expected.out" 2>/dev/null
fi
want_status=$?
if [ "$want_status" = 124 ] || [ "$want_status" = 137 ]; then
    echo "stress-threads: the reference run timed out; raise -t" >&2
    exit 2
fi
echo "stress-threads: $runs runs of '$*' under mimic --engine=$engine, ${limit}s each;" \
     "expecting exit $want_status and the stdout of $ref_from"

ok=0 hangs=0 crashes=0 bad_status=0 bad_output=0
i=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    timeout -k 5 "$limit" "$mimic" run --engine="$engine" -L "$sysroot" "$@" >"$out" 2>"$out.err"
    status=$?
    what=
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        hangs=$((hangs + 1)) what=hang
    elif [ "$status" -gt 128 ] && [ "$want_status" -le 128 ]; then
        crashes=$((crashes + 1)) what="crash (signal $((status - 128)))"
    elif [ "$status" != "$want_status" ]; then
        bad_status=$((bad_status + 1)) what="exit status $status"
    elif ! cmp -s "$out" "$keep/expected.out"; then
        bad_output=$((bad_output + 1)) what="wrong output"
    else
        ok=$((ok + 1))
    fi
    if [ -n "$what" ]; then
        cp "$out" "$keep/run$i.out"
        cp "$out.err" "$keep/run$i.err"
        echo "  run $i: $what (output in $keep/run$i.out, .err)"
    fi
    if [ $((i % 100)) = 0 ]; then
        echo "  ... $i runs: $ok ok"
    fi
done
rm -f "$out" "$out.err"
echo "stress-threads: $runs runs: $ok ok, $hangs hangs, $crashes crashes," \
     "$bad_status wrong exit status, $bad_output wrong output"
[ "$ok" = "$runs" ] || exit 1
