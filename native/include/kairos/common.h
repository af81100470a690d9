/*
 * Kairos native core: what every part of the C ABI shares — the export macro, the status codes, and the
 * per-thread error detail. Every function of the ABI returns a status (KAIROS_OK or a negative KAIROS_ERR_*) and,
 * when it fails, leaves a message for the calling thread in kairos_last_error_detail() naming the field and the limit.
 */
#ifndef KAIROS_COMMON_H
#define KAIROS_COMMON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KAIROS_API __attribute__((visibility("default")))
#else
#define KAIROS_API
#endif

typedef enum kairos_status {
    KAIROS_OK = 0,
    KAIROS_ERR_INVALID_ARGUMENT = -1,   /* a null pointer, a bad size, name or timeout */
    KAIROS_ERR_CLOSED = -2,             /* the handle was closed */
    KAIROS_ERR_EXISTS = -3,             /* an object (or a live store) with this id (name) exists */
    KAIROS_ERR_NOT_FOUND = -4,          /* no such object (or store, or device allocation) */
    KAIROS_ERR_WRONG_STATE = -5,        /* e.g. seal of a sealed object, release without a pin */
    KAIROS_ERR_STORE_FULL = -6,         /* no room even after evicting every evictable object */
    KAIROS_ERR_TIMEOUT = -7,            /* get: the object was not sealed in time */
    KAIROS_ERR_TOO_MANY_CLIENTS = -8,   /* attach: KAIROS_STORE_MAX_CLIENTS already attached */
    KAIROS_ERR_IO = -9,                 /* shm_open, ftruncate or mmap failed (errno in the detail) */
    KAIROS_ERR_INCOMPATIBLE = -10,      /* the segment is not a store of this layout version */
    KAIROS_ERR_CORRUPT = -11,           /* the segment's lock is not recoverable, or a table in it is corrupt */
    KAIROS_ERR_NO_MEMORY = -12,         /* this process is out of memory */
    KAIROS_ERR_NO_DEVICE = -13,         /* no device with that index (or none at all) */
    KAIROS_ERR_DEVICE_OUT_OF_MEMORY = -14, /* the device has no room for the allocation */
    KAIROS_ERR_DEVICE = -15,            /* the device runtime failed (its error name in the detail) */
    KAIROS_ERR_UNSUPPORTED = -16        /* e.g. the CUDA backend asked of a library built without it */
} kairos_status;

/** The enum name of a status, e.g. "KAIROS_ERR_STORE_FULL"; "KAIROS_ERR_UNKNOWN" for other values. */
KAIROS_API const char *kairos_status_name(int32_t status);

/** A message for the last failed call on this thread, naming the field and the limit; "" if none. */
KAIROS_API const char *kairos_last_error_detail(void);

#ifdef __cplusplus
}
#endif

#endif /* KAIROS_COMMON_H */
