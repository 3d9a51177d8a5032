import CIIPDecoderModule

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A decoder module: a shared library loaded from DECODER_MODULES that reads one or more file formats through the
/// C ABI of `Sources/CIIPDecoderModule/include/iipsrv_async_module.h` (version ``abiVersion``).
///
/// Loading checks everything that can be checked before a file is opened: the library loads, exports the entry
/// symbol, its table has this server's ABI version (read before any other member), a name, at least one extension
/// and every required function. The library stays loaded while the module or any image it opened is alive.
///
/// `@unchecked Sendable`: the table is copied once at load time and never changes; the library handle is only
/// used to unload it when the last reference goes.
public final class DecoderModule: @unchecked Sendable {
    /// The ABI version this server loads.
    public static let abiVersion = UInt32(IIPSRV_ASYNC_MODULE_ABI_VERSION)
    /// The symbol every module exports.
    public static let entrySymbol = IIPSRV_ASYNC_MODULE_ENTRY_SYMBOL
    /// The most bytes read from any text a module gives (name, extensions, error texts).
    static let maxTextBytes = 1024

    /// The path it was loaded from, as given in DECODER_MODULES.
    public let path: String
    /// The module's name, for the log.
    public let name: String
    /// The file extensions it reads: lowercase, without dots.
    public let extensions: [String]
    /// The functions, as the module exported them.
    let table: iipsrv_async_module
    /// The required functions, checked at load time.
    let functions: Functions
    private let library: UnsafeMutableRawPointer

    /// The functions every module has (`read_region` is optional and stays in ``table``).
    struct Functions {
        let open:
            @convention(c) (
                UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?, UnsafeMutablePointer<CChar>?, UInt32
            ) -> Int32
        let describe: @convention(c) (OpaquePointer?, UnsafeMutablePointer<iipsrv_async_image_info>?) -> Int32
        let describeLevel:
            @convention(c) (OpaquePointer?, UInt32, UnsafeMutablePointer<iipsrv_async_level_info>?)
                -> Int32
        let readTile:
            @convention(c) (OpaquePointer?, UInt32, UInt32, UnsafeMutablePointer<iipsrv_async_pixels>?)
                -> Int32
        let close: @convention(c) (OpaquePointer?) -> Void
        let errorText: @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    }

    private init(
        path: String, name: String, extensions: [String], table: iipsrv_async_module, functions: Functions,
        library: UnsafeMutableRawPointer
    ) {
        self.path = path
        self.name = name
        self.extensions = extensions
        self.table = table
        self.functions = functions
        self.library = library
    }

    deinit {
        dlclose(library)
    }

    /// Whether the module reads regions itself (`read_region`); otherwise regions are composed from tiles.
    public var readsRegions: Bool { table.read_region != nil }

    /// Loads the library at `path` and checks its table (a blocking call, made at start-up).
    ///
    /// - Throws: ``DecoderModuleError``, whose description is the log line.
    public static func load(path: String) throws(DecoderModuleError) -> DecoderModule {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .cannotLoad(path: path, reason: dlerror().map { String(cString: $0) } ?? "unknown error")
        }
        do {
            return try checked(library: library, path: path)
        } catch {
            dlclose(library)
            throw error
        }
    }

    private static func checked(library: UnsafeMutableRawPointer, path: String) throws(DecoderModuleError)
        -> DecoderModule
    {
        guard let symbol = dlsym(library, entrySymbol) else { throw .missingEntry(path: path) }
        let entry = unsafeBitCast(symbol, to: iipsrv_async_module_entry_function.self)
        guard let pointer = entry() else { throw .missingEntry(path: path) }
        // The version first, alone: a table of another version may be shorter than this one.
        let version = UnsafeRawPointer(pointer).load(as: UInt32.self)
        guard version == abiVersion else {
            throw .wrongABIVersion(path: path, found: version, expected: abiVersion)
        }
        let table = pointer.pointee
        guard let open = table.open, let describe = table.describe, let describeLevel = table.describe_level,
            let readTile = table.read_tile, let close = table.close, let errorText = table.error_text
        else {
            throw .invalidTable(
                path: path,
                reason: "a required function (open, describe, describe_level, read_tile, close or "
                    + "error_text) is missing")
        }
        guard let name = text(table.name), !name.isEmpty else {
            throw .invalidTable(path: path, reason: "it has no name")
        }
        let extensions = parseExtensions(text(table.extensions) ?? "")
        guard !extensions.isEmpty else { throw .invalidTable(path: path, reason: "it names no file extension") }
        return DecoderModule(
            path: path, name: name, extensions: extensions, table: table,
            functions: Functions(
                open: open, describe: describe, describeLevel: describeLevel, readTile: readTile, close: close,
                errorText: errorText),
            library: library)
    }

    /// `"PPM, .pgm,,"` as `["ppm", "pgm"]`: split at commas, spaces and leading dots removed, ASCII lowercased,
    /// empty and repeated entries dropped.
    static func parseExtensions(_ list: String) -> [String] {
        var result: [String] = []
        for part in list.split(separator: ",") {
            var item = Substring(part.filter { $0 != " " && $0 != "\t" })
            while item.first == "." { item = item.dropFirst() }
            let lowered = asciiLowercased(String(item))
            if !lowered.isEmpty, !result.contains(lowered) { result.append(lowered) }
        }
        return result
    }

    /// `text` with ASCII capitals lowered (file extensions compare without locale rules).
    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// A module's NUL-terminated text, at most ``maxTextBytes`` bytes of it, or `nil` for a null pointer.
    static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, maxTextBytes)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }
}
