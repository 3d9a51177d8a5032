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

    /// The decoder module check (DECODER_MODULE_CHECK), when modules are loaded, the check is on, and there is an
    /// executable to run it with.
    static func moduleProbe(
        _ configuration: ServerConfiguration, modules: DecoderModules, logger: Logger
    ) -> DecoderModuleProbe? {
        guard configuration.decoderModuleCheck > 0, !modules.loaded.isEmpty else { return nil }
        guard let executable = configuration.decoderModuleProbeExecutable else {
            logger.warning("DECODER_MODULE_CHECK is on but this program cannot run the check: modules are trusted")
            return nil
        }
        return DecoderModuleProbe(
            executable: executable, timeout: .milliseconds(Int(configuration.decoderModuleCheck * 1000))
        ) { refusal in logger.error("\(refusal)") }
    }
}
