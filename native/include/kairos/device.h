/*
 * Kairos GPU device management: the C ABI.
 *
 * One handle (kairos_devices) owns a backend and everything allocated through it:
 *   - CUDA (the runtime API), compiled in when CMake finds a CUDA toolkit (KAIROS_CUDA=AUTO|ON|OFF). A library
 *     built with it loads on a machine with no GPU or no driver and reports zero devices there;
 *   - simulated: host memory stands in for devices, described by a spec such as "2x16GiB" or "1x80GiB,2x24GiB"
 *     (the argument, else the environment variable KAIROS_SIMULATED_GPUS). Memory is taken from the host only as
 *     it is allocated; each device's capacity is accounted exactly as on a real one. Stream operations run in
 *     order when they are enqueued, so an event is complete as soon as it is recorded.
 *
 * Device memory is named by its address (uint64_t). Every device address passed in must lie inside one live
 * allocation of that device, with the whole range inside it: the library checks it against its allocation table
 * before the backend sees it. Streams and events are ids (uint64_t, never 0) owned by the handle; stream 0 means
 * "synchronous". Host memory given to an asynchronous copy must stay valid until its stream is synchronized.
 *
 * Every function returns KAIROS_OK or a negative KAIROS_ERR_* (common.h), checks every argument, and never aborts
 * or throws across the boundary; kairos_last_error_detail() then names the field and the limit. Every function
 * may be called from any thread; a call on a closed handle gets KAIROS_ERR_CLOSED.
 */
#ifndef KAIROS_DEVICE_H
#define KAIROS_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "kairos/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version: bumped on any incompatible change of this header. */
#define KAIROS_DEVICE_ABI_VERSION 1
/** The most devices one handle manages (simulated specs are held to it too). */
#define KAIROS_DEVICE_MAX 64
/** The longest simulated spec accepted, in characters. */
#define KAIROS_SIMULATED_SPEC_MAX 1024
/** The largest simulated device: 1 TiB. */
#define KAIROS_SIMULATED_DEVICE_MAX_BYTES (1ull << 40)
/** Device allocations are aligned to this many bytes (as cudaMalloc's). */
#define KAIROS_DEVICE_ALIGNMENT 256

typedef enum kairos_device_backend {
    KAIROS_DEVICE_BACKEND_AUTO = 0,      /* CUDA if it finds a device, else simulated if a spec is given, else none */
    KAIROS_DEVICE_BACKEND_CUDA = 1,
    KAIROS_DEVICE_BACKEND_SIMULATED = 2,
    KAIROS_DEVICE_BACKEND_NONE = 3       /* reported by AUTO when it found nothing: zero devices */
} kairos_device_backend;

typedef struct kairos_device_info {
    int32_t index;
    int32_t backend;               /* a kairos_device_backend */
    char name[256];                /* e.g. "NVIDIA H100 80GB HBM3"; "Kairos Simulated GPU" */
    char uuid[48];                 /* "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi prints it */
    char pci_bus_id[32];           /* "0000:65:00.0"; simulated: "SIM:0000:00:00.<index>" */
    uint64_t total_memory;         /* bytes */
    uint64_t free_memory;          /* bytes, now */
    int32_t compute_major;         /* compute capability; 0.0 for a simulated device */
    int32_t compute_minor;
} kairos_device_info;

typedef struct kairos_devices kairos_devices; /* an opaque handle */

/** The ABI version of the loaded library (KAIROS_DEVICE_ABI_VERSION it was built with). */
KAIROS_API int32_t kairos_device_abi_version(void);

/** 1 if this library was built with the CUDA backend, else 0. */
KAIROS_API int32_t kairos_device_cuda_compiled(void);

/**
 * Opens a backend. backend: a kairos_device_backend other than NONE. simulated_spec: for SIMULATED and AUTO, the
 * devices to simulate ("NxSIZE[,NxSIZE...]", SIZE an integer with an optional unit B, KiB, MiB, GiB, TiB (K, M, G,
 * T alike) or KB, MB, GB, TB (powers of 1000); "" for none); NULL reads KAIROS_SIMULATED_GPUS.
 * CUDA asked of a library built without it: KAIROS_ERR_UNSUPPORTED. CUDA with no GPU or driver: zero devices.
 */
KAIROS_API int32_t kairos_devices_open(int32_t backend, const char *simulated_spec, kairos_devices **out);

/**
 * Frees every allocation, stream, event and pinned buffer still held, then the backend; waits for calls in flight.
 * Idempotent. The small handle stays allocated so that a late call returns KAIROS_ERR_CLOSED rather than touching
 * freed memory; call kairos_devices_free when no other thread can use the handle any more.
 */
KAIROS_API int32_t kairos_devices_close(kairos_devices *devices);

/** Closes (if still open) and frees the handle itself; null is a no-op. */
KAIROS_API int32_t kairos_devices_free(kairos_devices *devices);

/** The backend in use: CUDA, SIMULATED or NONE. */
KAIROS_API int32_t kairos_devices_backend(kairos_devices *devices, int32_t *out);

KAIROS_API int32_t kairos_devices_count(kairos_devices *devices, int32_t *out);

/** Fills out for device 0..count-1 (free memory as of now). */
KAIROS_API int32_t kairos_devices_info(kairos_devices *devices, int32_t device, kairos_device_info *out);

/** Allocates size (>= 1) bytes on device; KAIROS_ERR_DEVICE_OUT_OF_MEMORY if it has no room. */
KAIROS_API int32_t kairos_device_alloc(kairos_devices *devices, int32_t device, uint64_t size, uint64_t *out_address);

/** Frees an allocation (its start address); KAIROS_ERR_NOT_FOUND if it is not a live allocation of device. */
KAIROS_API int32_t kairos_device_free(kairos_devices *devices, int32_t device, uint64_t address);

/** The bytes on device still allocated through this handle. */
KAIROS_API int32_t kairos_device_allocated(kairos_devices *devices, int32_t device, uint64_t *out);

/** Sets size bytes at address (inside one allocation of device) to (uint8_t) value. */
KAIROS_API int32_t kairos_device_memset(kairos_devices *devices, int32_t device, uint64_t address, int32_t value,
                                        uint64_t size);

/** Host to device: size bytes from src to address on device. stream 0: returns when done; else enqueued on it. */
KAIROS_API int32_t kairos_device_copy_to_device(kairos_devices *devices, int32_t device, uint64_t address,
                                                const void *src, uint64_t size, uint64_t stream);

/** Device to host: size bytes from address on device to dst. */
KAIROS_API int32_t kairos_device_copy_to_host(kairos_devices *devices, int32_t device, void *dst, uint64_t address,
                                              uint64_t size, uint64_t stream);

/** Device to device, on one device or across two (peer copy). */
KAIROS_API int32_t kairos_device_copy_device(kairos_devices *devices, int32_t dst_device, uint64_t dst,
                                             int32_t src_device, uint64_t src, uint64_t size, uint64_t stream);

/** A stream on device: its operations run in the order enqueued. */
KAIROS_API int32_t kairos_device_stream_create(kairos_devices *devices, int32_t device, uint64_t *out_stream);
KAIROS_API int32_t kairos_device_stream_synchronize(kairos_devices *devices, uint64_t stream);
KAIROS_API int32_t kairos_device_stream_destroy(kairos_devices *devices, uint64_t stream);

/** An event on device, recorded on a stream of that device; query tells whether the work before it is done. */
KAIROS_API int32_t kairos_device_event_create(kairos_devices *devices, int32_t device, uint64_t *out_event);
KAIROS_API int32_t kairos_device_event_record(kairos_devices *devices, uint64_t event, uint64_t stream);
KAIROS_API int32_t kairos_device_event_query(kairos_devices *devices, uint64_t event, int32_t *out_done);
KAIROS_API int32_t kairos_device_event_synchronize(kairos_devices *devices, uint64_t event);
KAIROS_API int32_t kairos_device_event_destroy(kairos_devices *devices, uint64_t event);

/** Page-locked host memory for staging copies (plain aligned host memory on the simulated backend). */
KAIROS_API int32_t kairos_host_alloc_pinned(kairos_devices *devices, uint64_t size, void **out);
KAIROS_API int32_t kairos_host_free_pinned(kairos_devices *devices, void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* KAIROS_DEVICE_H */
