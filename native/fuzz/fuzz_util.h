// What the libFuzzer targets share: a reader that turns the fuzzer's bytes into op codes and arguments, unique
// segment names, and the object content every target writes and verifies.
#ifndef KAIROS_FUZZ_FUZZ_UTIL_H
#define KAIROS_FUZZ_FUZZ_UTIL_H

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kairos/store.h"

namespace kf {

// Reads the input front to back; past its end every read gives 0, so every input is a complete program.
class Input {
public:
    Input(const uint8_t *data, size_t size) : p_(data), end_(data + size) {}
    bool done() const { return p_ >= end_; }
    uint8_t u8() { return p_ < end_ ? *p_++ : 0; }
    uint16_t u16() { return static_cast<uint16_t>(u8() | u8() << 8); }
    uint32_t u32() { return static_cast<uint32_t>(u16()) | static_cast<uint32_t>(u16()) << 16; }
    uint64_t u64() { return static_cast<uint64_t>(u32()) | static_cast<uint64_t>(u32()) << 32; }
    // A size: mostly small, sometimes near the store's limits, sometimes anything.
    uint64_t size(uint64_t typical_max) {
        switch (u8() & 7) {
            case 0: return 0;
            case 1: return u64();
            case 2: return typical_max - (u8() & 63);
            case 3: return typical_max + u8();
            default: return u16() % (typical_max + 1);
        }
    }
    void bytes(uint8_t *out, size_t n) {
        for (size_t i = 0; i < n; i++) out[i] = u8();
    }

private:
    const uint8_t *p_;
    const uint8_t *end_;
};

// A store name of this process only: "<prefix>-<pid>-<n>". run.sh sets KAIROS_FUZZ_PREFIX to a token of its run and
// removes /dev/shm/kairos-<prefix>-* when the run ends (a crash leaves the segment of the iteration it crashed in).
inline std::string unique_store_name() {
    static unsigned long counter = 0;
    const char *prefix = std::getenv("KAIROS_FUZZ_PREFIX");
    char name[128];
    std::snprintf(name, sizeof name, "%s-%d-%lu", prefix != nullptr && *prefix != '\0' ? prefix : "fuzz",
                  static_cast<int>(::getpid()), counter++);
    return name;
}

// Object content: a function of the id and the byte index, so a reader verifies it without knowing the writer.
inline uint8_t content_byte(const uint8_t *id, uint64_t i) {
    return static_cast<uint8_t>((id[0] * 131u + id[15] * 7u + i * 29u + (i >> 8)) & 0xff);
}
inline void fill(uint8_t *data, uint64_t size, const uint8_t *id) {
    for (uint64_t i = 0; i < size; i++) data[i] = content_byte(id, i);
}
inline bool verify(const uint8_t *data, uint64_t size, const uint8_t *id) {
    for (uint64_t i = 0; i < size; i++) {
        if (data[i] != content_byte(id, i)) return false;
    }
    return true;
}

// A status every store call may return; anything else (or a crash) is a bug.
inline bool known_status(int32_t rc) { return rc <= 0 && rc >= KAIROS_ERR_UNSUPPORTED; }

// Stops the run with a message: libFuzzer saves the input as a crash.
[[noreturn]] inline void bug(const char *what, const char *detail = "") {
    std::fprintf(stderr, "kairos fuzz: %s %s\n", what, detail);
    std::abort();
}

inline int32_t check(int32_t rc) {
    if (!known_status(rc)) bug("unknown status", kairos_status_name(rc));
    if (rc != KAIROS_OK && kairos_last_error_detail()[0] == '\0') bug("a failure left no detail:", kairos_status_name(rc));
    return rc;
}

}  // namespace kf

#endif
