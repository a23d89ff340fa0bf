#!/usr/bin/env bats
# Kubernetes' CRI: containerd 1.6's CRI plugin runs pods with nucleus-oci as the runtime
# handler "nucleus" (io.containerd.runc.v2 with options.BinaryName, as in
# contrib/engines/containerd-config.toml), driven by crictl as the kubelet drives it.
# One private containerd per file (tests/cri/cri.bash) in a network namespace of its own
# with a bridge CNI; images come from tests/cri/registry.py on 127.0.0.1.  The handler
# "runc" is the reference for the lifecycle and the OOM report.
#
# crictl v1.28 is taken from $CRI_TOOLS or ../shared/tools/cri beside the source tree;
# without it the file is skipped (Debian has no cri-tools package).
#
# With CRI_SYSTEMD_CGROUP=1 (tests/vm/cri-systemd.test, in a VM whose PID 1 is systemd)
# both handlers use the systemd cgroup driver (SystemdCgroup = true) and each pod's
# cgroup_parent is a slice as the kubelet's systemd driver sends it: containers and
# sandboxes are then the transient scopes cri-containerd-ID.scope in their pod's slice.

bats_require_minimum_version 1.5.0
load helpers
source "$BATS_TEST_DIRNAME/../engines/engines.bash"
source "$BATS_TEST_DIRNAME/../cri/cri.bash"

# A skip in setup_file fails the file with Debian's bats 1.8.2: setup_file says why
# in CRI_SKIP and each test skips with it.
setup_file() {
	export NUCLEUS_SRCDIR=${NUCLEUS_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
	export CRI_SKIP=""
	if ! command -v containerd >/dev/null; then
		CRI_SKIP="containerd is not installed (contrib/deps.sh test)"
		return 0
	fi
	if [ ! -x /usr/lib/cni/bridge ]; then
		CRI_SKIP="the CNI plugins are not installed (contrib/deps.sh test)"
		return 0
	fi
	if systemd_driver && [ ! -d /run/systemd/system ]; then
		CRI_SKIP="CRI_SYSTEMD_CGROUP=1 needs systemd as PID 1"
		return 0
	fi
	CRI_DIR=$(mktemp -d /tmp/noci-cri.XXXXXX)
	# Every pod's cgroups go under this parent, which only this file uses: a directory,
	# or with the systemd driver a slice (its name as the kubelet's "kubepods").
	CRI_PARENT=noci-cri-${CRI_DIR##*.}
	CRI_CGROUP_TOP=$CRI_PARENT
	if systemd_driver; then
		CRI_PARENT=noci_cri_${CRI_DIR##*.}
		CRI_CGROUP_TOP=$CRI_PARENT.slice
	fi
	export CRI_DIR CRI_PARENT CRI_CGROUP_TOP
	local why
	if ! why=$(cri_tools "$CRI_DIR/tools" crictl); then
		rm -rf "$CRI_DIR"
		CRI_SKIP=$why
		return 0
	fi
	cri_start "$CRI_DIR" "$NUCLEUS_OCI"
}

teardown_file() {
	# Nothing was started when setup_file skipped.
	if [ -d "${CRI_DIR:-}" ]; then
		cri_stop "$CRI_DIR" "$CRI_CGROUP_TOP"
	fi
}

setup() {
	[ -z "${CRI_SKIP:-}" ] || skip "$CRI_SKIP"
}

teardown() {
	[ -n "${CRI_SKIP:-}" ] || cri_crictl rmp --force --all >/dev/null 2>&1 || true
}

# The handlers use the systemd cgroup driver.
systemd_driver() {
	[ "${CRI_SYSTEMD_CGROUP:-0}" = 1 ]
}

# run, and keep what was seen for the report of a failing test.
r() {
	run "$@"
	printf '# $ %s\n# status %s\n%s\n' "$*" "$status" "$output"
}

# The pid namespace mode of pods and containers: 1 (CONTAINER, the kubelet's default: each
# container has its own) or 0 (POD: one for the pod, shareProcessNamespace).
PID_MODE=1

# pod_slice NAME: with the systemd driver, the slice of the pod NAME as the kubelet names
# a best-effort pod's (kubepods-besteffort-pod<uid with "_" for "-">.slice).
pod_slice() {
	local uid=uid-$1
	echo "$CRI_PARENT-besteffort-pod${uid//-/_}.slice"
}

# pod_cgroup_parent NAME: the pod's cgroup_parent: $CRI_PARENT, or with the systemd driver
# the full path of the pod's slice, as the kubelet sends it.
pod_cgroup_parent() {
	if systemd_driver; then
		echo "/$CRI_PARENT.slice/$CRI_PARENT-besteffort.slice/$(pod_slice "$1")"
	else
		echo "/$CRI_PARENT"
	fi
}

# ctr_cgroup NAME ID: the end of the cgroup path of the container or sandbox ID of the pod
# NAME: a directory named ID in the parent, or the scope containerd names for ID
# (cgroupsPath "SLICE:cri-containerd:ID") in the pod's slice.
ctr_cgroup() {
	if systemd_driver; then
		echo "$(pod_slice "$1")/cri-containerd-$2.scope"
	else
		echo "$CRI_PARENT/$2"
	fi
}

# unit_prop UNIT PROPERTY: one property as systemctl show has it.
unit_prop() {
	systemctl show -p "$2" --value "$1"
}

# unit_gone UNIT: systemd no longer knows UNIT (it unloads a stopped unit shortly after).
unit_gone() {
	local i
	for i in $(seq 50); do
		[ "$(unit_prop "$1" LoadState)" = not-found ] && return 0
		sleep 0.1
	done
	echo "unit $1 is still there: $(systemctl status --no-pager "$1" 2>&1)"
	return 1
}

# The scopes of this file's pods (in a slice below $CRI_PARENT.slice) that systemd still
# knows, in any state.
units_left() {
	local u
	for u in $(systemctl list-units --all --no-legend --plain 'cri-containerd-*.scope' | awk '{ print $1 }'); do
		[[ "$(unit_prop "$u" Slice)" == "$CRI_PARENT"-* ]] && echo "$u"
	done
	return 0
}

# Cgroups left below the pods' parent: every directory (cgroupfs driver), or every scope
# (the systemd driver: the pods' slices are the kubelet's to remove, as cri_stop does).
cgroups_left() {
	local m
	for m in $(awk '{ split($0, p, " - "); split(p[2], f, " ");
		if (f[1] == "cgroup" || f[1] == "cgroup2") { split(p[1], g, " "); print g[5] } }' \
		/proc/self/mountinfo); do
		[ -d "$m/$CRI_CGROUP_TOP" ] || continue
		if systemd_driver; then
			find "$m/$CRI_CGROUP_TOP" -mindepth 1 -type d -name '*.scope'
		else
			find "$m/$CRI_CGROUP_TOP" -mindepth 1 -type d
		fi
	done
}

# pod_config NAME: a pod sandbox config (CRI JSON) in $CRI_DIR/NAME-pod.json.
pod_config() {
	local name=$1
	mkdir -p "$CRI_DIR/logs/$name"
	jq -n --arg name "$name" --arg logs "$CRI_DIR/logs/$name" --arg parent "$(pod_cgroup_parent "$name")" \
		--argjson pid "$PID_MODE" '{
		metadata: { name: $name, namespace: "noci-cri", uid: ("uid-" + $name), attempt: 0 },
		hostname: $name, log_directory: $logs,
		linux: { cgroup_parent: $parent,
			security_context: { namespace_options: { pid: $pid } } } }' >"$CRI_DIR/$name-pod.json"
}

# ctr_config POD NAME ARGS...: a container config in $CRI_DIR/POD-NAME.json; extra jq
# applied from $CTR_JQ.
ctr_config() {
	local pod=$1 name=$2 cmd='[]' a
	shift 2
	# One at a time: jq would take an argument such as -c as its own option.
	for a in "$@"; do
		cmd=$(jq -c --arg a "$a" '. + [$a]' <<<"$cmd")
	done
	jq -n --arg name "$name" --arg image "$CRI_IMAGE" --argjson cmd "$cmd" --argjson pid "$PID_MODE" '{
		metadata: { name: $name }, image: { image: $image }, command: $cmd,
		log_path: ($name + ".log"),
		linux: { security_context: { namespace_options: { pid: $pid } } } }' | jq "${CTR_JQ:-.}" >"$CRI_DIR/$pod-$name.json"
}

# runp NAME: a ready pod of the handler $RT; its id in $POD.
runp() {
	pod_config "$1"
	POD=$(cri_crictl runp --runtime "$RT" "$CRI_DIR/$1-pod.json")
	[ -n "$POD" ]
}

# create_ctr POD_NAME NAME ARGS...: a created container in the pod $POD; its id in $CTR.
create_ctr() {
	local pod=$1 name=$2
	shift 2
	ctr_config "$pod" "$name" "$@"
	CTR=$(cri_crictl create "$POD" "$CRI_DIR/$pod-$name.json" "$CRI_DIR/$pod-pod.json")
	[ -n "$CTR" ]
}

# The process PID is gone.
dead() {
	! kill -0 "$1" 2>/dev/null
}

# The process PID is gone or a zombie.
ended() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ]
}

ctr_field() { # ID JQ
	cri_crictl inspect "$1" | jq -r "$2"
}

pod_field() { # ID JQ
	cri_crictl inspectp "$1" | jq -r "$2"
}

wait_ctr_state() {
	local i
	for i in $(seq 150); do
		[ "$(ctr_field "$1" .status.state)" = "$2" ] && return 0
		sleep 0.2
	done
	echo "container $1 did not reach $2: $(ctr_field "$1" .status.state)"
	return 1
}

# The runtime's state directory (the shim's --root Root/k8s.io) for this handler.
rt_state() {
	echo "$CRI_DIR/rt-$RT/k8s.io"
}

# ---- scenarios ---------------------------------------------------------------------------

# runp, create, start, logs, stop, rm, stopp, rmp: each step seen through crictl and the host.
lifecycle() {
	local pid spid ctr_cg netns
	runp "life-$RT"
	r pod_field "$POD" '.status.state + " " + .status.runtimeHandler'
	[ "$output" = "SANDBOX_READY $RT" ]
	# The sandbox got its address from the CNI bridge.
	r pod_field "$POD" .status.network.ip
	[[ "$output" == 10.88.* ]]
	# The handler's runtime made it: its state directory holds the sandbox.
	[ -d "$(rt_state)/$POD" ]
	spid=$(pod_field "$POD" .info.pid)
	kill -0 "$spid"
	netns=$(cri_path "$(pod_field "$POD" '.info.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')")
	[ -e "$netns" ]
	# The sandbox's cgroup: in the pod's parent, named after it.
	r engines_cgroup_dir "$spid" memory
	[[ "$output" == */"$(ctr_cgroup "life-$RT" "$POD")" ]]

	create_ctr "life-$RT" c1 sh -c 'echo hello from $(hostname); echo to-stderr >&2; exec sleep 1000'
	r ctr_field "$CTR" .status.state
	[ "$output" = CONTAINER_CREATED ]
	r cri_crictl start "$CTR"
	[ "$status" -eq 0 ]
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	pid=$(ctr_field "$CTR" .info.pid)
	# In the pod's cgroup parent, in a cgroup named after the container.
	ctr_cg=$(engines_cgroup_dir "$pid" memory)
	[[ "$ctr_cg" == */"$(ctr_cgroup "life-$RT" "$CTR")" ]]
	if systemd_driver; then
		# A running transient scope of systemd, in the pod's slice, delegated.
		r unit_prop "cri-containerd-$CTR.scope" ActiveState
		[ "$output" = active ]
		r unit_prop "cri-containerd-$CTR.scope" Slice
		[ "$output" = "$(pod_slice "life-$RT")" ]
		r unit_prop "cri-containerd-$CTR.scope" Delegate
		[ "$output" = yes ]
		r unit_prop "cri-containerd-$CTR.scope" ControlGroup
		[[ "$ctr_cg" == */"${output#/}" ]]
		r unit_prop "cri-containerd-$POD.scope" ActiveState
		[ "$output" = active ]
	fi

	for i in $(seq 50); do
		[ "$(cri_crictl logs "$CTR" 2>&1 | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	r cri_crictl logs "$CTR"
	[[ "$output" == *"hello from life-$RT"* ]]
	[[ "$output" == *"to-stderr"* ]]

	# sleep as PID 1 ignores SIGTERM: stop sends SIGKILL once the timeout is over.
	r cri_crictl stop --timeout 1 "$CTR"
	[ "$status" -eq 0 ]
	r ctr_field "$CTR" '.status.state + " " + (.status.exitCode | tostring)'
	[ "$output" = "CONTAINER_EXITED 137" ]
	dead "$pid"
	r cri_crictl rm "$CTR"
	[ "$status" -eq 0 ]
	[ ! -e "$(rt_state)/$CTR" ]
	[ ! -d "$ctr_cg" ]
	if systemd_driver; then
		unit_gone "cri-containerd-$CTR.scope"
	fi

	r cri_crictl stopp "$POD"
	[ "$status" -eq 0 ]
	r pod_field "$POD" .status.state
	[ "$output" = SANDBOX_NOTREADY ]
	dead "$spid"
	r cri_crictl rmp "$POD"
	[ "$status" -eq 0 ]
	r cri_crictl pods -q --id "$POD"
	[ -z "$output" ]
	[ ! -e "$(rt_state)/$POD" ]
	[ ! -e "$netns" ]
	if systemd_driver; then
		unit_gone "cri-containerd-$POD.scope"
	fi
}

# A container whose memory limit is exceeded is killed by the kernel and reported so.
# With the systemd driver the limit is the running scope's MemoryMax (MemoryLimit on
# cgroup v1), and on cgroup v2 the pod slice's memory.events counts the limit reached and
# the kill (v2 counts a cgroup's events in its ancestors too).  containerd learns of the
# kill by reading the container cgroup's memory.events, which systemd removes with the
# scope once it is empty: the report can be lost, for runc as for nucleus-oci (a race of
# containerd's with systemd scopes; containerd's own CI skips critest's OOMKilled spec
# with systemd cgroups).  There the kill is asserted and a lost report noted in the TAP.
oom_killed() {
	local limit=$((32 * 1024 * 1024)) events="" i
	runp "oom-$RT"
	# Once told to, the string doubles until it does not fit in the limit.
	CTR_JQ=".linux.resources = { memory_limit_in_bytes: $limit }" \
		create_ctr "oom-$RT" eater sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done
			a=x; while :; do a="$a$a"; done'
	r cri_crictl start "$CTR"
	[ "$status" -eq 0 ]
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	if systemd_driver; then
		if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
			r unit_prop "cri-containerd-$CTR.scope" MemoryMax
			events=/sys/fs/cgroup$(pod_cgroup_parent "oom-$RT")/memory.events
		else
			r unit_prop "cri-containerd-$CTR.scope" MemoryLimit
		fi
		[ "$output" = "$limit" ]
	fi
	r cri_crictl exec -s "$CTR" touch /tmp/go
	[ "$status" -eq 0 ]
	wait_ctr_state "$CTR" CONTAINER_EXITED
	# containerd may hear of the kill just after the exit.
	for i in $(seq 25); do
		[ "$(ctr_field "$CTR" .status.reason)" = OOMKilled ] && break
		sleep 0.2
	done
	r ctr_field "$CTR" '.status.reason + " " + (.status.exitCode | tostring)'
	if ! systemd_driver; then
		[ "$output" = "OOMKilled 137" ]
		return
	fi
	[[ "$output" == *" 137" ]]
	[ "$output" = "OOMKilled 137" ] ||
		echo "# $RT: containerd lost the OOM report (\"$output\"): the scope's cgroup went first" >&3
	if [ -n "$events" ]; then
		r cat "$events"
		[ "$(awk '$1 == "max" { print $2 }' <<<"$output")" -ge 1 ]
		[ "$(awk '$1 == "oom_kill" { print $2 }' <<<"$output")" -ge 1 ]
	fi
}

# ---- the tests ---------------------------------------------------------------------------

@test "cri [nucleus-oci]: runp, create, start, logs, stop, rm, stopp, rmp" { RT=nucleus lifecycle; }
@test "cri [runc]: runp, create, start, logs, stop, rm, stopp, rmp" { RT=runc lifecycle; }

@test "cri [nucleus-oci]: exec -s and exec run in the container and return its status" {
	RT=nucleus
	runp exec-pod
	create_ctr exec-pod c1 sleep 1000
	cri_crictl start "$CTR"
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	# ExecSync: output and exit status of the process.
	r cri_crictl exec -s "$CTR" sh -c 'echo sync $(cat /proc/1/comm)'
	[ "$status" -eq 0 ]
	[ "$output" = "sync sleep" ]
	r cri_crictl exec -s "$CTR" sh -c 'exit 3'
	[ "$status" -ne 0 ]
	[[ "$output" == *"exited with 3"* ]]
	# Exec through containerd's streaming server.
	r cri_crictl exec "$CTR" sh -c 'echo stream $(hostname) $(id -u)'
	[ "$status" -eq 0 ]
	[ "$output" = "stream exec-pod 0" ]
	# In the same cgroups as the container's init (PID 1 of its pid namespace), seen from
	# the container: with a cgroup namespace (containerd gives one on cgroup v2) the host
	# sees other paths.
	r cri_crictl exec -s "$CTR" cat /proc/1/cgroup
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	init_cg=$output
	r cri_crictl exec -s "$CTR" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$init_cg" ]
	# A missing command is an error with the runtime's reason.
	r cri_crictl exec -s "$CTR" no-such-command
	[ "$status" -ne 0 ]
	[[ "$output" == *"no-such-command"* ]]
	[[ "$output" == *"not found"* ]]
}

@test "cri [nucleus-oci]: stats reports the container's cpu and memory" {
	RT=nucleus
	runp stats-pod
	create_ctr stats-pod c1 sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; exec sleep 1000'
	cri_crictl start "$CTR"
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	r cri_crictl stats -o json --id "$CTR"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.stats[0].attributes.id' <<<"$output")" = "$CTR" ]
	[ "$(jq -r '.stats[0].memory.workingSetBytes.value | tonumber > 0' <<<"$output")" = true ]
	[ "$(jq -r '.stats[0].cpu.usageCoreNanoSeconds.value | tonumber > 0' <<<"$output")" = true ]
}

@test "cri [nucleus-oci]: two containers of a pod share its network, ipc and uts namespaces" {
	RT=nucleus
	local spid p1 p2 ns
	runp two-pod
	spid=$(pod_field "$POD" .info.pid)
	create_ctr two-pod c1 sh -c 'echo from-c1 >/dev/shm/c1; exec sleep 1000'
	c1=$CTR
	create_ctr two-pod c2 sleep 1000
	c2=$CTR
	cri_crictl start "$c1"
	cri_crictl start "$c2"
	wait_ctr_state "$c1" CONTAINER_RUNNING
	wait_ctr_state "$c2" CONTAINER_RUNNING
	p1=$(ctr_field "$c1" .info.pid)
	p2=$(ctr_field "$c2" .info.pid)
	for ns in net ipc uts; do
		[ "$(readlink "/proc/$p1/ns/$ns")" = "$(readlink "/proc/$spid/ns/$ns")" ]
		[ "$(readlink "/proc/$p2/ns/$ns")" = "$(readlink "/proc/$spid/ns/$ns")" ]
	done
	# Each container has its own pid namespace (the pod's default) and mount namespace.
	[ "$(readlink "/proc/$p1/ns/pid")" != "$(readlink "/proc/$p2/ns/pid")" ]
	[ "$(readlink "/proc/$p1/ns/mnt")" != "$(readlink "/proc/$p2/ns/mnt")" ]
	# What the user sees: one hostname, one address, one /dev/shm.
	r cri_crictl exec -s "$c2" sh -c 'hostname; cat /dev/shm/c1; ip -4 -o addr show eth0'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = two-pod ]
	[ "${lines[1]}" = from-c1 ]
	[[ "${lines[2]}" == *"inet $(pod_field "$POD" .status.network.ip)/"* ]]
}

@test "cri [nucleus-oci]: a container killed by its memory limit is reported as OOMKilled" { RT=nucleus oom_killed; }
@test "cri [runc]: a container killed by its memory limit is reported as OOMKilled" { RT=runc oom_killed; }

@test "cri [nucleus-oci]: a missing command fails start with the runtime's reason" {
	RT=nucleus
	runp bad-pod
	create_ctr bad-pod c1 no-such-command
	r cri_crictl start "$CTR"
	[ "$status" -ne 0 ]
	[[ "$output" == *'no-such-command\": executable file not found in $PATH'* ]]
	# The failed container left no runtime state.
	[ ! -e "$(rt_state)/$CTR" ]
}

@test "cri [nucleus-oci]: rmp --force of a running pod leaves nothing behind" {
	RT=nucleus
	local spid pid netns
	runp gone-pod
	create_ctr gone-pod c1 sh -c 'sleep 1000 & sleep 1001 & wait'
	cri_crictl start "$CTR"
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	spid=$(pod_field "$POD" .info.pid)
	pid=$(ctr_field "$CTR" .info.pid)
	netns=$(cri_path "$(pod_field "$POD" '.info.runtimeSpec.linux.namespaces[] | select(.type == "network") | .path')")
	r cri_crictl rmp --force "$POD"
	[ "$status" -eq 0 ]
	dead "$spid"
	dead "$pid"
	[ ! -e "$netns" ]
	# No runtime state, no cgroup, no mount, no shim of this pod.
	[ -z "$(ls -A "$(rt_state)")" ]
	r cgroups_left
	[ -z "$output" ]
	if systemd_driver; then
		# Nor a unit: of this pod, or of any pod of the earlier tests (the OOM-killed ones too).
		unit_gone "cri-containerd-$CTR.scope"
		unit_gone "cri-containerd-$POD.scope"
		r units_left
		[ -z "$output" ]
	fi
	[ -z "$(grep -e "$POD" -e "$CTR" "/proc/$(cat "$CRI_DIR/containerd.pid")/mountinfo")" ]
	[ -z "$(pgrep -f -- "$POD")" ]
}

# The shim runs `kill --all ID KILL` when the init of a container without a pid namespace of
# its own exits: the init's children in the pod's namespace must go with it.
@test "cri [nucleus-oci]: in a pod sharing its pid namespace, a container's processes end with it" {
	RT=nucleus
	PID_MODE=0
	local pid cg procs p
	runp shared-pod
	create_ctr shared-pod c1 sh -c 'sleep 1001 & sleep 1002 & exec sleep 1000'
	cri_crictl start "$CTR"
	wait_ctr_state "$CTR" CONTAINER_RUNNING
	pid=$(ctr_field "$CTR" .info.pid)
	cg=$(engines_cgroup_dir "$pid" pids)
	for i in $(seq 50); do
		[ "$(wc -l <"$cg/cgroup.procs")" -ge 3 ] && break
		sleep 0.1
	done
	procs=$(cat "$cg/cgroup.procs")
	[ "$(echo "$procs" | wc -l)" -eq 3 ]
	# Not PID 1 of its namespace: the init ends on SIGTERM.
	r cri_crictl stop --timeout 10 "$CTR"
	[ "$status" -eq 0 ]
	r ctr_field "$CTR" '.status.state + " " + (.status.exitCode | tostring)'
	[ "$output" = "CONTAINER_EXITED 143" ]
	# Killed: gone, or a zombie of the test's pause process (busybox sleep, which reaps none).
	for p in $procs; do
		for i in $(seq 50); do
			ended "$p" && break
			sleep 0.1
		done
		ended "$p"
	done
}
