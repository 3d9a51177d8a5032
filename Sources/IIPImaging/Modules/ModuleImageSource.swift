import CIIPDecoderModule
public import IIPModel

/// An image opened by a ``DecoderModule``: one module handle, described once, read tile by tile or region by
/// region through the module's functions.
///
/// Every size the module reports goes through the same ``ImageLimits`` checks as a TIFF level (image and tile
/// sides, bytes per tile, tiles per level, levels, channels) before anything is allocated, and every pixel buffer
/// is allocated here, zero-filled, and handed to the module with its capacity and row stride: the module never
/// chooses how much memory it writes. One `1`-to-`4`-channel image: 1 grey, 2 grey and alpha, 3 sRGB, 4 sRGB and
/// alpha, 8 or 16 bits. Not `Sendable`: a handle serves one decode at a time, as the ABI promises modules.
public final class ModuleImageSource: ImageSource {
    /// What the protocols need to know about the image.
    public let description: ImageDescription
    /// The module that opened it (kept loaded while the image is open).
    public let module: DecoderModule
    private let image: OpaquePointer
    private let path: String
    private let limits: ImageLimits

    /// Opens `path` with `module` and reads its description.
    ///
    /// - Throws: ``ImagingError/unsupportedFormat(_:)`` when the module says the file is not one it reads;
    ///   ``ImagingError/unsupportedLayout(_:)`` when its description is beyond `limits` or outside the ABI;
    ///   ``ImagingError/decodeFailed(_:)`` when the module cannot open or describe it.
    public init(module: DecoderModule, path: String, limits: ImageLimits = .default) throws(ImagingError) {
        var handle: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { buffer in
            module.functions.open(path, &handle, buffer.baseAddress, UInt32(buffer.count))
        }
        guard status == IIPSRV_ASYNC_MODULE_OK, let handle else {
            // A module that reports success without a handle is broken; its handle, if any, is released.
            if let handle { module.functions.close(handle) }
            let reason = Self.reason(message, path: path) ?? "it did not open the file"
            if status == IIPSRV_ASYNC_MODULE_UNSUPPORTED {
                throw .unsupportedFormat("\(module.name) module: \(reason)")
            }
            throw .decodeFailed("\(module.name) module: \(reason)")
        }
        do {
            description = try Self.describe(handle, module: module, path: path, limits: limits)
        } catch {
            module.functions.close(handle)
            throw error
        }
        self.module = module
        self.image = handle
        self.path = path
        self.limits = limits
    }

    deinit {
        module.functions.close(image)
    }

    // MARK: - Description

    private static func describe(
        _ image: OpaquePointer, module: DecoderModule, path: String, limits: ImageLimits
    ) throws(ImagingError) -> ImageDescription {
        let prefix = "\(module.name) module"
        var info = iipsrv_async_image_info()
        guard module.functions.describe(image, &info) == IIPSRV_ASYNC_MODULE_OK else {
            throw .decodeFailed("\(prefix): " + (errorText(image, module, path: path) ?? "cannot describe the image"))
        }
        let levelCount = Int(info.levels)
        let channels = Int(info.channels)
        let bits = Int(info.bits_per_sample)
        guard levelCount >= 1, levelCount <= max(limits.maxLevels, 1) else {
            throw .unsupportedLayout("\(prefix): \(levelCount) resolution levels (1 to \(limits.maxLevels))")
        }
        guard channels >= 1, channels <= min(limits.maxSamplesPerPixel, 4) else {
            throw .unsupportedLayout("\(prefix): \(channels) channels (1 to 4)")
        }
        guard bits == 8 || bits == 16 else { throw .unsupportedLayout("\(prefix): \(bits)-bit samples (8 or 16)") }
        var levels: [PyramidLevel] = []
        levels.reserveCapacity(levelCount)
        for index in 0..<levelCount {
            var reported = iipsrv_async_level_info()
            guard module.functions.describeLevel(image, UInt32(index), &reported) == IIPSRV_ASYNC_MODULE_OK else {
                throw .decodeFailed(
                    "\(prefix): "
                        + (errorText(image, module, path: path) ?? "cannot describe resolution level \(index)"))
            }
            let level = PyramidLevel(
                width: Int(reported.width), height: Int(reported.height), tileWidth: Int(reported.tile_width),
                tileHeight: Int(reported.tile_height))
            // The same bounds as a TIFF level: sides, tile sides, bytes per tile, tiles per level (below 2^32).
            do {
                try PyramidTIFF.check(level, channels: channels, bits: bits, planarSeparate: false, limits: limits)
            } catch {
                throw .unsupportedLayout("\(prefix): level \(index): \(error)")
            }
            if let previous = levels.last, level.width < previous.width || level.height < previous.height {
                throw .unsupportedLayout("\(prefix): level \(index) is smaller than level \(index - 1)")
            }
            levels.append(level)
        }
        return ImageDescription(
            levels: levels, channels: channels, bitsPerSample: bits, colorSpace: channels <= 2 ? .greyscale : .sRGB)
    }

    // MARK: - Reading

    /// Decodes one tile through the module's `read_tile`.
    public func readTile(resolution: Int, tile: Int) throws(ImagingError) -> PixelBuffer {
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        guard let rect = description.levels[resolution].tileRect(tile) else { throw .noSuchTile(tile) }
        // Tile numbers are below 2^32 (checked with the level).
        return try fill(rect, maxBytes: max(limits.maxTileBytes, 0)) { pixels in
            module.functions.readTile(image, UInt32(resolution), UInt32(tile), pixels)
        }
    }

    /// Decodes `rect` through the module's `read_region`, or composes it from tiles when the module has none.
    public func readRegion(resolution: Int, rect: PixelRect) throws(ImagingError) -> PixelBuffer {
        guard let readRegion = module.table.read_region else {
            return try composedRegion(resolution: resolution, rect: rect)
        }
        guard resolution >= 0, resolution < description.levels.count else { throw .noSuchResolution(resolution) }
        let level = description.levels[resolution]
        guard rect.width > 0, rect.height > 0, rect.x >= 0, rect.y >= 0, rect.x + rect.width <= level.width,
            rect.y + rect.height <= level.height
        else { throw .invalidParameter("\(rect.width)x\(rect.height)+\(rect.x)+\(rect.y) is not inside the level") }
        // Level sides are at most MAX_IMAGE_SIDE, so every coordinate fits a UInt32.
        return try fill(rect, maxBytes: limits.maxBufferBytes) { pixels in
            readRegion(image, UInt32(resolution), UInt32(rect.x), UInt32(rect.y), pixels)
        }
    }

    /// Modules that read regions are asked for a whole export at once; the others' regions are composed from
    /// their tiles, which the pipeline decodes in parallel and caches.
    public func regionReading(resolution: Int) -> RegionReading {
        module.readsRegions ? .direct : .tiles
    }

    /// A zero-filled buffer for `rect`, sized here, that `read` asks the module to fill.
    private func fill(
        _ rect: PixelRect, maxBytes: Int, _ read: (UnsafeMutablePointer<iipsrv_async_pixels>) -> Int32
    ) throws(ImagingError) -> PixelBuffer {
        var buffer = try PixelBuffer.zeroed(
            width: rect.width, height: rect.height, channels: description.channels,
            bitsPerSample: description.bitsPerSample, maxBytes: maxBytes)
        let rowBytes = buffer.rowBytes
        let status = buffer.bytes.withUnsafeMutableBufferPointer { bytes in
            var pixels = iipsrv_async_pixels(
                data: bytes.baseAddress, capacity: UInt64(bytes.count), row_bytes: UInt64(rowBytes),
                width: UInt32(rect.width), height: UInt32(rect.height), channels: UInt32(description.channels),
                bits_per_sample: UInt32(description.bitsPerSample))
            return read(&pixels)
        }
        guard status == IIPSRV_ASYNC_MODULE_OK else {
            throw .decodeFailed(
                "\(module.name) module: " + (Self.errorText(image, module, path: path) ?? "cannot read the pixels"))
        }
        return buffer
    }

    // MARK: - Error texts

    /// The module's reason for the last failure on `image`, if it gives one, without the file's path.
    private static func errorText(_ image: OpaquePointer, _ module: DecoderModule, path: String) -> String? {
        withoutPath(DecoderModule.text(module.functions.errorText(image)) ?? "", path)
    }

    /// The reason `open` wrote into `message`, without the file's path.
    private static func reason(_ message: [CChar], path: String) -> String? {
        let text = message.withUnsafeBufferPointer { buffer in
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return withoutPath(text, path)
    }

    /// `text` with `path` replaced (error texts reach clients, which must never see the filesystem prefix), or
    /// `nil` when it is empty.
    private static func withoutPath(_ text: String, _ path: String) -> String? {
        guard !text.isEmpty else { return nil }
        return path.isEmpty ? text : text.replacing(path, with: "the file")
    }
}
