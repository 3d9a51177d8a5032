// C helpers for what Swift cannot call directly: libtiff's variadic field accessors, libtiff's
// per-handle error capture (libtiff >= 4.5), syslog, and the libpng and libjpeg sessions that report errors with
// longjmp.
#ifndef IIP_SHIMS_H
#define IIP_SHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <spawn.h>
#include <stdio.h>
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

/// A file libtiff reads through a caller's function (a remote object, say) instead of a descriptor. `read_at` reads
/// up to `count` bytes at `offset` into `buffer` and returns how many it read, or -1 on an error; the handle keeps
/// its own position and answers seeks and size queries from `length`. Owned by the caller, who keeps it alive until
/// TIFFClose.
typedef struct iip_tiff_client {
    void *context;
    int64_t (*read_at)(void *context, uint64_t offset, void *buffer, int64_t count);
    uint64_t length;
    uint64_t position;
} iip_tiff_client;

/// TIFFClientOpenExt over `client`, read-only, with the same error capture and allocation limit as iip_tiff_open.
TIFF *iip_tiff_client_open(const char *name, const char *mode, iip_tiff_client *client, iip_tiff_messages *messages,
                           int64_t max_single_alloc);

/// Returns the heap's free pages to the system (glibc's malloc_trim(0); nothing elsewhere). Walks every malloc
/// arena: a blocking call. Returns 1 when memory was released.
int iip_release_free_memory(void);

/// Adds "close every descriptor from `descriptor` up" to spawn file actions (glibc's
/// posix_spawn_file_actions_addclosefrom_np). Returns 0 on success.
int iip_spawn_close_from(posix_spawn_file_actions_t *actions, int descriptor);

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
/// COLORMAP: three uint16 arrays (red, green, blue) of 2^BitsPerSample entries each, owned by libtiff. Absent
/// (0) when the file has none, or one of another length (libtiff ignores a ColorMap of the wrong count).
int iip_tiff_get_colormap(TIFF *tif, const uint16_t **red, const uint16_t **green, const uint16_t **blue);
/// A SHORT (or one LONG) tag of the directory at file offset `offset` as the file stores it, read from the file
/// rather than from libtiff's directory: libtiff rewrites some values while reading (a palette image without a
/// usable ColorMap becomes MinIsBlack or RGB). The offset is the caller's: libtiff's TIFFCurrentDirOffset reads 0
/// once TIFFReadDirectory has gone past the last directory, whose fields stay loaded. Returns 1 and the first value, or 0 when the
/// tag is absent or unreadable.
int iip_tiff_stored_short(TIFF *tif, uint64_t offset, uint32_t tag, uint16_t *out);

int iip_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value);
int iip_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int iip_tiff_set_int(TIFF *tif, uint32_t tag, int value);
int iip_tiff_set_double(TIFF *tif, uint32_t tag, double value);
int iip_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);
int iip_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t count, const void *data);
int iip_tiff_set_subifds(TIFF *tif, uint16_t count, const uint64_t *offsets);
int iip_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types);
/// COLORMAP: three arrays of 2^BitsPerSample entries (set BitsPerSample first; libtiff copies that many).
int iip_tiff_set_colormap(TIFF *tif, const uint16_t *red, const uint16_t *green, const uint16_t *blue);

/// Opens the system log with ident `ident` (facility LOG_USER), as iipsrv's LOGFILE=syslog does.
void iip_syslog_open(const char *ident);
/// Writes one message to the system log at `priority` (LOG_ERR ... LOG_DEBUG).
void iip_syslog_write(int priority, const char *message);

// MARK: In-memory TIFF (TIFFClientOpenExt over a growable buffer)

/// A growable memory buffer a TIFF handle reads from or writes to. Opaque; create with iip_tiff_memory_create.
typedef struct iip_tiff_memory iip_tiff_memory;

/// Creates a buffer: empty (to write into) when `data` is NULL, else a copy of `data` (to read from).
iip_tiff_memory *iip_tiff_memory_create(const void *data, size_t length);
/// Opens a TIFF handle over `memory` ("w", "w8", "r" ...) with error and warning handlers bound to `messages`.
/// `memory` and `messages` must outlive the handle; TIFFClose does not free `memory`.
TIFF *iip_tiff_memory_open(iip_tiff_memory *memory, const char *mode, iip_tiff_messages *messages);
/// Hands over the bytes written so far (malloc'd; release with iip_free) and leaves `memory` empty.
unsigned char *iip_tiff_memory_take(iip_tiff_memory *memory, size_t *length);
/// Frees `memory` and any bytes it still holds.
void iip_tiff_memory_free(iip_tiff_memory *memory);

// MARK: PNG encoding (libpng's longjmp error handling stays inside C)

/// What to write besides the pixels. Pointers may be NULL when absent.
typedef struct iip_png_options {
    /// zlib level, 0-9.
    int compression_level;
    /// ICC profile for an iCCP chunk, and the profile name (1-79 Latin-1 characters; NULL means "ICC").
    const unsigned char *icc;
    size_t icc_length;
    const char *icc_name;
    /// XMP packet (UTF-8, need not be NUL-terminated) for an iTXt chunk keyed XML:com.adobe.xmp.
    const char *xmp;
    size_t xmp_length;
    /// pHYs: when has_phys, densities per metre (phys_unit_metre = 1) or an aspect ratio only (0).
    int has_phys;
    uint32_t phys_x;
    uint32_t phys_y;
    int phys_unit_metre;
    /// Text chunks as "key\0value\0key\0value\0..."; ASCII values go into tEXt, others into iTXt.
    const char *text_pairs;
    size_t text_pairs_length;
    /// An EXIF block (TIFF structure) for an eXIf chunk.
    const unsigned char *exif;
    size_t exif_length;
} iip_png_options;

/// Encodes interleaved pixels (1-4 channels, 8 or 16 bits; 16-bit samples in machine byte order) as PNG.
/// Returns 1 and a malloc'd buffer (release with iip_free) in `output`, or 0 with a message in `error`.
int iip_png_encode(const void *pixels, uint32_t width, uint32_t height, int channels, int bit_depth,
                   const iip_png_options *options, unsigned char **output, size_t *output_length, char *error,
                   size_t error_size);

// MARK: JPEG reading (libjpeg's longjmp error handling stays inside C)

/// What a JPEG's header says, and its metadata (each a malloc'd copy, NULL when absent; release them with
/// iip_jpeg_header_free).
typedef struct iip_jpeg_header {
    uint32_t width;
    uint32_t height;
    /// Components in the file, and libjpeg's J_COLOR_SPACE for them (1 grey, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK).
    int components;
    int color_space;
    int progressive;
    /// JFIF density: unit 0 (aspect ratio only), 1 (per inch) or 2 (per cm); 0 when there is no JFIF marker.
    int density_unit;
    uint16_t x_density;
    uint16_t y_density;
    /// The ICC profile (APP2 ICC_PROFILE chunks joined), XMP packet and EXIF block (APP1), without identifiers.
    unsigned char *icc;
    size_t icc_length;
    unsigned char *xmp;
    size_t xmp_length;
    unsigned char *exif;
    size_t exif_length;
} iip_jpeg_header;

/// Reads the header of the JPEG in `file` (from its start). Metadata blocks larger than `max_metadata` bytes are
/// left out (negative: no limit). Returns 1, or 0 with a message in `error`.
int iip_jpeg_read_header(FILE *file, int64_t max_metadata, iip_jpeg_header *header, char *error, size_t error_size);

/// Releases the metadata copies of `header`.
void iip_jpeg_header_free(iip_jpeg_header *header);

/// Decodes the area `width` x `height` at (`x`, `y`) of the JPEG in `file` scaled by 1/`scale_denominator` (1, 2, 4
/// or 8; coordinates in the scaled image), as 1 (grey) or 3 (RGB) channels, into `output` (`capacity` bytes, rows
/// packed). Only the scanlines down to the area are decoded and only the iMCU columns across it are transformed.
/// `fast` selects the fast integer inverse DCT; `max_memory` caps libjpeg's working memory (0: no cap). Returns 1,
/// or 0 with a message in `error`.
int iip_jpeg_decode_area(FILE *file, int scale_denominator, uint32_t x, uint32_t y, uint32_t width, uint32_t height,
                         int channels, int fast, int64_t max_memory, unsigned char *output, size_t capacity,
                         char *error, size_t error_size);

/// Releases memory the shims allocated with malloc.
void iip_free(void *pointer);

#endif
