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

}  // namespace kairos

#endif
