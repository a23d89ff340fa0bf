#!/usr/bin/env bats
# features: the runtime-spec features.json document engines read to learn
# what the runtime supports.

load helpers

setup() {
	FEATURES="$BATS_TEST_TMPDIR/features.json"
	"$NUCLEUS_OCI" features >"$FEATURES"
}

@test "features prints one valid JSON document with the versions" {
	jq -e . "$FEATURES" >/dev/null
	[ "$(jq -r .ociVersionMin "$FEATURES")" = "1.0.0" ]
	[ "$(jq -r .ociVersionMax "$FEATURES")" = "1.3.0" ]
}

@test "features lists every hook and the mount options" {
	[ "$(jq -c .hooks "$FEATURES")" = '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
	for o in ro rw bind rbind nosuid nodev noexec rprivate rshared rslave; do
		jq -e --arg o "$o" '.mountOptions | index($o)' "$FEATURES" >/dev/null
	done
}

@test "features lists the namespaces and every capability the kernel has" {
	[ "$(jq -c '.linux.namespaces | sort' "$FEATURES")" = '["cgroup","ipc","mount","network","pid","time","user","uts"]' ]
	# at least CAP_CHOWN (0) through the kernel's last capability
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$(jq '.linux.capabilities | length' "$FEATURES")" -ge $((last + 1)) ]
	jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN") and index("CAP_CHECKPOINT_RESTORE")' "$FEATURES"
}

@test "features describes seccomp: actions, operators, this machine's arch, flags" {
	jq -e '.linux.seccomp.enabled == true' "$FEATURES"
	for a in SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL_PROCESS SCMP_ACT_NOTIFY SCMP_ACT_LOG; do
		jq -e --arg a "$a" '.linux.seccomp.actions | index($a)' "$FEATURES" >/dev/null
	done
	[ "$(jq '.linux.seccomp.operators | length' "$FEATURES")" -eq 7 ]
	jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' "$FEATURES"
	# what the kernel supports is a subset of what we know
	jq -e '.linux.seccomp as $s | ($s.supportedFlags - $s.knownFlags) == [] and ($s.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG"))' "$FEATURES"
}

@test "features: cgroup drivers, no AppArmor, SELinux or Intel RDT, mount extensions" {
	# the systemd driver is there when the binary links libsystemd
	sd=false
	ldd "$NUCLEUS_OCI" | grep -q 'libsystemd\.so' && sd=true
	jq -e --argjson sd "$sd" '.linux.cgroup.v1 == true and .linux.cgroup.v2 == true and .linux.cgroup.systemd == $sd and .linux.cgroup.systemdUser == false' "$FEATURES"
	jq -e '.linux.apparmor.enabled == false and .linux.selinux.enabled == false and .linux.intelRdt.enabled == false' "$FEATURES"
	jq -e '.linux.mountExtensions.idmap | has("enabled")' "$FEATURES"
}

@test "features annotations describe nucleus-oci's extensions" {
	abi=$(jq -r '.annotations["org.nucleus-oci.landlock.abi"]' "$FEATURES")
	[ "$abi" -ge 1 ]
	[ "$(jq -r '.annotations["org.nucleus-oci.mount.context"]' "$FEATURES")" = "bind,copy" ]
	jq -e '.annotations | to_entries | all(.value | type == "string")' "$FEATURES"
}
