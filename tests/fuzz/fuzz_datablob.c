// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the data blob parser. A blob that parses must have
 * the size it claims, write back byte for byte, parse again into the same
 * fields and give an AAD that is its own first bytes; a refused blob must
 * leave the output zeroed. The output is allocated with exactly the room
 * kseal_data_blob_room() asks for, as the module does, so a write past it
 * is an ASan report.
 */
#include <stdlib.h>

#include "fuzz_exact.h"
#include "kseal_datablob.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u8 zero[KSEAL_DATA_BLOB_ROOM(KSEAL_VERSIONS_MAX)];
	u16 room = kseal_data_blob_room(data, size);
	size_t room_bytes = KSEAL_DATA_BLOB_ROOM(room);
	struct kseal_data_blob *b, *b2;
	static u8 out[KSEAL_BLOB_MAX];
	u8 aad[KSEAL_DATA_AAD_SIZE], *short_buf;
	int kind, ret;

	if (room < 1 || room > KSEAL_VERSIONS_MAX)
		abort();
	b = fuzz_exact(room_bytes);
	b2 = fuzz_exact(room_bytes);
	kind = kseal_blob_kind(data, size);
	ret = kseal_data_blob_parse(data, size, b, room);
	if (ret) {
		if (ret != -EINVAL && ret != -EBADMSG)
			abort();
		if (memcmp(b, zero, room_bytes))
			abort();
		free(b);
		free(b2);
		return 0;
	}
	if (b->count != room)
		abort();
	if (kind != KSEAL_BLOB_KIND_DATA)
		abort();
	if (kseal_data_blob_size(b) != size || size > sizeof(out))
		abort();
	if (kseal_data_blob_write(b, out, sizeof(out)) != (ssize_t)size)
		abort();
	if (memcmp(out, data, size))
		abort();
	/* exactly one byte short: a write past the cap is an ASan report */
	short_buf = fuzz_exact(size - 1);
	if (kseal_data_blob_write(b, short_buf, size - 1) != -ENOSPC)
		abort();
	free(short_buf);
	if (kseal_data_blob_parse(out, size, b2, room) ||
	    memcmp(b, b2, room_bytes))
		abort();
	if (kseal_data_blob_aad(b, b->cur_version, aad) ||
	    memcmp(aad, data, KSEAL_DATA_FIXED_SIZE) ||
	    get_unaligned_be32(aad + KSEAL_DATA_FIXED_SIZE) != b->cur_version)
		abort();
	free(b);
	free(b2);
	return 0;
}
