# Private Podman and containerd set-ups for the engine tests (tests/bats/podman.bats,
# tests/bats/containerd.bats) and for tests/engines/engine-env.  Nothing here touches the
# host's own engine configuration: every path (storage, run state, sockets, configs) lives
# under one directory made for the purpose, and containerd is started in the background
# and stopped by its pid.
#
# Sourced by bash; functions are prefixed engines_.

ENGINES_BUSYBOX=${BUSYBOX:-/bin/busybox}
ENGINES_IMAGE=localhost/nucleus-test/busybox:latest

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

# A rootfs tarball of Debian's busybox-static: /bin/busybox, one symlink per applet,
# /etc/passwd and /etc/group with root and nobody.
engines_make_rootfs_tar() {
	local out=$1 dir app
	dir=$(mktemp -d "${TMPDIR:-/tmp}/noci-rootfs.XXXXXX")
	mkdir -p "$dir"/{bin,proc,sys,dev,etc,tmp,root,run,var/tmp}
	chmod 1777 "$dir/tmp" "$dir/var/tmp"
	cp "$ENGINES_BUSYBOX" "$dir/bin/busybox"
	for app in $("$ENGINES_BUSYBOX" --list); do
		[ -e "$dir/bin/$app" ] || ln -s busybox "$dir/bin/$app"
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
	[ -e "$CONTAINERS_REGISTRIES_CONF" ] || : >"$CONTAINERS_REGISTRIES_CONF"
}

# podman with every path private; the runtime is chosen with --runtime NAME.
engines_podman() {
	local d=$ENGINES_PODMAN_DIR
	podman --root "$d/root" --runroot "$d/rr" --tmpdir "$d/tmp" --storage-driver overlay \
		--cgroup-manager cgroupfs --events-backend file "$@"
}

# Remove every container, then the storage (unmounting overlay layers first).
engines_podman_teardown() {
	local d=${1:-$ENGINES_PODMAN_DIR}
	[ -n "$d" ] && [ -d "$d" ] || return 0
	engines_podman_env "$d"
	engines_podman rm --all --force --time 0 >/dev/null 2>&1 || true
	engines_podman system reset --force >/dev/null 2>&1 || true
	grep -o " $d[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$d"
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
	TMPDIR="$dir/tmp" containerd --config "$dir/config.toml" >"$dir/containerd.log" 2>&1 &
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
	ctr --address "$ENGINES_CONTAINERD_DIR/c.sock" --namespace nucleus-test "$@"
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
	grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$dir"
}
