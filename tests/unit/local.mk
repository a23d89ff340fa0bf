# Unit tests for spec/: a TAP program run by automake's tap-driver.
check_PROGRAMS += tests/unit/test-spec
TESTS += tests/unit/test-spec
tests_unit_test_spec_SOURCES = tests/unit/test_spec.c
tests_unit_test_spec_LDADD = libocispec.a $(YAJL_LIBS)
