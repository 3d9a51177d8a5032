/*
 * iipsrv_async_module.h: the C ABI of iipsrv-async decoder modules, version 1.
 *
 * A decoder module is a shared library that reads an image format the server does not read itself. The server
 * loads the libraries named in DECODER_MODULES (comma-separated paths) once, at start-up, with
 * dlopen(RTLD_NOW | RTLD_LOCAL), and looks up one symbol:
 *
 *     const iipsrv_async_module *iipsrv_async_module_entry(void);
 *
 * It returns a table that lives as long as the library: the ABI version, a name, the file extensions the
 * module reads, and the functions below. A library without the symbol, or whose table has another
 * abi_version, is refused with one log line; the server starts without it. A file whose name ends in one of a
 * module's extensions (case-insensitive, after FILESYSTEM_SUFFIX) is opened by that module, before the
 * server's own formats are tried, so a module may take over an extension the server reads itself.
 *
 * Build one with:  cc -shared -fPIC -I <this folder> -o mymodule.so mymodule.c
 * A complete example is Tests/Fixtures/Modules/ppm_module.c (binary PGM and PPM).
 *
 * Contract (what the server guarantees and what it expects):
 *
 *  - Handles. open() returns a handle for one file; the server opens several handles for one file (one per
 *    decode running at once) and calls a handle from one thread at a time, though not always the same thread.
 *    Different handles are used from different threads at the same time, so module state shared between handles
 *    must be thread-safe. Every handle open() returned is passed to close() exactly once.
 *  - Blocking. Every function may block (file I/O, decoding): the server calls them on its codec threads.
 *  - Levels. Resolution levels are numbered as IIP numbers them: 0 is the smallest, levels - 1 the full
 *    image. Each level is at most as large as the next one. Tiles are numbered row-major from the top left
 *    of their level; edge tiles are cropped to the level, never padded.
 *  - Limits. The server checks every size a module reports (image and tile sides, bytes per tile, tiles per
 *    level, levels, channels) against its limits (MAX_IMAGE_SIDE and fixed bounds) before it allocates
 *    anything; an image beyond them is refused with a 4xx.
 *  - Pixels. The server allocates every pixel buffer and describes it in an iipsrv_async_pixels. The module
 *    writes exactly `height` rows of `width * channels * bits_per_sample / 8` bytes, row r starting at
 *    `data + r * row_bytes`, and never writes outside `data[0 ..< capacity]`. Samples are interleaved; 16-bit
 *    samples are in the machine's byte order. The buffer is zero-filled before the call.
 *  - Status. Functions that can fail return IIPSRV_ASYNC_MODULE_OK (0) on success; anything else is a failure
 *    (IIPSRV_ASYNC_MODULE_UNSUPPORTED: the file is not one this module reads, answered 400; any other value:
 *    the file is damaged or unreadable, answered 404). After a failure on a handle, error_text() gives the reason.
 *  - Text. name, extensions and error texts are NUL-terminated UTF-8; the server reads at most 1,024 bytes of
 *    any of them.
 *  - Crashes. A module runs inside the server's process. Before a module first opens a file, the server tries it
 *    in a child process (open, describe, read the first tile of level 0; DECODER_MODULE_CHECK): a crash or hang
 *    there refuses the file. A crash on any other call takes the server with it.
 *
 * Every integer in this ABI has an explicit width. abi_version is the first member of the table in every version,
 * so that the server can refuse a table of another version before reading anything else.
 */
#ifndef IIPSRV_ASYNC_MODULE_H
#define IIPSRV_ASYNC_MODULE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this ABI. A module sets abi_version to it; the server refuses any other value. */
#define IIPSRV_ASYNC_MODULE_ABI_VERSION 1u

/* The name of the symbol the server looks up in every module. */
#define IIPSRV_ASYNC_MODULE_ENTRY_SYMBOL "iipsrv_async_module_entry"

/* Status codes. */
#define IIPSRV_ASYNC_MODULE_OK 0
#define IIPSRV_ASYNC_MODULE_FAILED 1
#define IIPSRV_ASYNC_MODULE_UNSUPPORTED 2

/* An open image: defined by the module, opaque to the server. */
typedef struct iipsrv_async_image iipsrv_async_image;

/* What the whole image is (filled by describe()). */
typedef struct iipsrv_async_image_info {
    uint32_t levels;          /* resolution levels, at least 1 */
    uint32_t channels;        /* samples per pixel: 1 grey, 2 grey and alpha, 3 RGB, 4 RGB and alpha */
    uint32_t bits_per_sample; /* 8 or 16 */
    uint32_t reserved;        /* set to 0 */
} iipsrv_async_image_info;

/* One resolution level (filled by describe_level()). */
typedef struct iipsrv_async_level_info {
    uint32_t width;       /* pixels, at least 1 */
    uint32_t height;      /* pixels, at least 1 */
    uint32_t tile_width;  /* pixels, at least 1 */
    uint32_t tile_height; /* pixels, at least 1 */
} iipsrv_async_level_info;

/* A buffer the server allocated for the module to fill (see "Pixels" above). */
typedef struct iipsrv_async_pixels {
    uint8_t *data;            /* the first byte of the first row */
    uint64_t capacity;        /* bytes the module may write from data: at least row_bytes * height */
    uint64_t row_bytes;       /* bytes from the start of one row to the next */
    uint32_t width;           /* pixels to write in each row */
    uint32_t height;          /* rows to write */
    uint32_t channels;        /* as described */
    uint32_t bits_per_sample; /* as described */
} iipsrv_async_pixels;

/* The table a module exports through iipsrv_async_module_entry(). Every member is required unless noted. */
typedef struct iipsrv_async_module {
    /* IIPSRV_ASYNC_MODULE_ABI_VERSION. */
    uint32_t abi_version;
    /* Set to 0. */
    uint32_t reserved;
    /* A short name for the log, such as "ppm". */
    const char *name;
    /* The file extensions the module reads, without dots, separated by commas: "ppm,pgm". */
    const char *extensions;

    /* Opens the file at `path` (the full path, after FILESYSTEM_PREFIX and FILESYSTEM_SUFFIX). On success, sets
       *image and returns OK. On failure, leaves *image NULL, writes a NUL-terminated reason of at most
       error_capacity bytes (including the NUL) to `error`, and returns a failure status. */
    int32_t (*open)(const char *path, iipsrv_async_image **image, char *error, uint32_t error_capacity);

    /* Describes the image. */
    int32_t (*describe)(iipsrv_async_image *image, iipsrv_async_image_info *info);

    /* Describes resolution level `level` (0 ..< levels). */
    int32_t (*describe_level)(iipsrv_async_image *image, uint32_t level, iipsrv_async_level_info *info);

    /* Decodes tile `tile` of level `level` into `pixels`, whose width and height are the tile's (cropped at the
       level's right and bottom edges). */
    int32_t (*read_tile)(iipsrv_async_image *image, uint32_t level, uint32_t tile, iipsrv_async_pixels *pixels);

    /* Optional (NULL when absent). Decodes the rectangle of level `level` whose top left pixel is (x, y) and whose
       size is pixels->width x pixels->height into `pixels`; the rectangle lies inside the level. When present,
       region exports are read with one call; when NULL, the server composes them from tiles. */
    int32_t (*read_region)(
        iipsrv_async_image *image, uint32_t level, uint32_t x, uint32_t y, iipsrv_async_pixels *pixels);

    /* Releases the handle. */
    void (*close)(iipsrv_async_image *image);

    /* The reason for the last failure on `image`, or NULL. Valid until the next call with that handle. */
    const char *(*error_text)(iipsrv_async_image *image);
} iipsrv_async_module;

/* The one symbol a module exports. */
typedef const iipsrv_async_module *(*iipsrv_async_module_entry_function)(void);

#ifdef __cplusplus
}
#endif

#endif /* IIPSRV_ASYNC_MODULE_H */
