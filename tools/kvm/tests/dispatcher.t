#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The dispatcher: 'lkvm', 'lkvm help [CMD]', 'lkvm version', unknown
# commands with suggestions, and the exit codes of bad options.

srcdir=${LKVM_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
LKVM=${LKVM:-$srcdir/lkvm}
if [ ! -x "$LKVM" ]; then
	echo "1..0 # SKIP no lkvm binary at $LKVM"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$srcdir/tests/tap.sh"

# check STATUS DESC: ok, with what the last run printed when it failed.
check() {
	ok "$@" && return
	echo "# exit $rc; stdout:"; sed 's/^/#   /' "$tmp/out"
	echo "# stderr:"; sed 's/^/#   /' "$tmp/err"
}

# run_lkvm ARGS...: runs lkvm, leaving $rc, $tmp/out and $tmp/err
run_lkvm() {
	"$LKVM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

out_has() { grep -q -e "$1" "$tmp/out"; }
err_has() { grep -q -e "$1" "$tmp/err"; }

# The command names, straight from the table in commands.c.
commands=$(sed -n 's/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p' "$srcdir/commands.c")

run_lkvm
[ $rc = 0 ] && out_has '^usage: lkvm ' && out_has 'commonly used' &&
	out_has '^   version ' && [ ! -s "$tmp/err" ]
check $? "'lkvm' alone prints the usage and common commands, exit 0"

run_lkvm help
res=$([ $rc = 0 ] && echo 0 || echo 1)
for c in $commands; do
	grep -q "^   $c " "$tmp/out" || res=1
done
[ -n "$commands" ] || res=1
check $res "'lkvm help' lists every command in the table ($(echo $commands))"

run_lkvm -h
[ $rc = 0 ] && out_has 'Available lkvm commands'
check $? "'lkvm -h' is 'lkvm help'"

run_lkvm help version
[ $rc = 0 ] && out_has '^ Usage: lkvm version' && out_has '--build-options' &&
	[ ! -s "$tmp/err" ]
check $? "'lkvm help version' shows version's options on stdout, exit 0"

run_lkvm help help
[ $rc = 0 ] && out_has 'Available lkvm commands'
check $? "'lkvm help help'"

run_lkvm help nosuchcmd
[ $rc = 1 ] && err_has "'nosuchcmd' is not an lkvm command"
check $? "'lkvm help nosuchcmd' is an error"

version=$(cat "$srcdir/VERSION")
run_lkvm version
[ $rc = 0 ] && out_has "^lkvm version $version" && [ "$(wc -l <"$tmp/out")" = 1 ]
check $? "'lkvm version' prints 'lkvm version $version...'"
cp "$tmp/out" "$tmp/version"

run_lkvm --version
[ $rc = 0 ] && cmp -s "$tmp/out" "$tmp/version"
check $? "'lkvm --version' is 'lkvm version'"

run_lkvm version --build-options
[ $rc = 0 ] && out_has '^  arch: '
check $? "'lkvm version --build-options'"

run_lkvm nosuchcmd
[ $rc = 1 ] && err_has "^error: 'nosuchcmd' is not an lkvm command" &&
	! err_has 'most similar'
check $? "'lkvm nosuchcmd' fails with exit 1 and no suggestion"

run_lkvm verison
[ $rc = 1 ] && err_has 'most similar' && grep -q "^	version$" "$tmp/err"
check $? "'lkvm verison' suggests 'version'"

run_lkvm --bogus
[ $rc = 129 ] && err_has "^error: unknown option '--bogus'" &&
	err_has '^usage: lkvm ' && [ ! -s "$tmp/out" ]
check $? "'lkvm --bogus' exits 129 with the usage on stderr"

run_lkvm version --bogus
[ $rc = 129 ] && err_has "Error: unknown option .bogus'" &&
	err_has '^ Usage: lkvm version' && [ ! -s "$tmp/out" ]
check $? "'lkvm version --bogus' exits 129 with the usage on stderr"

run_lkvm version extra
[ $rc = 129 ] && err_has "^error: unexpected argument 'extra'" &&
	err_has '^ Usage: lkvm version'
check $? "'lkvm version extra' exits 129"

# Every command documents itself: on stderr with 129 for CMD --help, as
# parse-options does in git and perf, and on stdout for 'lkvm help CMD'.
for c in $commands; do
	[ "$c" = help ] && continue
	run_lkvm "$c" --help
	[ $rc = 129 ] && err_has "^ Usage: lkvm $c" && [ ! -s "$tmp/out" ]
	check $? "'lkvm $c --help' prints its usage on stderr, exit 129"
	run_lkvm help "$c"
	[ $rc = 0 ] && out_has "^ Usage: lkvm $c" && [ ! -s "$tmp/err" ]
	check $? "'lkvm help $c' prints it on stdout, exit 0"
done

tap_done
