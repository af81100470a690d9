// What every C ABI entry point of a handle shares: the closed/in-flight guard and the exception barrier.
#ifndef KAIROS_ABI_GUARD_H
#define KAIROS_ABI_GUARD_H

#include <atomic>
#include <cstdint>
#include <new>

#include "kairos/common.h"
#include "store/status.h"

namespace kairos::abi {

// Counts a call in flight so that close waits for it; fails if the handle is null, foreign (its magic is not
// `magic`) or closed. H has `uint64_t magic`, `std::atomic<bool> closed` and `std::atomic<int64_t> in_flight`;
// `what` names it in the messages ("store", "devices").
template <typename H>
class Call {
public:
    Call(H *h, uint64_t magic, const char *what) : h_(h) {
        if (h_ == nullptr) {
            status_ = fail(KAIROS_ERR_INVALID_ARGUMENT, "%s is null", what);
            return;
        }
        if (h_->magic != magic) {
            status_ = fail(KAIROS_ERR_INVALID_ARGUMENT, "%s is not a live %s handle", what, what);
            h_ = nullptr;
            return;
        }
        h_->in_flight.fetch_add(1, std::memory_order_seq_cst);
        if (h_->closed.load(std::memory_order_seq_cst)) status_ = fail(KAIROS_ERR_CLOSED, "%s is closed", what);
    }
    ~Call() {
        if (h_ != nullptr) h_->in_flight.fetch_sub(1, std::memory_order_release);
    }
    Call(const Call &) = delete;
    Call &operator=(const Call &) = delete;

    int32_t status() const { return status_; }

private:
    H *h_;
    int32_t status_ = KAIROS_OK;
};

// Runs body, turning any exception into a status: out of memory, or `unexpected` for anything else.
template <typename F>
int32_t guarded(F &&body, int32_t unexpected) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        return fail(KAIROS_ERR_NO_MEMORY, "out of memory");
    } catch (...) {
        return fail(unexpected, "unexpected internal error");
    }
}

}  // namespace kairos::abi

#endif
