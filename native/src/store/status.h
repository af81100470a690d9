// Status codes and the per-thread error detail behind kairos_last_error_detail().
#ifndef KAIROS_STORE_STATUS_H
#define KAIROS_STORE_STATUS_H

#include <cstdint>

#include "kairos/store.h"

namespace kairos {

// Records a printf-style detail for this thread and returns status, so that call sites read
// `return fail(KAIROS_ERR_INVALID_ARGUMENT, "size %llu exceeds ...", ...)`.
int32_t fail(int32_t status, const char *format, ...) __attribute__((format(printf, 2, 3)));
void clear_error_detail();
const char *error_detail();

// Corruption found deep inside a store operation (a link, offset or size read from the segment that points outside
// its table or the arena). The helper that finds it calls note_corrupt() and skips the write it was about to make;
// the C ABI entry point then returns KAIROS_ERR_CORRUPT with the first such message (take_corrupt()). Per thread:
// every store call starts with clear_corrupt().
void note_corrupt(const char *format, ...) __attribute__((format(printf, 1, 2)));
void clear_corrupt();
// KAIROS_ERR_CORRUPT with its message if this thread noted corruption since clear_corrupt(), else rc.
int32_t take_corrupt(int32_t rc);

}  // namespace kairos

#endif
