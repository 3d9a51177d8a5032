#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens image files as the right ``ImageSource`` for their format: a decoder module when one reads the file's
/// extension, otherwise the server's own reader for the format its first bytes show.
///
/// A value built once from the configuration (limits, MAX_LAYERS, the modules loaded from DECODER_MODULES) and
/// passed to whatever opens images; opening is a blocking call.
public struct ImageSourceOpener: Sendable {
    /// What a file's header may ask for; see ``ImageLimits``.
    public var limits: ImageLimits
    /// JPEG 2000 quality layers, as MAX_LAYERS (see ``JPEG2000Source``).
    public var layers: Int
    /// The decoder modules, chosen by file extension before the built-in formats.
    public var modules: DecoderModules
    /// Tries a module on a file in a child process before opening it here (DECODER_MODULE_CHECK); `nil` trusts
    /// modules.
    public var probe: DecoderModuleProbe?
    /// The store paths that are URLs are read from (FILESYSTEM_PREFIX `s3://`, `http://`, `https://`); `nil` when
    /// every image is a local file.
    public var remote: (any RemoteObjects)?

    /// Creates an opener.
    public init(
        limits: ImageLimits = .default, layers: Int = 0, modules: DecoderModules = DecoderModules(),
        probe: DecoderModuleProbe? = nil, remote: (any RemoteObjects)? = nil
    ) {
        self.limits = limits
        self.layers = layers
        self.modules = modules
        self.probe = probe
        self.remote = remote
    }

    /// Opens `path` (a blocking call): with the module that reads its extension, if any (modules take precedence,
    /// so one may replace a built-in reader); otherwise by its first bytes.
    public func open(path: String) throws(ImagingError) -> any ImageSource {
        try open(path: path, page: 0)
    }

    /// Opens one page of `path`: a layer of a multi-page TIFF stack (``TIFFStack``); every other file has only
    /// page 0.
    public func open(path: String, page: Int) throws(ImagingError) -> any ImageSource {
        if let remote, remote.handles(path) { return try openRemote(remote.open(path), page: page) }
        if page != 0 {
            guard try Self.sniff(path) == .tiff, modules.module(forPath: path) == nil else {
                throw .invalidParameter("no stack layer \(page): the image is not a stack")
            }
            return try PyramidTIFF(path: path, limits: limits, page: page)
        }
        if let module = modules.module(forPath: path) {
            try probe?.check(module: module, file: path)
            return try ModuleImageSource(module: module, path: path, limits: limits)
        }
        guard let kind = try Self.sniff(path) else { throw .unsupportedFormat("unrecognised file signature") }
        switch kind {
        case .tiff: return try PyramidTIFF(path: path, limits: limits)
        case .jpeg2000, .jpeg2000Codestream: return try JPEG2000Source(path: path, limits: limits, layers: layers)
        case .jpeg: return try JPEGSource(path: path, limits: limits)
        }
    }

    /// Opens a file on a remote store by its first bytes: pyramid TIFFs and JPEG 2000, the formats read by byte
    /// ranges. Decoder modules and JPEG files read local files only.
    public func open(source: any ByteSource, page: Int = 0) throws(ImagingError) -> any ImageSource {
        try openRemote(source, page: page)
    }

    private func openRemote(_ source: any ByteSource, page: Int) throws(ImagingError) -> any ImageSource {
        let kind = ImageFileKind(header: try source.read(at: 0, count: 12))
        if page != 0, kind != .tiff { throw .invalidParameter("no stack layer \(page): the image is not a stack") }
        switch kind {
        case .tiff: return try PyramidTIFF(source: source, limits: limits, page: page)
        case .jpeg2000, .jpeg2000Codestream: return try JPEG2000Source(source: source, limits: limits, layers: layers)
        case .jpeg: throw .unsupportedFormat("JPEG files are read from local storage only")
        case nil: throw .unsupportedFormat("unrecognised file signature")
        }
    }

    /// Opens `path`, recognising the format from its first bytes (a blocking call), within the default
    /// ``ImageLimits``.
    public static func open(path: String) throws(ImagingError) -> any ImageSource {
        try open(path: path, limits: .default)
    }

    /// Opens `path`, recognising the format from its first bytes (a blocking call), without decoder modules.
    ///
    /// - Parameter limits: What the file's header may ask for; see ``ImageLimits``.
    /// - Parameter layers: JPEG 2000 quality layers, as MAX_LAYERS (see ``JPEG2000Source``).
    public static func open(path: String, limits: ImageLimits, layers: Int = 0) throws(ImagingError)
        -> any ImageSource
    {
        try ImageSourceOpener(limits: limits, layers: layers).open(path: path)
    }

    /// Reads the first bytes of `path` and recognises its container.
    public static func sniff(_ path: String) throws(ImagingError) -> ImageFileKind? {
        guard let file = fopen(path, "rb") else { throw .unreadable(path: path, reason: "cannot open") }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 12)
        let count = fread(&header, 1, header.count, file)
        return ImageFileKind(header: header.prefix(count))
    }

    /// Runs `open`, replacing an ``ImagingError/unreadable(path:reason:)`` (whose text names the filesystem path)
    /// by a ``ImagingError/decodeFailed(_:)`` that does not: for opens whose errors reach a client after the
    /// image's first open, such as a second handle or a sequence view.
    public static func withoutPaths<T>(_ open: () throws(ImagingError) -> T) throws(ImagingError) -> T {
        do {
            return try open()
        } catch {
            if case .unreadable(_, let reason) = error {
                throw .decodeFailed("the image file cannot be read: \(reason)")
            }
            throw error
        }
    }
}
