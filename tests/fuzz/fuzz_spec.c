/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the spec/ parsers.  The first byte picks the
 * document kind (config, process, resources, state); the rest is the JSON.
 * A successful parse of a state document is emitted and parsed again, so the
 * emitter is covered too.  Every parse result is freed: leaks are findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "oci_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec_error err;
	const char *json;
	size_t len;

	if (size < 1)
		return 0;
	json = (const char *)data + 1;
	len = size - 1;
	switch (data[0] % 4) {
	case 0: {
		struct oci_config *cfg = NULL;
		if (oci_config_parse(json, len, "config.json", &cfg, &err) == 0)
			oci_config_free(cfg);
		break;
	}
	case 1: {
		struct oci_process *p = NULL;
		if (oci_process_parse(json, len, "process.json", &p, &err) == 0)
			oci_process_free(p);
		break;
	}
	case 2: {
		struct oci_resources *r = NULL;
		if (oci_resources_parse(json, len, "resources.json", &r, &err) == 0)
			oci_resources_free(r);
		break;
	}
	default: {
		struct oci_state *st = NULL, *again = NULL;
		char *out = NULL;
		size_t out_len;
		if (oci_state_parse(json, len, "state.json", &st, &err) < 0)
			break;
		if (oci_state_emit(st, &out, &out_len) == 0) {
			if (oci_state_parse(out, out_len, "state.json", &again, &err) < 0)
				abort(); /* what we write, we must read back */
			oci_state_free(again);
			free(out);
		}
		oci_state_free(st);
		break;
	}
	}
	return 0;
}
