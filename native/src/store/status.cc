#include "store/status.h"

#include <cstdarg>
#include <cstdio>

namespace kairos {
namespace {
thread_local char t_detail[512];
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

}  // namespace kairos
