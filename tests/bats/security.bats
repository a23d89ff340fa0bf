#!/usr/bin/env bats
# Credentials and process attributes as the process sees them, and the
# container-escape classes runc learnt from, tried live from inside.

load helpers

setup() {
	setup_bundle
}

run_sh() {
	update_config ".process.args = [\"sh\", \"-c\", $(jq -Rn --arg s "$1" '$s')]"
	run noci run "sec-$BATS_TEST_NUMBER"
	echo "$output"
}

status_field() {
	echo "$output" | awk -v k="$1:" '$1 == k { print $2 }'
}

# ---- capabilities, no_new_privs ----------------------------------------------------------

@test "caps: the default config gives exactly its three capabilities, nothing inheritable or ambient" {
	run_sh 'cat /proc/self/status'
	[ "$status" -eq 0 ]
	# CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
	[ "$(status_field CapEff)" = "0000000020000420" ]
	[ "$(status_field CapPrm)" = "0000000020000420" ]
	[ "$(status_field CapBnd)" = "0000000020000420" ]
	[ "$(status_field CapInh)" = "0000000000000000" ]
	[ "$(status_field CapAmb)" = "0000000000000000" ]
	[ "$(status_field NoNewPrivs)" = "1" ]
	[ "$(status_field Seccomp)" = "0" ]
}

@test "caps: each set is installed as configured, ambient reaches a non-root user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	update_config '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_TIME", "CAP_KILL"],
		"effective": ["CAP_CHOWN", "CAP_NET_RAW"],
		"permitted": ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_TIME"],
		"inheritable": ["CAP_NET_RAW", "CAP_SYS_TIME"],
		"ambient": ["CAP_NET_RAW"]}'
	run_sh 'cat /proc/self/status'
	[ "$status" -eq 0 ]
	# A shell exec'd as uid 1000 keeps only the ambient set: effective = permitted = ambient.
	[ "$(status_field CapBnd)" = "0000000002002021" ] # CHOWN 0, KILL 5, NET_RAW 13, SYS_TIME 25
	[ "$(status_field CapInh)" = "0000000002002000" ]
	[ "$(status_field CapAmb)" = "0000000000002000" ]
	[ "$(status_field CapEff)" = "0000000000002000" ]
	[ "$(status_field CapPrm)" = "0000000000002000" ]
	[ "$(status_field Uid)" = "1000" ]
}

@test "caps: an ambient capability that is not inheritable is a clear error" {
	update_config '.process.capabilities.ambient = ["CAP_KILL"]'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"raise ambient capability cap_kill"*"Operation not permitted"* ]]
	[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
}

@test "caps: unknown capability names are warned about and ignored" {
	update_config '.process.capabilities.bounding += ["CAP_NO_SUCH_THING"] | .process.capabilities.effective += ["CAP_NO_SUCH_THING"]'
	run_sh 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *'unknown or unsupported capability "CAP_NO_SUCH_THING" ignored'* ]]
	[[ "$output" == *"0000000020000420"* ]]
}

@test "noNewPrivileges false leaves NoNewPrivs at 0" {
	update_config '.process.noNewPrivileges = false'
	run_sh 'grep NoNewPrivs /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$output" = "NoNewPrivs:	0" ]
}

@test "CVE-2022-29162 shape: file capabilities grant nothing through a default inheritable set" {
	command -v setcap >/dev/null || { echo "setcap (libcap2-bin) is needed" >&2; return 1; }
	# A binary in the image that says "inherit CAP_KILL and CAP_SYS_ADMIN".
	mkdir rootfs/capbin
	cp "$BUSYBOX" rootfs/capbin/grep
	setcap cap_kill,cap_sys_admin+ei rootfs/capbin/grep
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.noNewPrivileges = false'
	run_sh '/capbin/grep -E "^Cap(Inh|Eff|Prm)" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"CapInh:	0000000000000000"* ]]
	[[ "$output" == *"CapPrm:	0000000000000000"* ]]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	# The same binary does gain what the config makes inheritable on purpose.
	update_config '.process.capabilities.inheritable = ["CAP_KILL"]'
	run_sh '/capbin/grep -E "^CapEff" /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$output" = "CapEff:	0000000000000020" ]
}

# ---- user --------------------------------------------------------------------------------

@test "user: uid, gid, additionalGids and umask as the process sees them" {
	update_config '.process.user = {"uid": 1234, "gid": 4321, "additionalGids": [10, 20], "umask": 18}'
	run_sh 'grep -E "^(Uid|Gid|Groups|Umask):" /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Uid:	1234	1234	1234	1234"* ]]
	[[ "$output" == *"Gid:	4321	4321	4321	4321"* ]]
	[[ "$output" == *"Groups:	10 20"* ]]
	[[ "$output" == *"Umask:	0022"* ]]
}

# ---- rlimits -----------------------------------------------------------------------------

@test "rlimits: every resource type is applied" {
	local types=(RLIMIT_AS RLIMIT_CORE RLIMIT_CPU RLIMIT_DATA RLIMIT_FSIZE RLIMIT_LOCKS
		RLIMIT_MEMLOCK RLIMIT_MSGQUEUE RLIMIT_NICE RLIMIT_NOFILE RLIMIT_NPROC RLIMIT_RSS
		RLIMIT_RTPRIO RLIMIT_RTTIME RLIMIT_SIGPENDING RLIMIT_STACK)
	local rl='[' t v
	for t in "${types[@]}"; do
		# Under every hard limit of this host; RLIMIT_AS/DATA/STACK big enough for sh.
		case $t in RLIMIT_AS | RLIMIT_DATA) v=1073741824 ;; RLIMIT_STACK) v=8388608 ;;
		RLIMIT_NICE | RLIMIT_RTPRIO) v=0 ;; *) v=$((1000 + ${#t})) ;; esac
		rl+="{\"type\": \"$t\", \"soft\": $v, \"hard\": $v},"
	done
	update_config ".process.rlimits = ${rl%,}]"
	run_sh 'cat /proc/self/limits'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Max address space         1073741824"* ]]
	[[ "$output" == *"Max core file size        1011 "* ]]
	[[ "$output" == *"Max cpu time              1010 "* ]]
	[[ "$output" == *"Max data size             1073741824"* ]]
	[[ "$output" == *"Max file size             1012 "* ]]
	[[ "$output" == *"Max file locks            1012 "* ]]
	[[ "$output" == *"Max locked memory         1014 "* ]]
	[[ "$output" == *"Max msgqueue size         1015 "* ]]
	[[ "$output" == *"Max nice priority         0 "* ]]
	[[ "$output" == *"Max open files            1013 "* ]]
	[[ "$output" == *"Max processes             1012 "* ]]
	[[ "$output" == *"Max resident set          1010 "* ]]
	[[ "$output" == *"Max realtime priority     0 "* ]]
	[[ "$output" == *"Max realtime timeout      1013 "* ]]
	[[ "$output" == *"Max pending signals       1017 "* ]]
	[[ "$output" == *"Max stack size            8388608"* ]]
}

@test "rlimits: above the host's hard limit fails naming the rlimit, for each limited one" {
	local t lim
	for t in NOFILE:n NPROC:u SIGPENDING:i MEMLOCK:l MSGQUEUE:q; do
		lim=$(ulimit -H -${t#*:})
		[ "$lim" != unlimited ] || continue
		[ "${t#*:}" = l ] && lim=$((lim * 1024))
		update_config ".process.rlimits = [{\"type\": \"RLIMIT_${t%:*}\", \"soft\": 1, \"hard\": $((lim + 1))}]"
		run_sh 'true'
		[ "$status" -eq 1 ]
		[[ "$output" == *"setrlimit RLIMIT_${t%:*}: Operation not permitted"* ]]
		[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
	done
}

@test "rlimits: soft above hard fails naming the rlimit" {
	update_config '.process.rlimits = [{"type": "RLIMIT_CORE", "soft": 200, "hard": 100}]'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"setrlimit RLIMIT_CORE: Invalid argument"* ]]
	[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
}

# ---- process attributes ------------------------------------------------------------------

@test "oomScoreAdj is applied" {
	update_config '.process.oomScoreAdj = 432'
	run_sh 'cat /proc/self/oom_score_adj'
	[ "$status" -eq 0 ]
	[ "$output" = "432" ]
}

@test "scheduler: policy and nice are applied with sched_setattr" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	run_sh 'grep -E "^policy" /proc/self/sched; cut -d" " -f19 /proc/self/stat'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^policy\ +:\ +3$ ]]
	[ "${lines[1]}" = "7" ]
	update_config '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 1000}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.scheduler: sched_setattr policy SCHED_FIFO: Invalid argument"* ]]
}

@test "ioPriority is applied" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	run_sh 'ionice -p $$'
	[ "$status" -eq 0 ]
	[[ "$output" == "idle"* ]]
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	run_sh 'ionice -p $$'
	[ "$output" = "best-effort: prio 6" ]
}

@test "execCPUAffinity: final after the cgroup, initial before it, bad lists named" {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	update_config '.process.execCPUAffinity = {"initial": "0-1", "final": "1"}'
	run_sh 'grep Cpus_allowed_list /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$output" = "Cpus_allowed_list:	1" ]
	update_config '.process.execCPUAffinity = {"initial": "1"}'
	run_sh 'grep Cpus_allowed_list /proc/self/status'
	[ "$output" = "Cpus_allowed_list:	1" ]
	update_config '.process.execCPUAffinity = {"initial": "1000"}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'process.execCPUAffinity.initial "1000"'* ]]
	update_config '.process.execCPUAffinity = {"final": "0-x"}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'process.execCPUAffinity.final "0-x": not a CPU list'* ]]
}

@test "personality LINUX32 makes uname report a 32-bit machine" {
	update_config '.linux.personality = {"domain": "LINUX32"}'
	run_sh 'uname -m'
	[ "$status" -eq 0 ]
	[ "$output" = "i686" ]
	update_config '.linux.personality.flags = ["ADDR_NO_RANDOMIZE"]'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.personality.flags "ADDR_NO_RANDOMIZE": no flags are supported'* ]]
}

@test "sysctl: namespaced keys are written, in the container only" {
	update_config '.linux.namespaces |= map(select(.type != "network")) + [{"type": "network"}]'
	update_config '.linux.sysctl = {"kernel.shmmni": "1234", "net.ipv4.ip_forward": "1", "kernel.domainname": "sysctl.test", "fs/mqueue/msg_max": "33"}'
	host_shmmni=$(cat /proc/sys/kernel/shmmni)
	run_sh 'cat /proc/sys/kernel/shmmni /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/domainname /proc/sys/fs/mqueue/msg_max'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "1234 1 sysctl.test 33" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host_shmmni" ]
}

@test "sysctl: host-wide keys and keys without their namespace are refused before anything runs" {
	update_config '.linux.sysctl = {"vm.swappiness": "10"}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl: "vm.swappiness" is not namespaced'* ]]
	update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl: "net.ipv4.ip_forward" needs the container to have its own network namespace'* ]]
	update_config '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.shmmax": "1"}'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *"needs the container to have its own ipc namespace"* ]]
	[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
}

@test "apparmorProfile and selinuxLabel fail clearly on this kernel" {
	update_config '.process.apparmorProfile = "docker-default"'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'process.apparmorProfile "docker-default": AppArmor is not enabled on this kernel'* ]]
	[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run_sh 'true'
	[ "$status" -eq 1 ]
	[[ "$output" == *'process.selinuxLabel "system_u:system_r:container_t:s0": SELinux is not enabled on this kernel'* ]]
}

# ---- fds and cwd: CVE-2024-21626 ---------------------------------------------------------

@test "CVE-2024-21626 shape: process.cwd through a leaked host directory fd is refused" {
	mkdir "$BATS_TEST_TMPDIR/hostdir"
	echo host-secret >"$BATS_TEST_TMPDIR/hostdir/secret"
	update_config '.process.args = ["cat", "secret"]'
	for fd in 3 4 5 6 7 8 9; do
		update_config ".process.cwd = \"/proc/self/fd/$fd\""
		run noci run "sec-$BATS_TEST_NUMBER" 7<"$BATS_TEST_TMPDIR/hostdir"
		echo "fd $fd: $output"
		[ "$status" -ne 0 ]
		[[ "$output" != *host-secret* ]]
		[ ! -e "$ROOT/sec-$BATS_TEST_NUMBER" ]
	done
	[[ "$output" == *'process.cwd "/proc/self/fd/9"'* ]]
	# Even an fd passed on purpose (--preserve-fds) is no way out as the cwd.
	update_config '.process.cwd = "/proc/self/fd/3"'
	run noci run --preserve-fds 1 "sec-$BATS_TEST_NUMBER" 3<"$BATS_TEST_TMPDIR/hostdir"
	echo "preserved: $output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'process.cwd "/proc/self/fd/3": resolves through a magic link'* ]]
	[[ "$output" != *host-secret* ]]
}

@test "CVE-2024-21626 shape: no fd the runtime was started with reaches the process" {
	mkdir "$BATS_TEST_TMPDIR/hostdir"
	echo host-secret >"$BATS_TEST_TMPDIR/hostdir/secret"
	update_config '.process.args = ["sh", "-c", "ls /proc/self/fd; for fd in 3 4 5 6 7 8 9; do cat /proc/self/fd/$fd/secret 2>/dev/null; done; true"]'
	run noci run "sec-$BATS_TEST_NUMBER" 7<"$BATS_TEST_TMPDIR/hostdir"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 1 2 3" ] # 3 is ls's own directory fd
}

@test "a process.cwd that root can reach and process.user cannot: run and exec start there" {
	mkdir -m 0700 rootfs/secret
	update_config '.process.user = {"uid": 1000, "gid": 1000} | .process.cwd = "/secret"'
	update_config '.process.args = ["sh", "-c", "pwd; ls . >/dev/null 2>&1 || echo unreadable"]'
	run noci run lc-cwd
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = $'/secret\nunreadable' ]
	update_config '.process.args = ["sleep", "100"] | .process.user = {"uid": 0, "gid": 0} | .process.cwd = "/"'
	noci run -d lc-cwd2
	run noci exec --cwd /secret -u 1000:1000 lc-cwd2 pwd
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = /secret ]
}

@test "a missing cwd is made inside the container, even with a read-only root" {
	ln -s /../../.. rootfs/up
	d=sec-cwd-$$-$RANDOM
	update_config ".root.readonly = true | .process.cwd = \"/up/$d/dir\" | .process.args = [\"pwd\"]"
	run noci run "sec-$BATS_TEST_NUMBER"
	[ "$status" -eq 0 ]
	[ "$output" = "/$d/dir" ]
	[ -d "rootfs/$d/dir" ]
	[ ! -e "/$d" ]
}

@test "a cwd that escapes with .. or symlinks stays inside the container" {
	ln -s /../../../../../ rootfs/up
	update_config '.process.cwd = "/up/../.." | .process.args = ["pwd"]'
	run noci run "sec-$BATS_TEST_NUMBER"
	[ "$status" -eq 0 ]
	[ "$output" = "/" ]
}

@test "--preserve-fds and LISTEN_FDS pass exactly the fds asked for" {
	echo preserved >"$BATS_TEST_TMPDIR/p"
	update_config '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \"; cat <&3; echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID"]'
	run noci run --preserve-fds 1 "sec-$BATS_TEST_NUMBER" 3<"$BATS_TEST_TMPDIR/p" 4<"$BATS_TEST_TMPDIR/p"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 preserved" ]
	[ "${lines[1]}" = "LISTEN_FDS= LISTEN_PID=" ]
	LISTEN_FDS=2 run noci run "sec-$BATS_TEST_NUMBER" 3<"$BATS_TEST_TMPDIR/p" 4<"$BATS_TEST_TMPDIR/p" 5<"$BATS_TEST_TMPDIR/p"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 5 preserved" ]
	[ "${lines[1]}" = "LISTEN_FDS=2 LISTEN_PID=1" ]
}

# ---- the runtime binary: CVE-2019-5736 ---------------------------------------------------

@test "CVE-2019-5736 shape: a process in the container cannot open the waiting init's binary" {
	# Container A: created, its init waiting on exec.fifo (still the runtime's binary).
	update_config '.process.args = ["true"]'
	noci create sec-a
	pid=$(noci state sec-a | jq .pid)
	[ "$(readlink /proc/$pid/exe)" = "$(readlink -f "$NUCLEUS_OCI")" ]
	sum=$(sha256sum <"$NUCLEUS_OCI")
	# Container B: same pid namespace, root with the default capabilities, tries
	# to read and write the init's /proc/PID/exe (pid 1 there) and its memory.
	mkdir "$BATS_TEST_TMPDIR/b"
	jq --arg ns "/proc/$pid/ns/pid" --arg root "$BUNDLE/rootfs" \
		'.root = {"path": $root, "readonly": false} |
		 .linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $ns else . end] |
		 .process.args = ["sh", "-c", "readlink /proc/1/exe || echo link:denied;
			(exec 3<>/proc/1/exe) && echo rw:OPENED || echo rw:denied;
			cat /proc/1/exe >/dev/null && echo read:OPENED || echo read:denied;
			(exec 4</proc/1/mem) && echo mem:OPENED || echo mem:denied;
			readlink /proc/1/fd/0 && echo fds:OPENED || echo fds:denied;
			ls /proc/1/root/ >/dev/null && echo root:OPENED || echo root:denied"]' \
		config.json >"$BATS_TEST_TMPDIR/b/config.json"
	run noci run --bundle "$BATS_TEST_TMPDIR/b" sec-b
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"link:denied"* ]]
	[[ "$output" == *"rw:denied"* ]]
	[[ "$output" == *"read:denied"* ]]
	[[ "$output" == *"mem:denied"* ]]
	[[ "$output" == *"fds:denied"* ]]
	[[ "$output" == *"root:denied"* ]]
	[[ "$output" != *OPENED* ]]
	[ "$(sha256sum <"$NUCLEUS_OCI")" = "$sum" ]
	noci delete sec-a
}
