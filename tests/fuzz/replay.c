/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.c - main() for fuzz targets on builds without libFuzzer: runs every
 * file of the seed corpus, then pseudo-random mutations of them, through
 * LLVMFuzzerTestOneInput.  A crash or sanitizer report fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static uint8_t seeds[64][4096];
	static size_t seed_len[64];
	size_t n_seeds = 0, runs = 0;
	DIR *d = argc > 1 ? opendir(argv[1]) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		char path[4096];
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		size_t slot = n_seeds < 64 ? n_seeds++ : 63;
		seed_len[slot] = fread(seeds[slot], 1, sizeof(seeds[slot]), f);
		fclose(f);
		LLVMFuzzerTestOneInput(seeds[slot], seed_len[slot]);
		runs++;
	}
	if (d)
		closedir(d);
	for (int i = 0; i < 20000; i++) {
		uint8_t buf[4096];
		size_t len;
		if (n_seeds && (next() & 3)) {
			size_t s = next() % n_seeds;
			len = seed_len[s];
			memcpy(buf, seeds[s], len);
			for (int m = 0, nm = 1 + (int)(next() % 8); m < nm && len; m++)
				buf[next() % len] ^= (uint8_t)(1u << (next() % 8));
			if (next() % 4 == 0)
				len = next() % (len + 1);
		} else {
			len = next() % sizeof(buf);
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)next();
		}
		LLVMFuzzerTestOneInput(buf, len);
		runs++;
	}
	printf("replayed %zu inputs (%zu seeds)\n1 passed, 0 failed\n", runs, n_seeds);
	return 0;
}
