#!/usr/bin/env bats
# The command line: global flags, help, version, spec, logs.

load helpers

setup() {
	setup_bundle
}

@test "--version prints the version, the spec and libseccomp" {
	run "$NUCLEUS_OCI" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^nucleus-oci\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[ "${lines[1]}" = "spec: 1.3.0" ]
	[[ "${lines[2]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--help everywhere" {
	run "$NUCLEUS_OCI" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"create"*"start"*"delete"* ]]
	for cmd in create start state kill delete run list spec; do
		run "$NUCLEUS_OCI" $cmd --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"Usage: nucleus-oci $cmd"* ]]
	done
}

@test "unknown commands and flags are errors" {
	run "$NUCLEUS_OCI" frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *'unknown command "frobnicate"'* ]]
	run "$NUCLEUS_OCI" create --frob x
	[ "$status" -eq 1 ]
	[[ "$output" == *"flag provided but not defined: --frob"* ]]
}

@test "--flag=value and --flag value are both accepted" {
	update_config '.process.args = ["true"]'
	"$NUCLEUS_OCI" --root="$ROOT" create --bundle="$BUNDLE" --pid-file="$BATS_TEST_TMPDIR/p1" c1
	"$NUCLEUS_OCI" --root "$ROOT" create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/p2" c2
	[ -s "$BATS_TEST_TMPDIR/p1" ]
	[ -s "$BATS_TEST_TMPDIR/p2" ]
	[ "$(status_of c1)" = "created" ]
	[ "$(status_of c2)" = "created" ]
}

@test "spec writes a default config that runs, and refuses to overwrite" {
	d="$BATS_TEST_TMPDIR/spec"
	mkdir "$d"
	"$NUCLEUS_OCI" spec --bundle "$d"
	jq -e '.ociVersion == "1.3.0" and .process.args == ["sh"] and .root.path == "rootfs"' "$d/config.json"
	jq -e '[.linux.namespaces[].type] | index("pid") and index("mount") and index("cgroup")' "$d/config.json"
	run "$NUCLEUS_OCI" spec --bundle "$d"
	[ "$status" -eq 1 ]
	[[ "$output" == *"exists"* ]]
	rm "$d/config.json"
	"$NUCLEUS_OCI" spec --rootless --bundle "$d"
	jq -e '[.linux.namespaces[].type] | index("user")' "$d/config.json"
	jq -e '.linux.uidMappings[0].hostID == 0' "$d/config.json"
}

@test "--log with --log-format json writes one error object" {
	log="$BATS_TEST_TMPDIR/log.json"
	run "$NUCLEUS_OCI" --root "$ROOT" --log "$log" --log-format json state nope
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$log")" -eq 1 ]
	jq -e '.level == "error" and (.msg | contains("container \"nope\" does not exist")) and (.time | length > 0)' "$log"
}

@test "--log with text format" {
	log="$BATS_TEST_TMPDIR/log.txt"
	run "$NUCLEUS_OCI" --root "$ROOT" --log "$log" state nope
	[ "$status" -eq 1 ]
	grep -q 'error: container "nope" does not exist' "$log"
}

@test "--log-format rejects unknown formats" {
	run "$NUCLEUS_OCI" --log-format xml list
	[ "$status" -eq 1 ]
	[[ "$output" == *"invalid log format"* ]]
}

@test "--systemd-cgroup gives a clear error" {
	run "$NUCLEUS_OCI" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"systemd cgroup management is not available"* ]]
	[ ! -e "$ROOT/c1" ]
}

@test "--root defaults to /run/nucleus-oci" {
	update_config '.process.args = ["sleep", "100"]'
	id="default-root-$$"
	"$NUCLEUS_OCI" create --bundle "$BUNDLE" "$id"
	[ -f "/run/nucleus-oci/$id/state.json" ]
	"$NUCLEUS_OCI" delete --force "$id"
	[ ! -e "/run/nucleus-oci/$id" ]
}

@test "--debug is accepted" {
	update_config '.process.args = ["true"]'
	run "$NUCLEUS_OCI" --root "$ROOT" --debug run t1
	[ "$status" -eq 0 ]
}

@test "the binary has full RELRO: symbols bound at start-up, GOT read-only" {
	command -v readelf >/dev/null || skip "readelf (binutils) is not installed"
	run readelf -d "$NUCLEUS_OCI"
	[[ "$output" == *"BIND_NOW"* ]]
	run readelf -lW "$NUCLEUS_OCI"
	[[ "$output" == *"GNU_RELRO"* ]]
}

@test "help lists every command, help COMMAND and -h show the command's own help" {
	run "$NUCLEUS_OCI" help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: nucleus-oci [global options] COMMAND"* ]]
	usage=$output
	for cmd in create start state kill delete run list spec exec features pause resume \
		update ps events; do
		[[ "$usage" == *$'\n'"  $cmd "* ]]
		run "$NUCLEUS_OCI" help "$cmd"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "Usage: nucleus-oci $cmd"* ]]
		help_cmd=$output
		run "$NUCLEUS_OCI" "$cmd" -h
		[ "$status" -eq 0 ]
		[ "$output" = "$help_cmd" ]
	done
	run "$NUCLEUS_OCI" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"  help "* ]]
	run "$NUCLEUS_OCI" help help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: nucleus-oci [global options] COMMAND"* ]]
}

@test "help of an unknown command is an error naming it" {
	run "$NUCLEUS_OCI" help frobnicate
	[ "$status" -eq 1 ]
	[ "$output" = 'help: unknown command "frobnicate" (see nucleus-oci --help)' ]
}

@test "--help shows a placeholder for each global option that takes a value" {
	run "$NUCLEUS_OCI" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--root DIR "* ]]
	[[ "$output" == *"--log FILE "* ]]
	[[ "$output" == *"--log-format FORMAT "* ]]
	[[ "$output" == *"--criu PATH "* ]]
	[[ "$output" == *"--rootless MODE "* ]]
	# flags without a value show none
	[[ "$output" == *"--debug  "* ]]
	[[ "$output" == *"--systemd-cgroup  "* ]]
}

@test "--help says what --systemd-cgroup needs, and without it create and run refuse it" {
	run "$NUCLEUS_OCI" --help
	line=$(grep -- '--systemd-cgroup' <<<"$output")
	[[ "$line" == *"systemd units (needs systemd as PID 1 and libsystemd)"* ]]
	[ -d /run/systemd/system ] && skip "systemd is PID 1 here: the driver is available"
	update_config '.process.args = ["true"]'
	run noci --systemd-cgroup run pkg-sdc
	[ "$status" -eq 1 ]
	[[ "$output" == *"--systemd-cgroup: systemd cgroup management is not available"* ]]
	[ ! -e "$ROOT/pkg-sdc" ]
	run noci --systemd-cgroup list -q
	[ "$status" -eq 0 ]
}

@test "list --format json shows the same owner as the table: root" {
	update_config '.process.args = ["sleep", "100"]'
	noci create pkg-owner
	run noci list
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "pkg-owner "* ]]
	[ "$(awk 'NR == 2 { print $NF }' <<<"$output")" = "root" ]
	run noci list --format json
	[ "$status" -eq 0 ]
	jq -e '.[0].id == "pkg-owner" and .[0].owner == "root"' <<<"$output"
	noci delete --force pkg-owner
}

@test "a JSON syntax error names the line and column of config.json" {
	cat >"$BUNDLE/config.json" <<-'JSON'
	{
	  "ociVersion": "1.3.0",
	  "process": {
	    "terminal": flase,
	    "args": ["true"]
	  }
	}
	JSON
	run noci create pkg-json
	[ "$status" -eq 1 ]
	[ "$output" = "config.json:4:17: invalid JSON: lexical error: invalid string in json text." ]
	[ ! -e "$ROOT/pkg-json" ]
	printf '{"ociVersion": "1.3.0",\n "root": {"path": "rootfs"}}}\n' >"$BUNDLE/config.json"
	run noci create pkg-json
	[ "$status" -eq 1 ]
	[ "$output" = "config.json:2:29: invalid JSON: parse error: trailing garbage" ]
	[ ! -e "$ROOT/pkg-json" ]
}
