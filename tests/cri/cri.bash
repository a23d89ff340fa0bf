# A private containerd with its CRI plugin, driven by crictl as the kubelet drives it, for
# tests/bats/cri.bats and tests/cri/critest.sh (make critest).
#
# Everything lives under one directory: containerd's root, state, sockets and config, the
# CNI configuration and its address leases, the pods' logs, and the runtimes' state
# (--root).  containerd, the registry and every client run in a network namespace of their
# own (held by one `unshare --net` process), so the CNI bridge and its addresses never
# reach the host's network.  Images come from tests/cri/registry.py on 127.0.0.1 in that
# namespace, through containerd's registry mirrors.  Two runtime handlers: "nucleus"
# (nucleus-oci) and "runc", both io.containerd.runc.v2 with options.BinaryName, cgroupfs;
# with CRI_SYSTEMD_CGROUP=1 both get SystemdCgroup = true (the shim runs the runtime with
# --systemd-cgroup, as on a host whose kubelet uses the systemd cgroup driver).
#
# Sourced by bash after tests/engines/engines.bash; functions are prefixed cri_.

CRI_IMAGE=docker.io/library/busybox:1.28
CRI_TIMEOUT=${CRI_TIMEOUT:-120}
# The registry names critest's images use; each gets a mirror entry.
CRI_REGISTRIES="docker.io registry.k8s.io gcr.io k8s.gcr.io quay.io localhost"
# 1: the handlers use the systemd cgroup driver (systemd must be PID 1).
CRI_SYSTEMD_CGROUP=${CRI_SYSTEMD_CGROUP:-0}

# cri_tools DIR [TOOL...]: the tools (default crictl and critest, v1.28) in DIR.  From
# $CRI_TOOLS (a folder with them, plain or .xz), else the shared tools beside the source
# tree (../shared/tools/cri), else PATH.  Prints why on failure.
cri_tools() {
	local dir=$1 src t
	shift
	[ $# -gt 0 ] || set -- crictl critest
	mkdir -p "$dir"
	for src in "${CRI_TOOLS:-}" "$NUCLEUS_SRCDIR/../shared/tools/cri"; do
		[ -n "$src" ] && [ -d "$src" ] || continue
		for t in "$@"; do
			if [ -x "$src/$t" ]; then
				cp "$src/$t" "$dir/$t"
			elif [ -f "$src/$t.xz" ]; then
				xz -dc "$src/$t.xz" >"$dir/$t" && chmod +x "$dir/$t"
			fi
		done
		cri_have_tools "$dir" "$@" && return 0
	done
	for t in "$@"; do
		command -v "$t" >/dev/null && ln -sf "$(command -v "$t")" "$dir/$t"
	done
	cri_have_tools "$dir" "$@" && return 0
	echo "$* (cri-tools v1.28) not found: set CRI_TOOLS to a folder holding them (Debian has no cri-tools package)"
	return 1
}

cri_have_tools() { # DIR TOOL...
	local dir=$1 t
	shift
	for t in "$@"; do
		[ -x "$dir/$t" ] || return 1
	done
}

# cri_start DIR NUCLEUS_OCI: network namespace, registry, containerd with the CRI plugin;
# crictl's pull of the test image.  Sets CRI_DIR.
cri_start() {
	local dir=$1 runtime=$2 port i r mirrors="" systemd=false
	CRI_DIR=$dir
	if [ "$CRI_SYSTEMD_CGROUP" = 1 ]; then
		if [ ! -d /run/systemd/system ]; then
			echo "CRI_SYSTEMD_CGROUP=1: systemd is not running as PID 1 here"
			return 1
		fi
		systemd=true
	fi
	mkdir -p "$dir"/{root,state,tmp,cni,cni-ipam,logs,image,opt,rt-nucleus,rt-runc}
	# The network namespace: a process that holds it; everything else joins it by pid.
	(
		eval "$ENGINES_CLOSE_FDS"
		exec unshare --net sh -c 'ip link set lo up && exec sleep 2147483647' </dev/null >/dev/null 2>&1
	) &
	echo $! >"$dir/netns.pid"
	for i in $(seq 50); do
		[ "$(readlink "/proc/$(cat "$dir/netns.pid")/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.1
	done
	engines_make_rootfs_tar "$dir/rootfs.tar" hardlinks
	python3 "$NUCLEUS_SRCDIR/tests/cri/registry.py" image "$dir/rootfs.tar" "$dir/image" || return 1
	(
		eval "$ENGINES_CLOSE_FDS"
		exec nsenter -t "$(cat "$dir/netns.pid")" -n python3 "$NUCLEUS_SRCDIR/tests/cri/registry.py" \
			serve "$dir/image" "$dir/registry.port" </dev/null >"$dir/registry.log" 2>&1
	) &
	echo $! >"$dir/registry.pid"
	for i in $(seq 100); do
		[ -s "$dir/registry.port" ] && break
		sleep 0.1
	done
	port=$(cat "$dir/registry.port") || return 1
	for r in $CRI_REGISTRIES; do
		mirrors+="[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"$r\"]
  endpoint = [ \"http://127.0.0.1:$port\" ]
"
	done
	cat >"$dir/cni/10-noci.conflist" <<-CONF
	{
	  "cniVersion": "0.4.0",
	  "name": "noci-cri",
	  "plugins": [
	    { "type": "bridge", "bridge": "noci-cri0", "isGateway": true, "ipMasq": false,
	      "hairpinMode": true,
	      "ipam": { "type": "host-local", "dataDir": "$dir/cni-ipam",
	                "ranges": [ [ { "subnet": "10.88.0.0/16" } ] ],
	                "routes": [ { "dst": "0.0.0.0/0" } ] } },
	    { "type": "portmap", "capabilities": { "portMappings": true } }
	  ]
	}
	CONF
	cat >"$dir/config.toml" <<-CONF
	version = 2
	root = "$dir/root"
	state = "$dir/state"
	disabled_plugins = [ "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
	  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
	  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing" ]

	[grpc]
	  address = "$dir/c.sock"
	[ttrpc]
	  address = "$dir/c.sock.ttrpc"
	[debug]
	  address = ""
	[metrics]
	  address = ""

	[plugins."io.containerd.internal.v1.opt"]
	  path = "$dir/opt"

	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "registry.k8s.io/pause:3.6"
	  # No CAP_SYS_RESOURCE here: never ask for an oom_score_adj below containerd's own.
	  restrict_oom_score_adj = true
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	  enable_selinux = false

	[plugins."io.containerd.grpc.v1.cri".containerd]
	  default_runtime_name = "runc"
	  snapshotter = "overlayfs"

	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nucleus]
	  runtime_type = "io.containerd.runc.v2"
	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nucleus.options]
	  BinaryName = "$runtime"
	  Root = "$dir/rt-nucleus"
	  SystemdCgroup = $systemd

	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
	  runtime_type = "io.containerd.runc.v2"
	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
	  BinaryName = "$(command -v runc || echo /usr/sbin/runc)"
	  Root = "$dir/rt-runc"
	  SystemdCgroup = $systemd

	[plugins."io.containerd.grpc.v1.cri".cni]
	  bin_dir = "/usr/lib/cni"
	  conf_dir = "$dir/cni"

	$mirrors
	CONF
	cat >"$dir/crictl.yaml" <<-CONF
	runtime-endpoint: unix://$dir/c.sock
	image-endpoint: unix://$dir/c.sock
	timeout: 60
	CONF
	# containerd and its shims get a mount namespace of their own, where every v1 hierarchy
	# that /proc/PID/cgroup lists is mounted: the shim's cgroup loader (stats, OOM events)
	# gives up on a process when one is not, for any runtime.  The pods' network namespaces
	# (containerd 1.6 keeps them in /var/run/netns) go to a tmpfs of that namespace.  Their
	# mounts (rootfs, shm, netns) end with it.
	(
		eval "$ENGINES_CLOSE_FDS"
		TMPDIR="$dir/tmp" exec nsenter -t "$(cat "$dir/netns.pid")" -n \
			unshare --mount --propagation private bash -c "$(declare -f cri_mount_cgroups)
			cri_mount_cgroups '$dir/cgroup'; mkdir -p /run/netns &&
			mount -t tmpfs -o mode=0755,size=1m noci-cri-netns /run/netns &&
			exec containerd --config '$dir/config.toml'" \
			</dev/null >"$dir/containerd.log" 2>&1
	) &
	echo $! >"$dir/containerd.pid"
	for i in $(seq 150); do
		cri_crictl info >/dev/null 2>&1 && break
		if ! kill -0 "$(cat "$dir/containerd.pid")" 2>/dev/null || [ "$i" = 150 ]; then
			echo "containerd did not start; its log:"
			tail -50 "$dir/containerd.log"
			return 1
		fi
		sleep 0.2
	done
	cri_crictl pull "$CRI_IMAGE" >/dev/null || {
		echo "pulling $CRI_IMAGE from the local registry failed; registry log:"
		tail -20 "$dir/registry.log"
		return 1
	}
}

# cri_mount_cgroups DIR: mount under DIR each v1 hierarchy of /proc/self/cgroup that has
# no mount in this mount namespace (a hierarchy the kernel keeps for cgroups left in it).
cri_mount_cgroups() {
	local line ctrls first
	while IFS= read -r line; do
		ctrls=${line#*:}
		ctrls=${ctrls%%:*}
		[ -n "$ctrls" ] || continue
		first=${ctrls%%,*}
		awk -v c="$first" '{ split($0, p, " - "); split(p[2], f, " ");
			if (f[1] == "cgroup" && ("," f[3] ",") ~ ("," c ",")) found = 1 }
			END { exit !found }' /proc/self/mountinfo && continue
		mkdir -p "$1/$ctrls"
		mount -t cgroup -o "$ctrls" cgroup "$1/$ctrls" ||
			echo "warning: cannot mount the cgroup hierarchy $ctrls: no stats or OOM events" >&2
	done </proc/self/cgroup
}

# cri_path PATH: PATH as containerd sees it (its own mount namespace).  /var/run is the
# symbolic link /run, which /proc/PID/root would resolve in the caller's namespace.
cri_path() {
	local p=$1
	[[ $p == /var/run/* ]] && p=${p#/var}
	echo "/proc/$(cat "$CRI_DIR/containerd.pid")/root$p"
}

# crictl (or another client, with CRI_CLIENT) in the namespace of containerd, bounded.
cri_crictl() {
	timeout -k 10 "$CRI_TIMEOUT" nsenter -t "$(cat "$CRI_DIR/netns.pid")" -n \
		"$CRI_DIR/tools/crictl" --config "$CRI_DIR/crictl.yaml" "$@"
}

# cri_stop DIR [PARENT]: every pod removed, containerd, the registry and the namespace
# holder stopped by their pids, what is left under DIR (mounts, processes) removed with it,
# and the cgroup PARENT of the pods (with the systemd driver a slice, stopped through
# systemd) with what is left in it.
cri_stop() {
	local dir=${1:-$CRI_DIR} parent=${2:-} f pid i
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then
		return 0
	fi
	CRI_DIR=$dir
	if [ -f "$dir/containerd.pid" ] && kill -0 "$(cat "$dir/containerd.pid")" 2>/dev/null; then
		CRI_TIMEOUT=60 cri_crictl rmp --force --all >/dev/null 2>&1 || true
	fi
	for f in containerd registry netns; do
		[ -f "$dir/$f.pid" ] || continue
		pid=$(cat "$dir/$f.pid")
		kill "$pid" 2>/dev/null || true
		for i in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	done
	engines_kill_leftovers "$dir" "${parent:-noci-cri-none}"
	grep -o " $dir[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$dir"
	if [[ $parent == *.slice ]] && [ -d /run/systemd/system ]; then
		systemctl stop "$parent" >/dev/null 2>&1 || true
	fi
	[ -n "$parent" ] && engines_cgroup_remove "$parent"
	return 0
}
