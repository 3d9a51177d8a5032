import IIPImaging
import Logging

extension Pipeline {
    /// Loads the decoder modules at `paths` (DECODER_MODULES), at start-up: one log line per module loaded, and one
    /// error line per module refused (cannot be loaded, no entry symbol, another ABI version, an incomplete table,
    /// an extension another module reads), which the server then runs without.
    static func loadDecoderModules(_ paths: [String], logger: Logger) -> DecoderModules {
        guard !paths.isEmpty else { return DecoderModules() }
        let (modules, refusals) = DecoderModules.load(paths: paths)
        for refusal in refusals { logger.error("\(refusal)") }
        for module in modules.loaded {
            let extensions = module.extensions.map { "." + $0 }.joined(separator: ", ")
            logger.info("Decoder module \(module.name) loaded from \(module.path) for \(extensions) files")
        }
        return modules
    }
}
