/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OCI runtime-spec v1.3 data model: config.json, process.json,
 * LinuxResources (for `update`), state.json and features.json.
 *
 * Parsing is done once, with yajl, into these plain structs; validation of
 * shapes and values happens during the parse and produces an error naming the
 * JSON path.  Nothing in spec/ makes a system call besides allocating memory.
 *
 * Conventions:
 *   - strings are NUL-terminated, heap-owned, NULL when absent;
 *   - lists are {items, len}; len == 0 and items == NULL when absent;
 *   - optional scalars carry a `has_X` flag;
 *   - all of it is released by the matching *_free function.
 */
#ifndef NUCLEUS_OCI_SPEC_H
#define NUCLEUS_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_SPEC_VERSION "1.3.0"

struct spec_error {
	char msg[512];
};

struct oci_strv {
	char **items;
	size_t len;
};

struct oci_kv {
	char *key;
	char *value;
};

struct oci_kv_list {
	struct oci_kv *items;
	size_t len;
};

/* ---- process ---------------------------------------------------------- */

struct oci_box {
	bool present;
	uint32_t height;
	uint32_t width;
};

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* windows only, kept for round trips */
};

struct oci_capabilities {
	bool present;
	struct oci_strv bounding;
	struct oci_strv effective;
	struct oci_strv inheritable;
	struct oci_strv permitted;
	struct oci_strv ambient;
};

struct oci_rlimit {
	char *type;   /* "RLIMIT_NOFILE" as written */
	int resource; /* RLIMIT_NOFILE etc. resolved from type */
	uint64_t hard;
	uint64_t soft;
};

struct oci_scheduler {
	bool present;
	char *policy;     /* SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH,
	                     SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE */
	int policy_value; /* resolved SCHED_* constant */
	bool has_nice;
	int32_t nice;
	bool has_priority;
	int32_t priority;
	struct oci_strv flags; /* SCHED_FLAG_* names */
	uint64_t flags_value;  /* resolved bit mask */
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct oci_io_priority {
	bool present;
	char *klass;     /* IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE */
	int klass_value; /* 1, 2, 3 */
	int32_t priority;
};

struct oci_cpu_affinity {
	char *initial; /* cpu list such as "0-3,7" */
	char *final;
};

/* Landlock (nucleus-oci extension, shape of runtime-spec PR #1241). Access
 * rights are resolved to the kernel's LANDLOCK_ACCESS_* bit masks. */
struct oci_landlock_path_rule {
	uint64_t allowed_access;
	struct oci_strv paths;
};

struct oci_landlock_port_rule {
	uint64_t allowed_access;
	uint64_t *ports;
	size_t n_ports;
};

struct oci_landlock {
	bool present;
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	struct oci_landlock_path_rule *path_beneath;
	size_t n_path_beneath;
	struct oci_landlock_port_rule *net_port;
	size_t n_net_port;
	bool disable_best_effort;
};

struct oci_process {
	bool terminal;
	struct oci_box console_size;
	struct oci_user user;
	struct oci_strv args;
	char *command_line; /* windows only */
	struct oci_strv env;
	char *cwd;
	struct oci_capabilities capabilities;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile;
	char *selinux_label;
	struct oci_scheduler scheduler;
	struct oci_io_priority io_priority;
	struct oci_cpu_affinity exec_cpu_affinity;
	struct oci_landlock landlock;
};

/* ---- root, mounts, hooks ---------------------------------------------- */

struct oci_root {
	char *path;
	bool readonly;
};

struct oci_id_mapping {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct oci_mount {
	char *destination;
	char *type;
	char *source;
	struct oci_strv options;
	struct oci_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct oci_id_mapping *gid_mappings;
	size_t n_gid_mappings;
};

struct oci_hook {
	char *path;
	struct oci_strv args;
	struct oci_strv env;
	bool has_timeout;
	int timeout; /* seconds, > 0 */
};

struct oci_hook_list {
	struct oci_hook *items;
	size_t len;
};

struct oci_hooks {
	struct oci_hook_list prestart;
	struct oci_hook_list create_runtime;
	struct oci_hook_list create_container;
	struct oci_hook_list start_container;
	struct oci_hook_list poststart;
	struct oci_hook_list poststop;
};

/* ---- linux -------------------------------------------------------------- */

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_COUNT
};

struct oci_namespace {
	enum oci_ns_type type;
	char *path; /* join this one with setns when set */
};

struct oci_time_offset {
	char *clock; /* "monotonic" or "boottime" (the map key) */
	int64_t secs;
	uint32_t nanosecs;
	int clock_id; /* CLOCK_MONOTONIC or CLOCK_BOOTTIME, resolved from clock */
};

struct oci_device {
	char type; /* 'c', 'b', 'u', 'p' */
	char *path;
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct oci_device_rule {
	bool allow;
	char type; /* 'a', 'c', 'b'; 'a' when absent */
	bool has_major;
	int64_t major; /* -1 or absent means all */
	bool has_minor;
	int64_t minor;
	char *access; /* subset of "rwm"; NULL means "rwm" */
};

struct oci_memory {
	bool present;
	bool has_limit;
	int64_t limit;
	bool has_reservation;
	int64_t reservation;
	bool has_swap;
	int64_t swap;
	bool has_kernel;
	int64_t kernel;
	bool has_kernel_tcp;
	int64_t kernel_tcp;
	bool has_swappiness;
	uint64_t swappiness; /* 0..100 */
	bool has_disable_oom_killer;
	bool disable_oom_killer;
	bool has_use_hierarchy;
	bool use_hierarchy;
	bool has_check_before_update;
	bool check_before_update;
};

struct oci_cpu {
	bool present;
	bool has_shares;
	uint64_t shares;
	bool has_quota;
	int64_t quota;
	bool has_burst;
	uint64_t burst;
	bool has_period;
	uint64_t period;
	bool has_realtime_runtime;
	int64_t realtime_runtime;
	bool has_realtime_period;
	uint64_t realtime_period;
	char *cpus;
	char *mems;
	bool has_idle;
	int64_t idle;
};

struct oci_pids {
	bool present;
	bool has_limit;
	int64_t limit;
};

struct oci_weight_device {
	int64_t major;
	int64_t minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
};

struct oci_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct oci_throttle_list {
	struct oci_throttle_device *items;
	size_t len;
};

struct oci_blkio {
	bool present;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
	struct oci_weight_device *weight_device;
	size_t n_weight_device;
	struct oci_throttle_list throttle_read_bps;
	struct oci_throttle_list throttle_write_bps;
	struct oci_throttle_list throttle_read_iops;
	struct oci_throttle_list throttle_write_iops;
};

struct oci_hugepage_limit {
	char *page_size; /* "2MB" */
	uint64_t limit;
};

struct oci_net_priority {
	char *name;
	uint32_t priority;
};

struct oci_network {
	bool present;
	bool has_class_id;
	uint32_t class_id;
	struct oci_net_priority *priorities;
	size_t n_priorities;
};

struct oci_rdma_limit {
	char *device; /* the map key */
	bool has_hca_handles;
	uint32_t hca_handles;
	bool has_hca_objects;
	uint32_t hca_objects;
};

struct oci_resources {
	bool present;
	struct oci_device_rule *devices;
	size_t n_devices;
	struct oci_memory memory;
	struct oci_cpu cpu;
	struct oci_pids pids;
	struct oci_blkio blkio;
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct oci_network network;
	struct oci_rdma_limit *rdma;
	size_t n_rdma;
	struct oci_kv_list unified;
};

enum oci_seccomp_action {
	OCI_SCMP_ACT_KILL,
	OCI_SCMP_ACT_KILL_PROCESS,
	OCI_SCMP_ACT_KILL_THREAD,
	OCI_SCMP_ACT_TRAP,
	OCI_SCMP_ACT_ERRNO,
	OCI_SCMP_ACT_TRACE,
	OCI_SCMP_ACT_ALLOW,
	OCI_SCMP_ACT_LOG,
	OCI_SCMP_ACT_NOTIFY
};

enum oci_seccomp_op {
	OCI_SCMP_CMP_NE,
	OCI_SCMP_CMP_LT,
	OCI_SCMP_CMP_LE,
	OCI_SCMP_CMP_EQ,
	OCI_SCMP_CMP_GE,
	OCI_SCMP_CMP_GT,
	OCI_SCMP_CMP_MASKED_EQ
};

struct oci_seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum oci_seccomp_op op;
};

struct oci_seccomp_syscall {
	struct oci_strv names;
	enum oci_seccomp_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	enum oci_seccomp_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	struct oci_strv architectures; /* SCMP_ARCH_* names, validated */
	struct oci_strv flags;         /* SECCOMP_FILTER_FLAG_* names, validated */
	char *listener_path;
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t n_syscalls;
	uint32_t flags_value; /* SECCOMP_FILTER_FLAG_* bits resolved from flags */
};

struct oci_intel_rdt {
	char *clos_id;
	char *l3_cache_schema;
	char *mem_bw_schema;
	struct oci_strv schemata;
	bool enable_monitoring;
};

struct oci_memory_policy {
	char *mode; /* MPOL_DEFAULT, MPOL_BIND, ... */
	char *nodes;
	struct oci_strv flags;
	int mode_value;       /* MPOL_* constant resolved from mode */
	uint32_t flags_value; /* MPOL_F_* bits resolved from flags */
};

struct oci_personality {
	char *domain; /* LINUX or LINUX32 */
	struct oci_strv flags;
	unsigned long domain_value; /* PER_LINUX or PER_LINUX32 */
};

struct oci_net_device {
	char *host_name; /* the map key */
	char *name;      /* name inside the container; host_name when absent */
};

struct oci_linux {
	bool present;
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	struct oci_id_mapping *uid_mappings;
	size_t n_uid_mappings;
	struct oci_id_mapping *gid_mappings;
	size_t n_gid_mappings;
	struct oci_time_offset *time_offsets;
	size_t n_time_offsets;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct oci_resources resources;
	char *rootfs_propagation; /* private, shared, slave, unbindable,
	                             rprivate, rshared, rslave, runbindable */
	struct oci_seccomp *seccomp;
	struct oci_kv_list sysctl;
	struct oci_strv masked_paths;
	struct oci_strv readonly_paths;
	char *mount_label;
	struct oci_personality *personality;
	struct oci_intel_rdt *intel_rdt;
	struct oci_memory_policy *memory_policy;
	struct oci_net_device *net_devices;
	size_t n_net_devices;
	/* MS_PRIVATE, MS_SHARED, ... | MS_REC resolved from rootfs_propagation,
	 * 0 when absent */
	unsigned long rootfs_propagation_flags;
};

struct oci_config {
	char *oci_version;
	struct oci_process *process; /* NULL when absent */
	struct oci_root root;        /* root.path NULL when absent */
	struct oci_mount *mounts;
	size_t n_mounts;
	char *hostname;
	char *domainname;
	struct oci_hooks hooks;
	struct oci_kv_list annotations;
	struct oci_linux linux_;
};

/* Parse a config.json document.  `name` prefixes every error message
 * ("config.json").  Returns 0 or -EINVAL with err filled, e.g.
 * "config.json: process.args: expected an array of strings". */
int oci_config_parse(const char *json, size_t len, const char *name, struct oci_config **out,
                     struct spec_error *err);
void oci_config_free(struct oci_config *cfg);
/* The config's linux.namespaces entry of type t (new or joined by path), or NULL. */
const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg, enum oci_ns_type t);

/* Parse a runtime-spec Process object on its own (exec --process FILE). */
int oci_process_parse(const char *json, size_t len, const char *name, struct oci_process **out,
                      struct spec_error *err);
void oci_process_free(struct oci_process *p);

/* Parse a LinuxResources object on its own (update --resources FILE). */
int oci_resources_parse(const char *json, size_t len, const char *name, struct oci_resources **out,
                        struct spec_error *err);
void oci_resources_free(struct oci_resources *r);

/* A LinuxSeccomp object on its own (a seccomp profile file), and back to
 * JSON (indented, listenerPath and flags included when set). */
int oci_seccomp_parse(const char *json, size_t len, const char *name, struct oci_seccomp **out,
                      struct spec_error *err);
int oci_seccomp_emit(const struct oci_seccomp *s, char **out, size_t *out_len);
void oci_seccomp_free(struct oci_seccomp *s);

/* ---- state.json ---------------------------------------------------------- */

/* The runtime's record of one container: the OCI state plus the private
 * fields the runtime needs (kept under the "nucleus" key of state.json so the
 * document is still a valid OCI state). */
struct oci_state {
	char *oci_version;
	char *id;
	char *status; /* creating, created, running, stopped, paused */
	int pid;
	char *bundle;
	struct oci_kv_list annotations;
	/* private */
	uint64_t pid_start_time; /* field 22 of /proc/PID/stat */
	char *created;           /* RFC 3339 */
	char *rootfs;
	char *cgroup_path;
	char *owner;
	bool systemd_cgroup;
};

/* Emit the full state (with private fields) for the state dir. */
int oci_state_emit(const struct oci_state *st, char **out, size_t *out_len);
/* Emit only the OCI fields (for hooks, `state` prints its own format). */
int oci_state_emit_public(const struct oci_state *st, char **out, size_t *out_len);
int oci_state_parse(const char *json, size_t len, const char *name, struct oci_state **out,
                    struct spec_error *err);
void oci_state_free(struct oci_state *st);

/* ---- helpers ---------------------------------------------------------------- */

const char *oci_ns_type_name(enum oci_ns_type t); /* "pid", "network", ... */
int oci_ns_type_from_name(const char *name);      /* -1 when unknown */

/* Landlock access right names (without LANDLOCK_ACCESS_FS_/NET_ prefix). */
int oci_landlock_fs_access_from_name(const char *name, uint64_t *bit);
int oci_landlock_net_access_from_name(const char *name, uint64_t *bit);

/* "SCMP_ARCH_X86_64" -> "x86_64" (the name seccomp_arch_resolve_name takes);
 * NULL when unknown. */
const char *oci_seccomp_arch_libseccomp_name(const char *scmp_arch);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 when unknown. */
int oci_rlimit_resource_from_name(const char *name);

#endif
