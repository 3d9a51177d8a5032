import IIPImaging
import Logging

extension Pipeline {
    /// Reads WATERMARK at start-up, premultiplied by WATERMARK_OPACITY (iipsrv-reference §6.5); a file that cannot be
    /// read leaves watermarking off, with one error line, as iipsrv does.
    static func loadWatermark(_ configuration: ServerConfiguration, logger: Logger) -> Watermark? {
        guard !configuration.watermark.isEmpty else { return nil }
        do {
            let watermark = try Watermark(path: configuration.watermark, opacity: configuration.watermarkOpacity)
            logger.info(
                "Watermark \(configuration.watermark) loaded: \(watermark.width)x\(watermark.height) pixels")
            return watermark
        } catch {
            logger.error("Watermark \(configuration.watermark) cannot be read (\(error)); watermarking is off")
            return nil
        }
    }
}
