# Private Podman and containerd set-ups for the engine tests (tests/bats/podman.bats,
# tests/bats/containerd.bats) and for tests/engines/engine-env.  Nothing here touches the
# host's own engine configuration: every path (storage, run state, sockets, configs) lives
# under one directory made for the purpose, and containerd is started in the background
# and stopped by its pid.
#
# Sourced by bash; functions are prefixed engines_.

ENGINES_BUSYBOX=${BUSYBOX:-/bin/busybox}
ENGINES_IMAGE=localhost/nucleus-test/busybox:latest
# No engine command may hang a test run: each is killed after this many seconds.
ENGINES_TIMEOUT=${ENGINES_TIMEOUT:-120}
# Engines start long-lived processes (conmon, shims) that would keep the test harness's
# own pipes open: they get stdio only.
ENGINES_CLOSE_FDS='for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done'

# The hard limits podman would otherwise ask for (1048576 open files) are above what this
# host allows without CAP_SYS_RESOURCE: ask for what the host can give.
engines_ulimits() {
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nofile" = unlimited ] && nofile=1048576
	[ "$nproc" = unlimited ] && nproc=1048576
	[ "$nofile" -gt 1048576 ] && nofile=1048576
	[ "$nproc" -gt 32768 ] && nproc=32768
	printf '"nofile=%s:%s", "nproc=%s:%s"' "$nofile" "$nofile" "$nproc" "$nproc"
}

# A rootfs tarball of Debian's busybox-static: /bin/busybox, one symlink per applet (a hard
# link with "hardlinks" as the second argument, as in Docker's busybox image),
# /etc/passwd and /etc/group with root and nobody.
engines_make_rootfs_tar() {
	local out=$1 dir app
	dir=$(mktemp -d "${TMPDIR:-/tmp}/noci-rootfs.XXXXXX")
	mkdir -p "$dir"/{bin,proc,sys,dev,etc,tmp,root,run,var/tmp}
	chmod 1777 "$dir/tmp" "$dir/var/tmp"
	cp "$ENGINES_BUSYBOX" "$dir/bin/busybox"
	for app in $("$ENGINES_BUSYBOX" --list); do
		[ -e "$dir/bin/$app" ] && continue
		if [ "${2:-}" = hardlinks ]; then
			ln "$dir/bin/busybox" "$dir/bin/$app"
		else
			ln -s busybox "$dir/bin/$app"
		fi
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$dir/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
	tar -C "$dir" -cf "$out" .
	rm -rf "$dir"
}

# ---- Podman ------------------------------------------------------------------------------

# engines_podman_setup DIR NUCLEUS_OCI: private containers.conf and storage.conf in DIR,
# nucleus-oci registered as runtime "nucleus" (and runc, crun as references), and the
# busybox image imported.  DIR must be short: the run root (DIR/rr) is limited to 50
# characters by podman.
engines_podman_setup() {
	local dir=$1 runtime=$2
	mkdir -p "$dir"/{root,rr,tmp,conmon}
	cat >"$dir/containers.conf" <<-CONF
	[containers]
	netns = "none"
	log_driver = "k8s-file"
	default_ulimits = [ $(engines_ulimits) ]

	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$dir/events.log"
	lock_type = "file"
	tmp_dir = "$dir/tmp"
	conmon_env_vars = [ "TMPDIR=$dir/conmon" ]
	runtime = "nucleus"
	runtime_supports_json = [ "crun", "runc", "nucleus" ]

	[engine.runtimes]
	nucleus = [ "$runtime" ]
	runc = [ "$(command -v runc || echo /usr/sbin/runc)" ]
	crun = [ "$(command -v crun || echo /usr/bin/crun)" ]
	CONF
	cat >"$dir/storage.conf" <<-CONF
	[storage]
	driver = "overlay"
	graphroot = "$dir/root"
	runroot = "$dir/rr"
	CONF
	: >"$dir/registries.conf"
	cat >"$dir/podman" <<-SH
	#!/bin/bash
	$ENGINES_CLOSE_FDS
	export CONTAINERS_CONF="$dir/containers.conf"
	export CONTAINERS_STORAGE_CONF="$dir/storage.conf"
	export CONTAINERS_REGISTRIES_CONF="$dir/registries.conf"
	exec podman --root "$dir/root" --runroot "$dir/rr" --tmpdir "$dir/tmp" \\
		--storage-driver overlay --cgroup-manager cgroupfs --events-backend file "\$@"
	SH
	chmod +x "$dir/podman"
	engines_podman_env "$dir"
	engines_make_rootfs_tar "$dir/rootfs.tar"
	engines_podman import --quiet "$dir/rootfs.tar" "$ENGINES_IMAGE" >/dev/null
}

# Point the environment at the private configuration in DIR.
engines_podman_env() {
	ENGINES_PODMAN_DIR=$1
	export CONTAINERS_CONF="$1/containers.conf"
	export CONTAINERS_STORAGE_CONF="$1/storage.conf"
	export CONTAINERS_REGISTRIES_CONF="$1/registries.conf"
}

# podman with every path private; the runtime is chosen with --runtime NAME.  A script,
# so that it also runs under `script -c` and from a person's shell.
engines_podman() {
	timeout -k 10 "$ENGINES_TIMEOUT" "$ENGINES_PODMAN_DIR/podman" "$@"
}

# Remove every container, then the storage (unmounting overlay layers first).
engines_podman_teardown() {
	local d=${1:-$ENGINES_PODMAN_DIR}
	[ -n "$d" ] && [ -d "$d" ] || return 0
	engines_podman_env "$d"
	engines_podman rm --all --force --time 0 >/dev/null 2>&1 || true
	engines_podman system reset --force >/dev/null 2>&1 || true
	engines_kill_leftovers "$d" libpod_parent
	grep -o " $d[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$d"
	engines_cgroup_remove libpod_parent
}

# ---- containerd --------------------------------------------------------------------------

# engines_containerd_start DIR: a private containerd (root, state, sockets under DIR) in
# the background; its pid in DIR/containerd.pid; waits until it answers.
engines_containerd_start() {
	local dir=$1 i
	mkdir -p "$dir"/{root,state,tmp}
	cat >"$dir/config.toml" <<-CONF
	version = 2
	root = "$dir/root"
	state = "$dir/state"
	disabled_plugins = [ "io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
	  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
	  "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp",
	  "io.containerd.internal.v1.tracing" ]

	[grpc]
	  address = "$dir/c.sock"

	[ttrpc]
	  address = "$dir/c.sock.ttrpc"

	[debug]
	  address = ""

	[metrics]
	  address = ""
	CONF
	cat >"$dir/ctr" <<-SH
	#!/bin/bash
	$ENGINES_CLOSE_FDS
	exec ctr --address "$dir/c.sock" --namespace nucleus-test "\$@"
	SH
	chmod +x "$dir/ctr"
	(
		eval "$ENGINES_CLOSE_FDS"
		TMPDIR="$dir/tmp" exec containerd --config "$dir/config.toml" </dev/null \
			>"$dir/containerd.log" 2>&1
	) &
	echo $! >"$dir/containerd.pid"
	ENGINES_CONTAINERD_DIR=$dir
	for i in $(seq 100); do
		engines_ctr version >/dev/null 2>&1 && return 0
		kill -0 "$(cat "$dir/containerd.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "containerd did not start; its log:" >&2
	cat "$dir/containerd.log" >&2
	return 1
}

engines_ctr() {
	timeout -k 10 "$ENGINES_TIMEOUT" "$ENGINES_CONTAINERD_DIR/ctr" "$@"
}

# Import the busybox image from a docker-archive made by podman in PODMAN_DIR.
engines_containerd_import() {
	local pdir=$1 archive="$ENGINES_CONTAINERD_DIR/busybox.tar"
	(engines_podman_env "$pdir" && engines_podman save --quiet --format docker-archive \
		-o "$archive" "$ENGINES_IMAGE")
	engines_ctr images import --no-unpack=false "$archive" >/dev/null
}

# Stop the private containerd by its pid; remove its tasks' leftovers and DIR.
engines_containerd_stop() {
	local dir=${1:-$ENGINES_CONTAINERD_DIR} pid i
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	ENGINES_CONTAINERD_DIR=$dir
	if [ -f "$dir/containerd.pid" ]; then
		pid=$(cat "$dir/containerd.pid")
		for c in $(engines_ctr containers list -q 2>/dev/null); do
			engines_ctr tasks kill --signal KILL "$c" >/dev/null 2>&1 || true
			engines_ctr tasks delete --force "$c" >/dev/null 2>&1 || true
			engines_ctr containers delete "$c" >/dev/null 2>&1 || true
		done
		kill "$pid" 2>/dev/null || true
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	# A shim whose task never got going outlives containerd: end it and its container.
	engines_kill_leftovers "$dir" nucleus-test
	grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$dir"
	engines_cgroup_remove nucleus-test
}

# ---- what a test reads back from the host ------------------------------------------------

# engines_cgroup_dir PID CONTROLLER: the host directory of PID's cgroup that holds
# CONTROLLER's files: the v1 hierarchy mounting it, or else the cgroup2 mount.
engines_cgroup_dir() {
	local pid=$1 ctrl=$2 line path mnt
	line=$(grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup" | head -1)
	if [ -n "$line" ]; then
		path=${line#*:*:}
		mnt=$(awk -v c="$ctrl" '{ split($0, p, " - "); split(p[2], f, " ");
			if (f[1] == "cgroup" && ("," f[3] ",") ~ ("," c ",")) { split(p[1], g, " "); print g[5]; exit } }' \
			/proc/self/mountinfo)
	else
		path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
		mnt=$(awk '{ split($0, p, " - "); split(p[2], f, " ");
			if (f[1] == "cgroup2") { split(p[1], g, " "); print g[5]; exit } }' /proc/self/mountinfo)
	fi
	[ -n "$mnt" ] && [ -n "$path" ] || return 1
	echo "$mnt${path%/}"
}

# The memory limit in bytes of PID's cgroup, as the kernel holds it.
engines_cgroup_memory_limit() {
	local dir
	dir=$(engines_cgroup_dir "$1" memory) || return 1
	if [ -f "$dir/memory.limit_in_bytes" ]; then
		cat "$dir/memory.limit_in_bytes"
	else
		cat "$dir/memory.max"
	fi
}

# "frozen" or "thawed": the freezer state of PID's cgroup.
engines_cgroup_freezer() {
	local dir
	dir=$(engines_cgroup_dir "$1" freezer) || return 1
	if [ -f "$dir/freezer.state" ]; then
		case $(cat "$dir/freezer.state") in
		FROZEN) echo frozen ;;
		*) echo thawed ;;
		esac
	else
		[ "$(cat "$dir/cgroup.freeze")" = 1 ] && echo frozen || echo thawed
	fi
}

# Remove what is left of a cgroup subtree the engines made (ctr puts containers under
# /<namespace>/, Podman under /libpod_parent/), in every hierarchy; busy ones stay.
engines_cgroup_remove() {
	local m
	for m in $(awk '{ split($0, p, " - "); split(p[2], f, " ");
		if (f[1] == "cgroup" || f[1] == "cgroup2") { split(p[1], g, " "); print g[5] } }' \
		/proc/self/mountinfo); do
		[ -d "$m/$1" ] && find "$m/$1" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	return 0
}

# engines_kill_leftovers DIR CGROUP: SIGKILL, one pid at a time, every process whose command
# line names DIR (conmon, shims of this set-up) and every process in the cgroup subtree
# CGROUP, which only this set-up's containers use.
engines_kill_leftovers() {
	local dir=$1 sub=$2 p m cmd
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = "$$" ] || [ "${p#/proc/}" = "$BASHPID" ] && continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		[[ $cmd == *"$dir"* ]] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	for m in $(awk '{ split($0, p, " - "); split(p[2], f, " ");
		if (f[1] == "cgroup" || f[1] == "cgroup2") { split(p[1], g, " "); print g[5] } }' \
		/proc/self/mountinfo); do
		[ -d "$m/$sub" ] || continue
		for p in $(find "$m/$sub" -name cgroup.procs -exec cat {} +); do
			kill -9 "$p" 2>/dev/null
		done
	done
	return 0
}
