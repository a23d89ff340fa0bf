#!/usr/bin/env bats
# What a user gets besides the binary: the README's quick session, make
# install (man pages, shell completion, docs), man pages that render cleanly,
# completion in bash, zsh and fish, contrib/make-bundle.sh from anywhere.

load helpers

setup() {
	setup_bundle
	BUILDDIR=$(cd "$(dirname "$NUCLEUS_OCI")" && pwd)
	SRCDIR=${NUCLEUS_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
}

teardown() {
	teardown_containers
	# the quick session uses the default --root
	"$NUCLEUS_OCI" delete --force "pkg-readme-$$" >/dev/null 2>&1 || true
}

# The commands `help` lists.
commands() {
	"$NUCLEUS_OCI" help | sed -n '/^Commands:/,/^$/s/^  \([a-z]\{1,\}\) .*/\1/p'
}

man_pages() {
	ls "$BUILDDIR"/docs/man/*.8 2>/dev/null
}

@test "the README's quick session runs as written" {
	# The block after "A quick session", with `make install` replaced by the
	# built binary on PATH (make install is checked below), its directory and
	# container ID made unique to this test.
	local demo="$BATS_TEST_TMPDIR/demo" id="pkg-readme-$$"
	awk '/^A quick session/ { on = 1; next }
		on && /^    / { print substr($0, 5); seen = 1; next }
		seen { exit }' "$SRCDIR/README.md" |
		grep -v '^make install$' |
		sed -e "s|/tmp/demo|$demo|g" -e "s/\bc1\b/$id/g" >"$BATS_TEST_TMPDIR/session.sh"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/session.sh")" -ge 5 ]
	grep -q "contrib/make-bundle.sh $demo" "$BATS_TEST_TMPDIR/session.sh"
	cd "$SRCDIR"
	run env PATH="$BUILDDIR:$PATH" bash -e "$BATS_TEST_TMPDIR/session.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"status": "created"'* ]]
	[[ "$output" == *"$id "*"running"* ]]
	[ ! -e "/run/nucleus-oci/$id" ]
}

@test "contrib/make-bundle.sh works from any directory, with or without nucleus-oci on PATH" {
	cd "$BATS_TEST_TMPDIR"
	run env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$SRCDIR/contrib/make-bundle.sh" b1 "$NUCLEUS_OCI"
	[ "$status" -eq 0 ]
	[ -x b1/rootfs/bin/sh ] && [ -f b1/config.json ]
	mkdir bin && ln -s "$NUCLEUS_OCI" bin/nucleus-oci
	run env PATH="$BATS_TEST_TMPDIR/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$SRCDIR/contrib/make-bundle.sh" b2
	[ "$status" -eq 0 ]
	jq -e '.root.path == "rootfs"' b2/config.json
}

@test "a man page per command and nucleus-oci(8), rendering without warnings" {
	[ -n "$(man_pages)" ] || skip "man pages not built (configure found no go-md2man)"
	command -v man >/dev/null || skip "man (man-db) is not installed"
	[ -f "$BUILDDIR/docs/man/nucleus-oci.8" ]
	for cmd in $(commands); do
		[ "$cmd" = help ] && continue
		[ -f "$BUILDDIR/docs/man/nucleus-oci-$cmd.8" ] || { echo "no page for $cmd" >&2; return 1; }
	done
	for page in $(man_pages); do
		warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		[ -z "$warnings" ] || { echo "$page: $warnings" >&2; return 1; }
		text=$(MANWIDTH=80 man -l "$page" 2>/dev/null)
		[[ "$text" == *NAME*SYNOPSIS*DESCRIPTION* ]]
		[[ "$text" != *@VERSION@* ]]
	done
	# every flag of every command is in its page
	for cmd in $(commands); do
		[ "$cmd" = help ] && continue
		text=$(MANWIDTH=200 man -l "$BUILDDIR/docs/man/nucleus-oci-$cmd.8" 2>/dev/null)
		for flag in $("$NUCLEUS_OCI" help "$cmd" | sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\).*/\2/p'); do
			[[ "$text" == *"--$flag"* ]] || { echo "nucleus-oci-$cmd(8) lacks --$flag" >&2; return 1; }
		done
	done
}

@test "make install puts the binary, man pages, completions and docs under the prefix" {
	[ -f "$BUILDDIR/Makefile" ] || skip "no build tree at $BUILDDIR"
	local dest="$BATS_TEST_TMPDIR/dest"
	run env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s -C "$BUILDDIR" install DESTDIR="$dest"
	[ "$status" -eq 0 ]
	prefix=$(sed -n 's/^prefix = //p' "$BUILDDIR/Makefile")
	[ -x "$dest$prefix/bin/nucleus-oci" ]
	[ -f "$dest$prefix/share/bash-completion/completions/nucleus-oci" ]
	[ -f "$dest$prefix/share/zsh/site-functions/_nucleus-oci" ]
	[ -f "$dest$prefix/share/fish/vendor_completions.d/nucleus-oci.fish" ]
	[ -f "$dest$prefix/share/doc/nucleus-oci/README.md" ]
	if [ -n "$(man_pages)" ]; then
		[ "$(ls "$dest$prefix/share/man/man8" | wc -l)" -eq "$(man_pages | wc -l)" ]
	fi
}

# Complete the words "$@" (the last one is being typed) with the bash script.
bash_complete() {
	PATH="$BUILDDIR:$PATH" bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nucleus_oci; printf "%s\n" "${COMPREPLY[@]}"' \
		complete "$SRCDIR/contrib/completion/bash/nucleus-oci" "$@"
}

@test "bash completion: loads, completes commands, flags and container IDs" {
	run bash -c "source '$SRCDIR/contrib/completion/bash/nucleus-oci'; complete -p nucleus-oci"
	[ "$status" -eq 0 ]
	[ "$output" = "complete -F _nucleus_oci nucleus-oci" ]
	run bash_complete nucleus-oci cr
	[ "$output" = "create" ]
	run bash_complete nucleus-oci run --det
	[ "$output" = "--detach" ]
	run bash_complete nucleus-oci --log-format ""
	[ "$output" = $'text\njson' ]
	update_config '.process.args = ["sleep", "100"]'
	noci create pkg-compl-a
	noci create pkg-compl-b
	run bash_complete nucleus-oci --root "$ROOT" kill ""
	[ "$output" = $'pkg-compl-a\npkg-compl-b' ]
	run bash_complete nucleus-oci --root "$ROOT" exec -u 0 pkg-compl-b
	[ "$output" = "pkg-compl-b" ]
	run bash_complete nucleus-oci --root "$ROOT" kill pkg-compl-a KI
	[ "$output" = "KILL" ]
}

@test "fish completion: loads, completes commands, flags and container IDs" {
	command -v fish >/dev/null || skip "fish is not installed"
	update_config '.process.args = ["sleep", "100"]'
	noci create pkg-compl-f
	fish_complete() {
		PATH="$BUILDDIR:$PATH" fish -c "source '$SRCDIR/contrib/completion/fish/nucleus-oci.fish'; complete -C '$1'" |
			cut -f1
	}
	run fish_complete "nucleus-oci cr"
	[ "$output" = "create" ]
	run fish_complete "nucleus-oci list --f"
	[ "$output" = "--format" ]
	run fish_complete "nucleus-oci --root $ROOT delete "
	[ "$output" = "pkg-compl-f" ]
}

@test "zsh completion: registers with compinit, completes commands and container IDs" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -f -c "fpath=('$SRCDIR/contrib/completion/zsh' \$fpath); autoload -Uz compinit
		compinit -u -d '$BATS_TEST_TMPDIR/zcompdump'; print -r -- \$_comps[nucleus-oci]"
	[ "$output" = "_nucleus-oci" ]
	update_config '.process.args = ["sleep", "100"]'
	noci create pkg-compl-z
	# Outside a completion widget: compadd and _describe print what they get.
	zsh_complete() {
		PATH="$BUILDDIR:$PATH" zsh -f -c "fpath=('$SRCDIR/contrib/completion/zsh' \$fpath)
			compadd() { [[ \$1 == -- ]] && shift; print -rl -- \"\$@\"; }
			_describe() { print -rl -- \${(P)4%%:*}; }
			autoload -Uz _nucleus-oci; words=(\"\$@\"); CURRENT=\$#; _nucleus-oci" zsh "$@"
	}
	run zsh_complete nucleus-oci ""
	[[ "$output" == *$'\n'"kill"$'\n'* ]]
	run zsh_complete nucleus-oci --root "$ROOT" pause ""
	[ "$output" = "pkg-compl-z" ]
}
