// C helpers for what Swift cannot call directly: libtiff's variadic field accessors, libtiff's
// per-handle error capture (libtiff >= 4.5), and syslog.
#ifndef IIP_SHIMS_H
#define IIP_SHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <tiffio.h>

/// Messages libtiff reported for one handle. Allocated by the caller; must outlive the TIFF handle.
typedef struct iip_tiff_messages {
    char last_error[512];
    int error_count;
    int warning_count;
} iip_tiff_messages;

/// Opens a TIFF file with error and warning handlers bound to `messages` (never the process-global ones).
/// `max_single_alloc` caps any single allocation libtiff makes for this handle (0: libtiff's default).
TIFF *iip_tiff_open(const char *path, const char *mode, iip_tiff_messages *messages, int64_t max_single_alloc);

/// Silences libtiff's process-global handlers, which would otherwise print to stderr.
void iip_tiff_silence_global_handlers(void);

int iip_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *out);
int iip_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *out);
int iip_tiff_get_float(TIFF *tif, uint32_t tag, float *out);
int iip_tiff_get_double(TIFF *tif, uint32_t tag, double *out);
int iip_tiff_get_string(TIFF *tif, uint32_t tag, const char **out);
/// Tags whose value is a count (uint32) and a pointer: ICCPROFILE, XMLPACKET, JPEGTABLES, PHOTOSHOP ...
int iip_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *count, const void **data);
/// SUBIFD: a uint16 count and an array of uint64 offsets.
int iip_tiff_get_subifds(TIFF *tif, uint16_t *count, const uint64_t **offsets);
/// EXTRASAMPLES: a uint16 count and a uint16 array.
int iip_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types);
/// Per-sample SMINSAMPLEVALUE / SMAXSAMPLEVALUE, read as one double (libtiff's default representation).
int iip_tiff_get_sample_value(TIFF *tif, uint32_t tag, double *out);

int iip_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value);
int iip_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int iip_tiff_set_int(TIFF *tif, uint32_t tag, int value);
int iip_tiff_set_double(TIFF *tif, uint32_t tag, double value);
int iip_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);
int iip_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data);
int iip_tiff_set_subifds(TIFF *tif, uint16_t count, const uint64_t *offsets);
int iip_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types);

/// Opens the system log with ident `ident` (facility LOG_USER), as iipsrv's LOGFILE=syslog does.
void iip_syslog_open(const char *ident);
/// Writes one message to the system log at `priority` (LOG_ERR ... LOG_DEBUG).
void iip_syslog_write(int priority, const char *message);

#endif
