#include "store/status.h"

#include <cstdarg>
#include <cstdio>

namespace kairos {
namespace {
thread_local char t_detail[512];
thread_local char t_corrupt[512];
thread_local bool t_corrupt_seen = false;
}

int32_t fail(int32_t status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vsnprintf(t_detail, sizeof(t_detail), format, args);
    va_end(args);
    return status;
}

void clear_error_detail() { t_detail[0] = '\0'; }

const char *error_detail() { return t_detail; }

void note_corrupt(const char *format, ...) {
    if (t_corrupt_seen) return;  // the first finding explains the rest
    t_corrupt_seen = true;
    va_list args;
    va_start(args, format);
    std::vsnprintf(t_corrupt, sizeof(t_corrupt), format, args);
    va_end(args);
}

void clear_corrupt() { t_corrupt_seen = false; }

int32_t take_corrupt(int32_t rc) {
    if (!t_corrupt_seen) return rc;
    t_corrupt_seen = false;
    return fail(KAIROS_ERR_CORRUPT, "the store's segment is corrupt: %s", t_corrupt);
}

}  // namespace kairos
