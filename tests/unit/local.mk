# Unit tests for spec/: a TAP program run by automake's tap-driver.
check_PROGRAMS += tests/unit/test-spec
TESTS += tests/unit/test-spec
tests_unit_test_spec_SOURCES = tests/unit/test_spec.c
tests_unit_test_spec_LDADD = libocispec.a $(YAJL_LIBS)
# Tests without an extension in TEST_EXTENSIONS use LOG_DRIVER, not
# TEST_LOG_DRIVER (that one is for ".test"); the unit test programs speak TAP.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh

# What `features` reports about confinement, and the seccomp compiler alone.
check_PROGRAMS += tests/unit/test-security
TESTS += tests/unit/test-security
tests_unit_test_security_SOURCES = tests/unit/test_security.c src/landlock.c \
	src/seccomp_filter.c src/unixsock.c src/log.c src/util.c src/error.c
tests_unit_test_security_LDADD = libocispec.a $(YAJL_LIBS) $(SECCOMP_LIBS)

# Unit tests for the mount option table and the context secret filter.
check_PROGRAMS += tests/unit/test-mount-opts
TESTS += tests/unit/test-mount-opts
tests_unit_test_mount_opts_SOURCES = tests/unit/test_mount_opts.c \
	src/mount_opts.c src/context.c src/log.c src/error.c src/util.c

# The systemd driver's cgroupsPath parsing (no systemd needed).
check_PROGRAMS += tests/unit/test-cgroup-path
TESTS += tests/unit/test-cgroup-path
tests_unit_test_cgroup_path_SOURCES = tests/unit/test_cgroup_path.c \
	src/cgroup_systemd.c src/cgroup_fs.c src/log.c src/error.c src/util.c
tests_unit_test_cgroup_path_LDADD = $(DL_LIBS)
