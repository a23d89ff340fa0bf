# The runtime-spec data model (libocispec.a): parsing and validation of
# config.json, process.json, LinuxResources and state.json with yajl.
libocispec_a_SOURCES = \
	spec/oci_spec.h \
	spec/json.h spec/json.c \
	spec/names.c \
	spec/process.c \
	spec/resources.c \
	spec/linux.c \
	spec/seccomp_profile.c \
	spec/config.c \
	spec/state.c
