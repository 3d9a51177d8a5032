import Glibc
import IIPImaging
import Logging

extension Pipeline {
    /// The AV1 encoder for AVIF output, from AVIF_CODEC and what this libavif links, logged once at start-up: the
    /// encoder in use, a warning when the one asked for is missing (libavif's default is used instead), and which
    /// pictures aom writes instead of it. `nil` when libavif has no encoder at all (AVIF is then not offered).
    static func avifCodec(_ configuration: ServerConfiguration, logger: Logger) -> AVIFCodec? {
        let requested = AVIFCodec(iipsrvCode: configuration.avifCodec)
        guard let (codec, note) = AVIFCodec.resolve(requested) else {
            logger.warning("AVIF output is off: libavif \(AVIFCodec.libraryVersions) has no AV1 encoder")
            return nil
        }
        if let note { logger.warning("\(note)") }
        logger.info("AVIF output with \(codec.encoderName ?? codec.name), libavif \(AVIFCodec.libraryVersions)")
        if codec.encoderName != "aom", AVIFCodec.aom.isAvailable {
            let pictures =
                codec == .svt
                ? "lossless, grey and transparent pictures, and those with odd sides or sides under 64 pixels,"
                : "lossless pictures"
            let name = codec.encoderName ?? codec.name
            logger.info("AVIF: \(pictures) are written by aom (\(name) cannot write them exactly)")
        }
        if codec == .svt {
            // SVT-AV1 prints its whole configuration on every encode unless SVT_LOG lowers its level; keep its
            // errors only, unless the administrator chose a level. Set once, before any request is served.
            if getenv("SVT_LOG") == nil { setenv("SVT_LOG", "1", 0) }
        }
        return codec
    }
}
