/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cgroup v2 device filter.  cgroup2 has no devices controller: access
 * to device nodes is decided by a BPF_PROG_TYPE_CGROUP_DEVICE program
 * attached to the cgroup.  The program is built here, instruction by
 * instruction, from the runtime-spec rules (last matching rule wins, no
 * match denies), loaded and attached with raw bpf(2) calls, and replaces
 * the program attached before (on `update`).
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "cgroup_bpf.h"
#include "util.h"

#define MAX_INSNS 4096

/* The few instruction shapes the filter needs. */
#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(dst, src, off)  INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_IMM(op, d, imm) INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, imm)
#define MOV32_REG(d, s)       INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, imm)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, imm)
#define JNE_IMM(d, imm)       INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, 0, imm)
#define JNE_REG(d, s)         INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, 0, 0)
#define EXIT_INSN()           INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5 };

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int access_mask(const char *access)
{
	int m = 0;

	for (const char *p = access ? access : "rwm"; *p; p++)
		m |= *p == 'r'   ? BPF_DEVCG_ACC_READ
		     : *p == 'w' ? BPF_DEVCG_ACC_WRITE
		                 : BPF_DEVCG_ACC_MKNOD;
	return m;
}

/* One rule: a block that falls through to the next block when it does not
 * match.  *always is set when the rule matches everything (no test). */
static size_t emit_rule(struct bpf_insn *out, const struct oci_device_rule *d, bool *always)
{
	const int all = BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
	int acc = access_mask(d->access);
	size_t n = 0;

	if (d->type != 'a')
		out[n++] = JNE_IMM(R2, d->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (acc != all) {
		/* every requested access must be in the rule's set */
		out[n++] = MOV32_REG(R1, R3);
		out[n++] = ALU32_IMM(BPF_AND, R1, acc);
		out[n++] = JNE_REG(R1, R3);
	}
	if (d->has_major && d->major >= 0)
		out[n++] = JNE_IMM(R4, (int32_t)d->major);
	if (d->has_minor && d->minor >= 0)
		out[n++] = JNE_IMM(R5, (int32_t)d->minor);
	*always = n == 0;
	out[n++] = MOV64_IMM(R0, d->allow ? 1 : 0);
	out[n++] = EXIT_INSN();
	for (size_t i = 0; i < n; i++)
		if (BPF_CLASS(out[i].code) == BPF_JMP && BPF_OP(out[i].code) == BPF_JNE)
			out[i].off = (int16_t)(n - i - 1);
	return n;
}

static size_t build_program(const struct oci_device_rule *rules, size_t n, struct bpf_insn *prog)
{
	bool always = false;
	size_t len = 0;

	/* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor */
	prog[len++] = LDX_W(R2, R1, 0);
	prog[len++] = ALU32_IMM(BPF_AND, R2, 0xffff);
	prog[len++] = LDX_W(R3, R1, 0);
	prog[len++] = ALU32_IMM(BPF_RSH, R3, 16);
	prog[len++] = LDX_W(R4, R1, 4);
	prog[len++] = LDX_W(R5, R1, 8);
	/* The last matching rule decides: test them from the end.  The verifier
	 * refuses unreachable code: stop after a rule that matches everything. */
	for (size_t i = n; i-- > 0 && len + 16 < MAX_INSNS && !always;)
		len += emit_rule(prog + len, &rules[i], &always);
	if (!always) {
		prog[len++] = MOV64_IMM(R0, 0);
		prog[len++] = EXIT_INSN();
	}
	return len;
}

static int load_program(const struct bpf_insn *prog, size_t len, struct nerr *e)
{
	static char log[8192];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof attr);
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = (uint32_t)len;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof log;
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0 && errno == ENOSPC) {
		/* the verifier log did not fit: load again without one */
		attr.log_buf = 0;
		attr.log_size = 0;
		attr.log_level = 0;
		fd = sys_bpf(BPF_PROG_LOAD, &attr);
	}
	if (fd < 0)
		return nerr_sys(e, errno, "load the eBPF device filter (%zu instructions)%s%.200s",
		                len, log[0] ? ": " : "", log);
	return fd;
}

/* The ids of the device programs attached to the cgroup now. */
static int query_attached(int cgfd, uint32_t *ids, uint32_t max)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof attr);
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = max;
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return -errno;
	return (int)attr.query.prog_cnt;
}

static void detach_by_id(int cgfd, uint32_t id)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof attr);
	attr.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return;
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &attr);
	close(fd);
}

int cg_bpf_set_devices(const char *dir, const struct oci_device_rule *rules, size_t n,
                       struct nerr *e)
{
	_cleanup_free_ struct oci_device_rule *all = NULL;
	_cleanup_free_ struct bpf_insn *prog = xcalloc(MAX_INSNS, sizeof *prog);
	_cleanup_close_ int cgfd = -1, progfd = -1;
	uint32_t old[64];
	size_t total = cg_device_rules(rules, n, &all), len;
	union bpf_attr attr;
	int n_old;

	len = build_program(all, total, prog);
	progfd = load_program(prog, len, e);
	if (progfd < 0)
		return progfd;
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return nerr_sys(e, errno, "open cgroup %s", dir);
	n_old = query_attached(cgfd, old, ARRAY_SIZE(old));
	memset(&attr, 0, sizeof attr);
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)progfd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	/* Attach the new filter before detaching the old one: never a moment without. */
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return nerr_sys(e, errno, "attach the eBPF device filter to %s", dir);
	for (int i = 0; i < n_old; i++)
		detach_by_id(cgfd, old[i]);
	return 0;
}
